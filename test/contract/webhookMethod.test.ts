import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { inventoryMethodContradiction } from './knownErrors.js';
import { describeContract, referenceDir } from './reference.js';

/**
 * The known error the app builds around (knownErrors.ts, inventoryMethodContradiction): the
 * product and SKU inventory events give `method` opposite meanings, so nothing reads it.
 */
describeContract('webhooks.v3.yml: an inventory event’s `method`', () => {
  it('means "by an order" as `relative` in the product scopes and as `absolute` in the SKU scopes', () => {
    const doc = parse(readFileSync(join(referenceDir(), 'bigcommerce', 'openapi', 'webhooks.v3.yml'), 'utf8'));
    expect(inventoryMethodContradiction.check(doc)).toEqual(inventoryMethodContradiction.byOrder);
  });

  it('is read nowhere in the app', () => {
    for (const file of ['server/sync/stock/events.ts', 'server/sync/stock/orderMoves.ts', 'server/sync/stock/twoWay.ts']) {
      expect(readFileSync(file, 'utf8')).not.toMatch(/inventory\??\.method|\.method\s*===\s*'(absolute|relative)'/);
    }
  });
});
