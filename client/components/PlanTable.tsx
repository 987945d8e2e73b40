import { Badge, Box, Flex, Select, Table, Text } from '@bigcommerce/big-design';
import { useMemo, useState } from 'react';
import { OPERATIONS, operationOf, type RunRecord } from '../flows.js';

const PAGE_SIZES = [10, 25, 50];

/** The records of a run (or of a preview: what a run would do), filterable by operation, a page at a time. */
export function PlanTable({ records, testId }: { records: RunRecord[]; testId?: string }) {
  const [operation, setOperation] = useState<string>('');
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(PAGE_SIZES[0]!);
  const present = useMemo(() => Object.keys(OPERATIONS).filter((op) => records.some((r) => r.operation === op)), [records]);
  const shown = operation ? records.filter((r) => r.operation === operation) : records;
  const pageItems = shown.slice((page - 1) * perPage, page * perPage);

  return (
    <Box data-testid={testId}>
      {present.length > 1 && (
        <Box marginBottom="small" style={{ maxWidth: 280 }}>
          <Select
            label="Show"
            value={operation}
            onOptionChange={(v) => {
              setOperation(v ?? '');
              setPage(1);
            }}
            options={[{ value: '', content: `Everything (${records.length})` }, ...present.map((op) => ({ value: op, content: `${operationOf(op).label} (${records.filter((r) => r.operation === op).length})` }))]}
          />
        </Box>
      )}
      <Table
        items={pageItems}
        keyField="id"
        itemName="records"
        emptyComponent={<Text>No record needs a change.</Text>}
        pagination={
          shown.length > PAGE_SIZES[0]!
            ? {
                currentPage: page,
                itemsPerPage: perPage,
                itemsPerPageOptions: PAGE_SIZES,
                totalItems: shown.length,
                onPageChange: setPage,
                onItemsPerPageChange: (n) => {
                  setPerPage(n);
                  setPage(1);
                },
              }
            : undefined
        }
        columns={[
          {
            header: 'What',
            hash: 'operation',
            render: (r) => <Badge label={operationOf(r.operation).label} variant={operationOf(r.operation).variant} title={operationOf(r.operation).hint} />,
          },
          {
            header: 'Product',
            hash: 'name',
            render: (r) => (
              <Flex flexDirection="column">
                <Text marginBottom="none">{r.name ?? r.sku ?? r.zohoId ?? '—'}</Text>
                {r.entity !== 'product' && <Text as="small" color="secondary60" marginBottom="none">{r.entity}</Text>}
              </Flex>
            ),
          },
          { header: 'SKU', hash: 'sku', render: (r) => r.sku ?? '—' },
          { header: 'Why', hash: 'reason', render: (r) => r.reason ?? operationOf(r.operation).hint },
        ]}
      />
    </Box>
  );
}

/** How many records each operation touches, as a row of figures (unchanged ones are only counted by the run). */
export function PlanSummary({ records, unchanged }: { records: RunRecord[]; unchanged: number }) {
  const figures = [
    ...Object.keys(OPERATIONS)
      .filter((op) => op !== 'unchanged')
      .map((op) => ({ op, count: records.filter((r) => r.operation === op).length }))
      .filter((f) => f.count > 0 || ['create', 'adopt', 'update', 'hide', 'conflict'].includes(f.op)),
    { op: 'unchanged', count: unchanged },
  ];
  return (
    <Flex flexWrap="wrap" flexGap="0.75rem" marginBottom="medium" data-testid="plan-summary">
      {figures.map(({ op, count }) => (
        <Box key={op} border="box" borderRadius="normal" padding="small" style={{ minWidth: 110 }} backgroundColor={count && op === 'conflict' ? 'danger10' : 'white'}>
          <Text as="span" color="secondary60" marginBottom="none">
            {operationOf(op).label}
          </Text>
          <div style={{ fontSize: '1.5rem', fontWeight: 600, lineHeight: 1.3 }} data-testid={`plan-count-${op}`}>
            {count}
          </div>
        </Box>
      ))}
    </Flex>
  );
}
