import { BigCommerceApiError, BigCommerceAuthError } from './errors.js';

/**
 * Creates that survive a lost answer within the same run. A create whose answer never came (a
 * reset, a timeout) or came as a 5xx may have been carried out: the client does not send it again
 * (retry.ts), and the caller reads back what BigCommerce may have made with a documented filter,
 * adopts it, or creates once more. A second create refused because the SKU or name is taken then
 * means the first one was made after all: read back and adopt.
 */

/** BigCommerce may or may not have acted: no answer (status 0) or a server error. */
export function isAmbiguous(error: unknown): boolean {
  return error instanceof BigCommerceApiError && !(error instanceof BigCommerceAuthError) && (error.status === 0 || error.status >= 500);
}

/** BigCommerce refused a create because what it names (SKU, name) exists already. */
export function isTaken(error: unknown): boolean {
  if (!(error instanceof BigCommerceApiError)) return false;
  if (error.status === 409) return true;
  return error.status === 422 && /unique|duplicate|already|taken/i.test(`${error.title} ${JSON.stringify(error.errors ?? {})}`);
}

export type Made<T> = { value: T; adopted: boolean };

/**
 * The create of a record whose first attempt was ambiguous and whose read-back found nothing:
 * create again; if that answer is lost too, or the record is taken by now (the first create was
 * still being carried out when it was read back), read back once more and adopt what it finds.
 * Worst case: this create and one read.
 */
export async function createAgain<T>(create: () => Promise<T>, find: () => Promise<T | undefined>): Promise<Made<T>> {
  try {
    return { value: await create(), adopted: false };
  } catch (error) {
    if (!isAmbiguous(error) && !isTaken(error)) throw error;
    const found = await find();
    if (found === undefined) throw error;
    return { value: found, adopted: true };
  }
}

/**
 * A create that is read back after an ambiguous failure: adopts what BigCommerce made, or
 * creates once more (`createAgain`). Worst case on top of the create: read, create, read (3).
 */
export async function createOnce<T>(create: () => Promise<T>, find: () => Promise<T | undefined>): Promise<Made<T>> {
  try {
    return { value: await create(), adopted: false };
  } catch (error) {
    if (!isAmbiguous(error)) throw error;
  }
  const found = await find();
  if (found !== undefined) return { value: found, adopted: true };
  return createAgain(create, find);
}

/** The sentence a run records for a record found after its create's answer was lost. */
export const ADOPTED_AFTER_LOST_ANSWER = 'BigCommerce made it but its answer was lost: found by a read-back and adopted';
