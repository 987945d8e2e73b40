import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret } from '../../server/crypto.js';

describe('secrets at rest', () => {
  const key = randomBytes(32);
  it('round-trips and never shows the plain text', () => {
    const sealed = encryptSecret('token-123', key);
    expect(sealed).not.toContain('token-123');
    expect(decryptSecret(sealed, key)).toBe('token-123');
    expect(encryptSecret('token-123', key)).not.toBe(sealed); // a fresh IV each time
  });
  it('refuses a tampered value or another key', () => {
    const sealed = encryptSecret('token-123', key);
    const parts = sealed.split(':');
    parts[3] = Buffer.from('token-999').toString('base64');
    expect(() => decryptSecret(parts.join(':'), key)).toThrow();
    expect(() => decryptSecret(sealed, randomBytes(32))).toThrow();
  });
});
