import { Box, Button, Flex, FlexItem, FormGroup, Input, Text } from '@bigcommerce/big-design';
import { RemoveRow, errorAt, numberOrUndefined, type SectionProps } from './fields.js';

/** Optional assignments of a Zoho price list (by name) to a BigCommerce customer group and/or channel. */
export function PricelistsSection({ values, errors, update }: SectionProps) {
  const rows = values.pricelists.assignments;
  return (
    <Box marginBottom="medium">
      <Text marginBottom="xSmall">
        Each Zoho price list becomes a BigCommerce price list of the same name. Assign one to a customer group or a channel so that its prices apply:
      </Text>
      {rows.map((row, i) => (
        <Flex key={i} flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
          <FlexItem flexBasis="240px">
            <FormGroup><Input label="Zoho price list name" value={row.pricelistName} error={errorAt(errors, `pricelists.assignments.${i}.pricelistName`)} onChange={(e) => update((d) => void (d.pricelists.assignments[i]!.pricelistName = e.target.value))} /></FormGroup>
          </FlexItem>
          <FlexItem flexBasis="180px">
            <FormGroup><Input
              label="Customer group ID"
              type="number"
              value={row.customerGroupId ?? ''}
              error={errorAt(errors, `pricelists.assignments.${i}`)}
              onChange={(e) => update((d) => void (d.pricelists.assignments[i]!.customerGroupId = numberOrUndefined(e.target.value)))}
            /></FormGroup>
          </FlexItem>
          <FlexItem flexBasis="180px">
            <FormGroup><Input label="Channel ID" type="number" value={row.channelId ?? ''} onChange={(e) => update((d) => void (d.pricelists.assignments[i]!.channelId = numberOrUndefined(e.target.value)))} /></FormGroup>
          </FlexItem>
          <RemoveRow label={`Remove the assignment of ${row.pricelistName || 'this price list'}`} onClick={() => update((d) => void d.pricelists.assignments.splice(i, 1))} />
        </Flex>
      ))}
      <Button variant="secondary" onClick={() => update((d) => void d.pricelists.assignments.push({ pricelistName: '', customerGroupId: undefined, channelId: 1 }))}>
        Add an assignment
      </Button>
    </Box>
  );
}
