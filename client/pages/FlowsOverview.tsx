import { Button, Flex, Message, Panel, ProgressBar, Table, Text } from '@bigcommerce/big-design';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api.js';
import { RunStatusBadge } from '../components/RunStatusBadge.js';
import { FLOW_LABELS, durationOf, formatTime, type Run } from '../flows.js';

const POLL_MS = 3_000;

/** Per flow: the last run (result, counts, duration), a progress bar while it runs, and "Sync now". */
export function FlowsOverview() {
  const [runs, setRuns] = useState<Run[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api<{ runs: Run[] }>('/runs').then(
      (r) => setRuns(r.runs),
      (e: unknown) => setError(e instanceof ApiError ? e.message : 'Could not load runs.'),
    );
  }, []);

  useEffect(() => {
    load();
    const timer = window.setInterval(load, POLL_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const syncNow = async (flow: string) => {
    setError(null);
    try {
      await api(`/sync/${flow}`, { method: 'POST', body: JSON.stringify({}) });
      load();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not start the sync.');
    }
  };

  const rows = Object.keys(FLOW_LABELS).map((flow) => ({ flow, last: runs.find((r) => r.flow === flow) }));
  return (
    <Panel header="Flows" data-testid="flows-panel">
      {error && <Message type="error" messages={[{ text: error }]} marginBottom="medium" />}
      <Table
        keyField="flow"
        items={rows}
        columns={[
          { header: 'Flow', hash: 'flow', render: ({ flow }) => FLOW_LABELS[flow] },
          {
            header: 'Last run',
            hash: 'status',
            render: ({ last }) =>
              last ? (
                <Flex flexDirection="column">
                  <RunStatusBadge status={last.status} />
                  {last.status === 'running' && last.progress?.total ? (
                    <ProgressBar percent={Math.round((100 * last.progress.done) / last.progress.total)} />
                  ) : null}
                  {last.message && <Text marginBottom="none">{last.message}</Text>}
                </Flex>
              ) : (
                <Text color="secondary60">never</Text>
              ),
          },
          { header: 'When', hash: 'when', render: ({ last }) => formatTime(last?.finishedAt ?? last?.queuedAt) },
          { header: 'Duration', hash: 'duration', render: ({ last }) => (last ? durationOf(last) : '—') },
          {
            header: 'Counts',
            hash: 'counts',
            render: ({ last }) =>
              last ? `${last.counts.created ?? 0} created · ${last.counts.updated ?? 0} updated · ${last.counts.hidden ?? 0} hidden · ${last.counts.failed ?? 0} failed` : '—',
          },
          {
            header: '',
            hash: 'action',
            render: ({ flow, last }) => (
              <Button variant="secondary" isLoading={last?.status === 'running'} onClick={() => void syncNow(flow)} data-testid={`sync-${flow}`}>
                Sync now
              </Button>
            ),
          },
        ]}
      />
    </Panel>
  );
}
