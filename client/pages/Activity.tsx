import { Box, Button, Flex, FlexItem, Message, Panel, Search, Select, Table, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { api, errorText, type SearchResults } from '../api.js';
import { RunStatusBadge } from '../components/RunStatusBadge.js';
import { FLOW_LABELS, countsText, durationOf, formatTime, type Run } from '../flows.js';
import { OrdersNeedingAttention } from './activity/OrdersNeedingAttention.js';
import { RunDetail } from './activity/RunDetail.js';
import { SearchResultsView } from './activity/SearchResultsView.js';

const STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'skipped'];

/**
 * Held orders first, then search (SKU, order number, e-mail) and the run history filterable by
 * flow and result; a run's detail lists what happened to each record and retries what failed.
 */
export function Activity() {
  const [flow, setFlow] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [runs, setRuns] = useState<Run[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [search, setSearch] = useState<{ query: string; results: SearchResults } | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);

  useEffect(() => {
    if (selected) return;
    const query = new URLSearchParams({ ...(flow ? { flow } : {}), ...(status ? { status } : {}) });
    api<{ runs: Run[] }>(`/runs?${query}`).then((r) => setRuns(r.runs), () => setRuns([]));
  }, [flow, status, selected]);

  const runSearch = async () => {
    const q = text.trim();
    setSearchError(null);
    if (!q) return setSearch(null);
    try {
      setSearch({ query: q, results: await api<SearchResults>(`/search?${new URLSearchParams({ q })}`) });
    } catch (e) {
      setSearchError(errorText(e, 'The search did not work.'));
    }
  };

  if (selected) return <RunDetail runId={selected} onBack={() => setSelected(null)} onOpenRun={setSelected} />;

  return (
    <>
      <OrdersNeedingAttention />
      <Panel header="Find a product or order" data-testid="activity-search">
        <Search
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSubmit={(e) => {
            e.preventDefault();
            void runSearch();
          }}
          placeholder="SKU, order number or customer e-mail"
          aria-label="Search by SKU, order number or e-mail"
          data-testid="search-input"
        />
        <Box marginTop="medium">
          {searchError && <Message type="error" messages={[{ text: searchError }]} marginBottom="medium" />}
          {search && <SearchResultsView query={search.query} results={search.results} onOpenRun={setSelected} />}
        </Box>
      </Panel>
      <Panel header="Runs" data-testid="activity">
        <Flex marginBottom="medium" flexGap="1rem" flexDirection={{ mobile: 'column', tablet: 'row' }}>
          <FlexItem flexGrow={1} flexBasis="0">
            <Select
              label="Flow"
              value={flow ?? ''}
              onOptionChange={(v) => setFlow(v || undefined)}
              options={[{ value: '', content: 'All flows' }, ...Object.entries(FLOW_LABELS).map(([value, content]) => ({ value, content }))]}
            />
          </FlexItem>
          <FlexItem flexGrow={1} flexBasis="0">
            <Select
              label="Result"
              value={status ?? ''}
              onOptionChange={(v) => setStatus(v || undefined)}
              options={[{ value: '', content: 'All results' }, ...STATUSES.map((s) => ({ value: s, content: s }))]}
            />
          </FlexItem>
        </Flex>
        <Table
          items={runs}
          keyField="id"
          emptyComponent={<Text>No runs yet.</Text>}
          columns={[
            {
              header: 'Flow',
              hash: 'flow',
              render: (r) => (
                <Button variant="subtle" onClick={() => setSelected(r.id)} data-testid={`open-run-${r.flow}`}>
                  {FLOW_LABELS[r.flow] ?? r.flow}
                </Button>
              ),
            },
            { header: 'Result', hash: 'status', render: (r) => <RunStatusBadge status={r.status} /> },
            { header: 'Trigger', hash: 'trigger', render: (r) => r.trigger + (r.dryRun ? ' (preview)' : '') },
            { header: 'Queued', hash: 'queuedAt', render: (r) => formatTime(r.queuedAt) },
            { header: 'Duration', hash: 'duration', render: (r) => durationOf(r) },
            { header: 'Records', hash: 'counts', render: (r) => countsText(r.counts) },
          ]}
        />
      </Panel>
    </>
  );
}
