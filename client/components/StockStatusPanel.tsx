import { Message, Panel, Text } from '@bigcommerce/big-design';
import { formatTime, type Run } from '../flows.js';
import { usePolling } from '../hooks/usePolling.js';

const STOCK_POLL_MS = 5_000;

/** GET /api/stock/status: the part the panel shows. */
export interface StockStatus {
  enabled: boolean;
  method: 'scheduled' | 'oneway' | 'twoway';
  realtime: { active: boolean; lastFlushAt: string | null; lastZohoEventAt: string | null; waitingRecords: number };
  /** Who writes the store's stock now: one writer at a time. */
  writer: null | { kind: 'flush' | 'twoway' | 'run'; runId?: string; since: string };
}

const METHOD_LABELS: Record<StockStatus['method'], string> = { scheduled: 'scheduled', oneway: 'one-way real time', twoway: 'two-way real time' };
const WRITER_LABELS: Record<NonNullable<StockStatus['writer']>['kind'], string> = {
  flush: 'a real-time update from Zoho',
  twoway: 'a two-way update (BigCommerce corrections to Zoho, then Zoho’s levels)',
  run: 'another stock run',
};

/**
 * Stock at a glance: the method, real time's last flush, and who writes the store's stock. A
 * stock run that has read Zoho waits while another writer (a real-time update, another run)
 * writes, so that an older read never overwrites a newer level: the panel says so, and since when.
 */
export function StockStatusPanel() {
  const { data } = usePolling<StockStatus>('/stock/status', STOCK_POLL_MS);
  const running = usePolling<{ runs: Run[] }>('/runs?flow=stock&status=running', STOCK_POLL_MS);
  if (!data?.enabled) return null;
  const writer = data.writer;
  // A running stock run that is not the writer has read Zoho and waits for its turn to write (a
  // preview writes nothing, and real-time updates are recorded in an hourly run of their own).
  const waiting = writer ? running.data?.runs.find((run) => run.trigger !== 'webhook' && !run.dryRun && !(writer.kind === 'run' && writer.runId === run.id)) : undefined;
  return (
    <Panel header="Stock" description="How stock reaches BigCommerce, and who writes it now." data-testid="stock-status">
      <Text marginBottom="small">
        Method: <strong>{METHOD_LABELS[data.method]}</strong>
        {data.realtime.active && (
          <>
            {' · '}last real-time update {formatTime(data.realtime.lastFlushAt ?? undefined)}
            {data.realtime.waitingRecords ? ` · ${data.realtime.waitingRecords} change(s) waiting for the next one` : ''}
          </>
        )}
      </Text>
      {writer && waiting && (
        <Message
          type="info"
          data-testid="stock-run-waits"
          messages={[{ text: `The stock run has read Zoho and waits to write: ${WRITER_LABELS[writer.kind]} has been writing the store's stock since ${formatTime(writer.since)}. One writer at a time, so an older read never overwrites a newer level.` }]}
        />
      )}
      {writer && !waiting && (
        <Text color="secondary60" marginBottom="none" data-testid="stock-writer">
          Writing now: {writer.kind === 'run' ? 'the stock run' : WRITER_LABELS[writer.kind]}, since {formatTime(writer.since)}.
        </Text>
      )}
    </Panel>
  );
}
