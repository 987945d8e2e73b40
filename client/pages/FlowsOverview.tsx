import { Button, Flex, Message, Panel, ProgressBar, Table, Text } from '@bigcommerce/big-design';
import { useState } from 'react';
import { api, errorText, type ScheduleInfo } from '../api.js';
import { RunStatusBadge } from '../components/RunStatusBadge.js';
import { FLOW_LABELS, PREVIEW_FLOWS, countsText, durationOf, formatTime, formatUpcoming, isActive, type Run } from '../flows.js';
import { usePolling } from '../hooks/usePolling.js';
import { useCanManage } from '../permissions.js';

const RUNS_POLL_MS = 3_000;
const SCHEDULES_POLL_MS = 15_000;

/** GET /api/schedules: the next runs, and the catalog flows that wait for the merchant to confirm the settings. */
interface Schedules {
  schedules: ScheduleInfo[];
  waitingForSettings: string[];
}

/** Per flow: the last run (result, counts, duration), the next one, a progress bar while it runs, "Preview" (where the flow has one) and "Sync now". */
export function FlowsOverview() {
  const runs = usePolling<{ runs: Run[] }>('/runs', RUNS_POLL_MS);
  const schedules = usePolling<Schedules>('/schedules', SCHEDULES_POLL_MS);
  const [error, setError] = useState<string | null>(null);
  const canManage = useCanManage();

  const syncNow = async (flow: string, dryRun = false) => {
    setError(null);
    try {
      await api(`/sync/${flow}`, { method: 'POST', body: JSON.stringify(dryRun ? { dryRun: true } : {}) });
      runs.reload();
      schedules.reload();
    } catch (e) {
      setError(errorText(e, 'Could not start the sync.'));
    }
  };

  const list = runs.data?.runs ?? [];
  const nextOf = (task: string) => schedules.data?.schedules.find((s) => s.task === task)?.nextRunAt;
  const reconcile = nextOf('reconcile');
  const waiting = new Set(schedules.data?.waitingForSettings ?? []);
  const rows = Object.keys(FLOW_LABELS).map((flow) => ({ flow, last: list.find((r) => r.flow === flow), next: nextOf(flow), waiting: waiting.has(flow) }));
  return (
    <Panel header="Flows" description="What each flow did last and when it runs next." data-testid="flows-panel">
      {(error ?? runs.error) && <Message type="error" messages={[{ text: (error ?? runs.error)! }]} marginBottom="medium" />}
      <Table
        keyField="flow"
        items={rows}
        columns={[
          { header: 'Flow', hash: 'flow', render: ({ flow }) => <Text bold marginBottom="none">{FLOW_LABELS[flow]}</Text> },
          {
            header: 'Last run',
            hash: 'status',
            render: ({ last }) =>
              last ? (
                <Flex flexDirection="column" flexGap="0.25rem">
                  <Flex alignItems="center" flexGap="0.5rem">
                    <RunStatusBadge status={last.status} />
                    {last.dryRun && <Text as="span" color="secondary60" marginBottom="none">preview</Text>}
                  </Flex>
                  {last.status === 'running' && last.progress?.total ? (
                    <ProgressBar percent={Math.round((100 * last.progress.done) / last.progress.total)} />
                  ) : null}
                  {last.message && <Text marginBottom="none" color="secondary60">{last.message}</Text>}
                </Flex>
              ) : (
                <Text color="secondary60" marginBottom="none">never</Text>
              ),
          },
          { header: 'When', hash: 'when', render: ({ last }) => formatTime(last?.finishedAt ?? last?.queuedAt) },
          { header: 'Duration', hash: 'duration', render: ({ last }) => (last ? durationOf(last) : '—') },
          { header: 'Result', hash: 'counts', render: ({ last }) => (last && !isActive(last.status) ? countsText(last.counts) : '—') },
          {
            header: 'Next run',
            hash: 'next',
            render: ({ next, waiting }) => (
              <span data-testid="next-run">
                {next ? (
                  formatUpcoming(next)
                ) : (
                  <Text as="span" color="secondary60">
                    {/* It overwrites what the store shows: it starts on schedule once the settings are saved. */}
                    {waiting ? 'waits for you to confirm the settings (Settings or the setup guide)' : 'not scheduled'}
                  </Text>
                )}
              </span>
            ),
          },
          {
            header: 'Action',
            hideHeader: true,
            hash: 'action',
            render: ({ flow, last }) => {
              const busy = last ? isActive(last.status) : false;
              return (
                <Flex flexGap="0.5rem" justifyContent="flex-end">
                  {PREVIEW_FLOWS.has(flow) && (
                    // What the flow would write, recorded as a run in Activity; nothing is written.
                    <Button variant="subtle" disabled={busy || !canManage} onClick={() => void syncNow(flow, true)} data-testid={`flow-preview-${flow}`}>
                      Preview
                    </Button>
                  )}
                  <Button variant="secondary" isLoading={busy} disabled={!canManage} onClick={() => void syncNow(flow)} data-testid={`sync-${flow}`}>
                    Sync now
                  </Button>
                </Flex>
              );
            },
          },
        ]}
      />
      {reconcile && (
        <Text color="secondary60" marginTop="small" marginBottom="none">
          Full reconciliation (repairs anything a lost webhook missed): {formatUpcoming(reconcile)}.
        </Text>
      )}
    </Panel>
  );
}
