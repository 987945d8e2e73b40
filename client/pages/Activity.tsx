import { Button, Flex, H2, Panel, Select, Table, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { RunStatusBadge } from '../components/RunStatusBadge.js';
import { FLOW_LABELS, durationOf, formatTime, type Run, type RunRecord } from '../flows.js';

const STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'skipped'];

/** Run history filterable by flow and result; a run's detail lists what happened to each record. */
export function Activity() {
  const [flow, setFlow] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [runs, setRuns] = useState<Run[]>([]);
  const [selected, setSelected] = useState<Run | null>(null);
  const [records, setRecords] = useState<RunRecord[]>([]);

  useEffect(() => {
    const query = new URLSearchParams({ ...(flow ? { flow } : {}), ...(status ? { status } : {}) });
    api<{ runs: Run[] }>(`/runs?${query}`).then((r) => setRuns(r.runs), () => setRuns([]));
  }, [flow, status]);

  useEffect(() => {
    if (!selected) return;
    api<{ records: RunRecord[] }>(`/runs/${selected.id}/records`).then((r) => setRecords(r.records), () => setRecords([]));
  }, [selected]);

  if (selected) {
    return (
      <Panel header={`${FLOW_LABELS[selected.flow]} run · ${formatTime(selected.queuedAt)}`} data-testid="run-detail">
        <Flex marginBottom="medium" alignItems="center">
          <RunStatusBadge status={selected.status} />
          <Text marginBottom="none" marginLeft="small">
            {selected.trigger} · {durationOf(selected)} · API calls: BigCommerce {selected.apiCalls.bigcommerce}, Zoho {selected.apiCalls.zoho}
          </Text>
        </Flex>
        {selected.message && <Text>{selected.message}</Text>}
        <Table
          items={records}
          emptyComponent={<Text>No record needed a change.</Text>}
          columns={[
            { header: 'Record', hash: 'record', render: (r) => r.name ?? r.sku ?? r.zohoId ?? '—' },
            { header: 'SKU', hash: 'sku', render: (r) => r.sku ?? '—' },
            { header: 'Operation', hash: 'operation', render: (r) => r.operation },
            { header: 'Result', hash: 'result', render: (r) => <RunStatusBadge status={r.result === 'ok' ? 'succeeded' : r.result === 'skipped' ? 'skipped' : 'failed'} /> },
            { header: 'Reason', hash: 'reason', render: (r) => r.reason ?? '' },
          ]}
        />
        <Button variant="subtle" marginTop="medium" onClick={() => setSelected(null)}>
          Back to all runs
        </Button>
      </Panel>
    );
  }

  return (
    <Panel header="Activity" data-testid="activity">
      <Flex marginBottom="medium">
        <Select
          label="Flow"
          value={flow}
          onOptionChange={(v) => setFlow(v || undefined)}
          options={[{ value: '', content: 'All flows' }, ...Object.entries(FLOW_LABELS).map(([value, content]) => ({ value, content }))]}
        />
        <Select
          label="Result"
          value={status}
          onOptionChange={(v) => setStatus(v || undefined)}
          options={[{ value: '', content: 'All results' }, ...STATUSES.map((s) => ({ value: s, content: s }))]}
        />
      </Flex>
      <H2>Runs</H2>
      <Table
        items={runs}
        emptyComponent={<Text>No runs yet.</Text>}
        columns={[
          { header: 'Flow', hash: 'flow', render: (r) => <Button variant="subtle" onClick={() => setSelected(r)}>{FLOW_LABELS[r.flow]}</Button> },
          { header: 'Result', hash: 'status', render: (r) => <RunStatusBadge status={r.status} /> },
          { header: 'Trigger', hash: 'trigger', render: (r) => r.trigger + (r.dryRun ? ' (preview)' : '') },
          { header: 'Queued', hash: 'queuedAt', render: (r) => formatTime(r.queuedAt) },
          { header: 'Duration', hash: 'duration', render: (r) => durationOf(r) },
          { header: 'Created / updated / hidden / failed', hash: 'counts', render: (r) => `${r.counts.created ?? 0} / ${r.counts.updated ?? 0} / ${r.counts.hidden ?? 0} / ${r.counts.failed ?? 0}` },
        ]}
      />
    </Panel>
  );
}
