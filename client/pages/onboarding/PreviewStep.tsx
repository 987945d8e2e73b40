import { Box, Button, Flex, Message, ProgressBar, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { api, errorText } from '../../api.js';
import { PlanSummary, PlanTable } from '../../components/PlanTable.js';
import { isActive } from '../../flows.js';
import { useRun, useRunRecords } from '../../hooks/useRun.js';

/**
 * Step 3: a dry run of the products flow (POST /api/sync/products {dryRun: true}) lists what the
 * first sync would create, adopt, update or hide, and every conflict, without writing anything.
 */
export function PreviewStep({ runId, onRunId, onReady }: { runId: string | null; onRunId(id: string): void; onReady(ready: boolean): void }) {
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const { run } = useRun(runId);
  const records = useRunRecords(run);

  const preview = async () => {
    setError(null);
    setStarting(true);
    try {
      const { id } = await api<{ id: string }>('/sync/products', { method: 'POST', body: JSON.stringify({ dryRun: true }) });
      onRunId(id);
    } catch (e) {
      setError(errorText(e, 'Could not start the preview.'));
    } finally {
      setStarting(false);
    }
  };

  const running = run !== null && isActive(run.status);
  // The first real sync is approved from a finished preview.
  const ready = run !== null && !running && run.status !== 'failed' && records !== null;
  useEffect(() => onReady(ready), [ready, onReady]);
  const percent = run?.progress?.total ? Math.round((100 * run.progress.done) / run.progress.total) : undefined;
  return (
    <Box data-testid="preview-step">
      <Text>
        Before anything is written to your store, see what the first sync would do: which Zoho items become new products, which existing products are
        adopted because their SKU matches, what is updated or hidden, and any conflict that needs your decision.
      </Text>
      {error && <Message type="error" messages={[{ text: error }]} marginBottom="medium" />}
      {!run && (
        <Button onClick={() => void preview()} isLoading={starting} data-testid="preview-products">
          Preview products
        </Button>
      )}
      {running && (
        <Box marginBottom="medium" aria-live="polite">
          <Text>Reading your Zoho catalog and your store's products…</Text>
          <ProgressBar percent={percent} />
        </Box>
      )}
      {run && !running && run.status === 'failed' && (
        <Message type="error" header="The preview did not finish" messages={[{ text: run.message ?? 'Something went wrong reading the catalogs.' }]} marginBottom="medium" />
      )}
      {run && !running && !run.dryRun && (
        <Message type="info" messages={[{ text: 'A products sync was already under way, so its results are shown instead of a preview.' }]} marginBottom="medium" />
      )}
      {run && !running && run.status !== 'failed' && records && (
        <>
          <PlanSummary records={records} unchanged={run.counts.unchanged ?? 0} />
          <PlanTable records={records} testId="preview-table" />
        </>
      )}
      {run && !running && (
        <Flex marginTop="medium">
          <Button variant="subtle" onClick={() => void preview()} isLoading={starting}>
            Preview again
          </Button>
        </Flex>
      )}
    </Box>
  );
}
