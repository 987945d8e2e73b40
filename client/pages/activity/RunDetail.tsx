import { Button, Flex, Message, Panel, ProgressBar, Text } from '@bigcommerce/big-design';
import { useState } from 'react';
import { api, errorText } from '../../api.js';
import { PlanTable } from '../../components/PlanTable.js';
import { RunStatusBadge } from '../../components/RunStatusBadge.js';
import { FLOW_LABELS, canRetry, countsText, durationOf, formatTime, isActive } from '../../flows.js';
import { useRun, useRunRecords } from '../../hooks/useRun.js';
import { useCanManage } from '../../permissions.js';

type RetryAnswer = { id: string; joined: boolean } | { orders: number[] };

/** One run: how it went, what it did to each record, and a retry of what failed (POST /api/runs/:id/retry). */
export function RunDetail({ runId, onBack, onOpenRun }: { runId: string; onBack(): void; onOpenRun(id: string): void }) {
  const { run, error } = useRun(runId);
  const records = useRunRecords(run);
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const canManage = useCanManage();

  const retry = async () => {
    setBusy(true);
    setNotice(null);
    try {
      const answer = await api<RetryAnswer>(`/runs/${runId}/retry`, { method: 'POST' });
      if ('orders' in answer) {
        setNotice({ type: 'success', text: `${answer.orders.length} order${answer.orders.length === 1 ? ' is' : 's are'} queued for another attempt: #${answer.orders.join(', #')}.` });
      } else {
        onOpenRun(answer.id);
      }
    } catch (e) {
      setNotice({ type: 'error', text: errorText(e, 'Could not retry the run.') });
    } finally {
      setBusy(false);
    }
  };

  if (!run) return <Panel header="Run">{error ? <Message type="error" messages={[{ text: error }]} /> : <Text>Loading…</Text>}</Panel>;
  const running = isActive(run.status);
  return (
    <Panel header={`${FLOW_LABELS[run.flow] ?? run.flow} ${run.dryRun ? 'preview' : 'run'} · ${formatTime(run.queuedAt)}`} data-testid="run-detail">
      <Flex marginBottom="medium" alignItems="center" flexGap="0.75rem" flexWrap="wrap">
        <RunStatusBadge status={run.status} />
        <Text marginBottom="none">
          {run.trigger} · {durationOf(run)} · API calls: BigCommerce {run.apiCalls.bigcommerce}, Zoho {run.apiCalls.zoho}
        </Text>
      </Flex>
      {running && run.progress?.total ? <ProgressBar percent={Math.round((100 * run.progress.done) / run.progress.total)} /> : null}
      {!running && <Text>{countsText(run.counts)} · {run.counts.unchanged ?? 0} unchanged · {run.counts.skipped ?? 0} skipped</Text>}
      {run.message && <Message type={run.status === 'failed' ? 'error' : 'info'} messages={[{ text: run.message }]} marginBottom="medium" />}
      {notice && <Message type={notice.type} messages={[{ text: notice.text }]} marginBottom="medium" />}
      {records ? <PlanTable records={records} testId="run-records" /> : !running && <Text>Loading the records…</Text>}
      <Flex marginTop="medium" flexGap="0.5rem">
        <Button variant="secondary" onClick={onBack}>
          Back to all runs
        </Button>
        {canRetry(run) && (
          <Button onClick={() => void retry()} isLoading={busy} disabled={!canManage} data-testid="retry-run">
            {run.flow === 'orders' ? 'Retry failed orders' : 'Retry failed records'}
          </Button>
        )}
      </Flex>
    </Panel>
  );
}
