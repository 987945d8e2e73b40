/**
 * The moments between Zoho's answer to a create and our record of it: the one place a crash
 * could duplicate a record. Tests put a function here that throws, to show that a retry
 * finds what Zoho made instead of making it again. Empty in production.
 */
export type CrashPoint = 'contact' | 'salesorder' | 'invoice' | 'payment' | 'creditnote' | 'creditnote_refund';

export const crashPoints: { afterZohoCreate?: (point: CrashPoint, orderId: number) => void } = {};

export function passCrashPoint(point: CrashPoint, orderId: number): void {
  crashPoints.afterZohoCreate?.(point, orderId);
}
