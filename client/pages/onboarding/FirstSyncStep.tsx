import { Box, Button, Message, ProgressBar, Text } from '@bigcommerce/big-design';
import { useState } from 'react';
import { api, errorText } from '../../api.js';
import { PlanSummary } from '../../components/PlanTable.js';
import { RunStatusBadge } from '../../components/RunStatusBadge.js';
import { canRetry, countsText, durationOf, isActive } from '../../flows.js';
import { useRun, useRunRecords } from '../../hooks/useRun.js';

/** Step 4: the first real products sync, approved from the preview, followed live until it finishes. */
export function FirstSyncStep({ runId, onRunId, onDone }: { runId: string; onRunId(id: string): void; onDone(): void }) {
  const { run, error } = useRun(runId);
  const records = useRunRecords(run);
  const [retryError, setRetryError] = useState<string | null>(null);

  const retry = async () => {
    setRetryError(null);
    try {
      const result = await api<{ id?: string }>(`/runs/${runId}/retry`, { method: 'POST' });
      if (result.id) onRunId(result.id);
    } catch (e) {
      setRetryError(errorText(e, 'Could not retry the sync.'));
    }
  };

  if (!run) return <Text>{error ?? 'Starting the first sync…'}</Text>;
  const running = isActive(run.status);
  const percent = run.progress?.total ? Math.round((100 * run.progress.done) / run.progress.total) : undefined;
  return (
    <Box data-testid="first-sync">
      {running ? (
        <Box aria-live="polite">
          <Text>
            Syncing products from Zoho Inventory: {run.progress?.total ? `${run.progress.done} of ${run.progress.total}` : 'reading the catalogs'}…
          </Text>
          <ProgressBar percent={percent} />
        </Box>
      ) : (
        <>
          <Box marginBottom="medium">
            <RunStatusBadge status={run.status} />
            <Text marginTop="small" data-testid="first-sync-result">
              {countsText(run.counts)} · {run.counts.unchanged ?? 0} already in step · took {durationOf(run)}
            </Text>
          </Box>
          {run.status === 'succeeded' && (run.counts.failed ?? 0) === 0 ? (
            <Message
              type="success"
              header="Your catalog is in step with Zoho Inventory"
              messages={[{ text: 'From now on the flows you chose run on their schedules; the Overview shows each one, and Activity explains every change.' }]}
              marginBottom="medium"
            />
          ) : (
            <Message
              type={run.status === 'failed' ? 'error' : 'warning'}
              header={run.status === 'failed' ? 'The sync did not finish' : 'Some products need attention'}
              messages={[{ text: run.message ?? 'The records below were not synced; fix them in Zoho or BigCommerce, then retry.' }]}
              marginBottom="medium"
            />
          )}
          {retryError && <Message type="error" messages={[{ text: retryError }]} marginBottom="medium" />}
          {records && records.length > 0 && <PlanSummary records={records} unchanged={run.counts.unchanged ?? 0} />}
          <Box>
            <Button onClick={onDone} data-testid="onboarding-finish">
              Go to the overview
            </Button>
            {canRetry(run) && (
              <Button variant="secondary" onClick={() => void retry()}>
                Retry what failed
              </Button>
            )}
          </Box>
        </>
      )}
    </Box>
  );
}
