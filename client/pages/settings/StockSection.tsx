import { Box, Button, Flex, FlexItem, FormGroup, Input, Select, Text } from '@bigcommerce/big-design';
import type { Settings } from '../../../server/settings/schema.js';
import { ZohoWebhookSetup } from '../../components/ZohoWebhookSetup.js';
import { RemoveRow, errorAt, numberOrUndefined, type SectionProps } from './fields.js';

/** How stock moves (scheduled, one-way or two-way real time), which Zoho quantity, and per-location mapping. */
export function StockSection({ values, errors, update }: SectionProps) {
  const rows = values.stock.locations;
  return (
    <>
      <Flex flexGap="1rem" flexWrap="wrap" marginBottom="medium">
        <FlexItem flexGrow={1} flexBasis="260px">
          <Select<Settings['stock']['method']>
            label="Stock method"
            value={values.stock.method}
            onOptionChange={(v) => update((d) => void (d.stock.method = v ?? 'scheduled'))}
            options={[
              { value: 'scheduled', content: 'Scheduled', description: 'On the schedule above' },
              { value: 'oneway', content: 'One-way real time', description: 'Zoho → BigCommerce within seconds (needs Zoho workflow webhooks)' },
              { value: 'twoway', content: 'Two-way real time', description: 'Also BigCommerce stock corrections → Zoho' },
            ]}
          />
        </FlexItem>
        <FlexItem flexGrow={1} flexBasis="260px">
          <Select<Settings['stock']['quantity']>
            label="Zoho quantity BigCommerce sells from"
            value={values.stock.quantity}
            onOptionChange={(v) => update((d) => void (d.stock.quantity = v ?? 'available_for_sale'))}
            options={[
              { value: 'available_for_sale', content: 'Available for sale' },
              { value: 'available_stock', content: 'Available stock' },
              { value: 'stock_on_hand', content: 'Stock on hand' },
            ]}
          />
        </FlexItem>
      </Flex>
      {values.stock.method !== 'scheduled' && <ZohoWebhookSetup />}
      <FormGroup>
        <Text marginBottom="xSmall">
          Locations: {rows.length === 0 ? "none mapped, so Zoho's total goes to BigCommerce's default location." : 'each Zoho location feeds the BigCommerce location beside it.'}
        </Text>
        {rows.map((row, i) => (
          <Flex key={i} flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
            <FlexItem flexBasis="240px">
              <FormGroup><Input label="Zoho location ID" value={row.zohoLocationId} error={errorAt(errors, `stock.locations.${i}.zohoLocationId`)} onChange={(e) => update((d) => void (d.stock.locations[i]!.zohoLocationId = e.target.value))} /></FormGroup>
            </FlexItem>
            <FlexItem flexBasis="200px">
              <FormGroup><Input
                label="BigCommerce location ID"
                type="number"
                value={row.bigcommerceLocationId ?? ''}
                error={errorAt(errors, `stock.locations.${i}.bigcommerceLocationId`)}
                onChange={(e) => update((d) => void (d.stock.locations[i]!.bigcommerceLocationId = numberOrUndefined(e.target.value) as number))}
              /></FormGroup>
            </FlexItem>
            <RemoveRow label="Remove this location mapping" onClick={() => update((d) => void d.stock.locations.splice(i, 1))} />
          </Flex>
        ))}
        <Box>
          <Button variant="secondary" onClick={() => update((d) => void d.stock.locations.push({ zohoLocationId: '', bigcommerceLocationId: 1 }))}>
            Map a location
          </Button>
        </Box>
      </FormGroup>
    </>
  );
}
