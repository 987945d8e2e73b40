import { Button } from '@bigcommerce/big-design';
import { useState } from 'react';
import { api, errorText } from '../api.js';
import { useCanManage } from '../permissions.js';

export type Notice = { type: 'success' | 'error'; text: string };

/**
 * Queues one order to be processed again (POST /api/orders/:id/retry); it resumes after its last
 * completed step. Whether it is queued is kept by the list (tables may remount their cells).
 */
export function OrderRetryButton({ orderId, queued, onQueued, onNotice }: { orderId: number; queued: boolean; onQueued(orderId: number): void; onNotice(notice: Notice): void }) {
  const [busy, setBusy] = useState(false);
  const canManage = useCanManage();
  const retry = async () => {
    setBusy(true);
    try {
      await api(`/orders/${orderId}/retry`, { method: 'POST' });
      onQueued(orderId);
      onNotice({ type: 'success', text: `Order #${orderId} is queued for another attempt.` });
    } catch (e) {
      onNotice({ type: 'error', text: errorText(e, `Could not retry order #${orderId}.`) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="secondary" isLoading={busy} disabled={queued || !canManage} onClick={() => void retry()} data-testid={`retry-order-${orderId}`}>
      {queued ? 'Queued' : 'Retry'}
    </Button>
  );
}

/** The orders a list has queued for retry, and the message about the last one. */
export function useOrderRetries() {
  const [queued, setQueued] = useState<ReadonlySet<number>>(new Set());
  const [notice, setNotice] = useState<Notice | null>(null);
  return {
    notice,
    clearNotice: () => setNotice(null),
    buttonProps: (orderId: number) => ({
      orderId,
      queued: queued.has(orderId),
      onQueued: (id: number) => setQueued((s) => new Set(s).add(id)),
      onNotice: setNotice,
    }),
  };
}

export const ORDER_STATUS_VARIANTS: Record<string, 'success' | 'warning' | 'danger' | 'secondary' | 'primary'> = {
  done: 'success',
  held: 'warning',
  failed: 'danger',
  waiting: 'primary',
  ignored: 'secondary',
  cancelled: 'secondary',
};
