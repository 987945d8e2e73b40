import { Box, Button, Flex, FlexItem, FormGroup, Input, Select, Text } from '@bigcommerce/big-design';
import { BC_ORDER_STATUSES } from './OrdersSection.js';
import { RemoveRow, errorAt, type SectionProps } from './fields.js';

/** Zoho carriers → BigCommerce shipping provider and tracking carrier; optional Zoho status → BigCommerce status. */
export function FulfilmentSection({ values, errors, update }: SectionProps) {
  const { carriers, statuses } = values.fulfilment;
  return (
    <>
      <FormGroup>
        <Text marginBottom="xSmall">Carriers: how a Zoho shipment's carrier is named on the BigCommerce shipment (unlisted carriers are sent as they are).</Text>
        {carriers.map((row, i) => (
          <Flex key={i} flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
            <FlexItem flexBasis="200px">
              <FormGroup><Input label="Zoho carrier" value={row.zoho} error={errorAt(errors, `fulfilment.carriers.${i}.zoho`)} onChange={(e) => update((d) => void (d.fulfilment.carriers[i]!.zoho = e.target.value))} /></FormGroup>
            </FlexItem>
            <FlexItem flexBasis="200px">
              <FormGroup><Input label="Shipping provider" value={row.shippingProvider} onChange={(e) => update((d) => void (d.fulfilment.carriers[i]!.shippingProvider = e.target.value))} /></FormGroup>
            </FlexItem>
            <FlexItem flexBasis="200px">
              <FormGroup><Input label="Tracking carrier" value={row.trackingCarrier} onChange={(e) => update((d) => void (d.fulfilment.carriers[i]!.trackingCarrier = e.target.value))} /></FormGroup>
            </FlexItem>
            <RemoveRow label={`Remove the carrier ${row.zoho || 'mapping'}`} onClick={() => update((d) => void d.fulfilment.carriers.splice(i, 1))} />
          </Flex>
        ))}
        <Box>
          <Button variant="secondary" onClick={() => update((d) => void d.fulfilment.carriers.push({ zoho: '', shippingProvider: '', trackingCarrier: '' }))}>
            Add a carrier
          </Button>
        </Box>
      </FormGroup>
      <FormGroup>
        <Text marginBottom="xSmall">Order statuses: optionally move a BigCommerce order to a status when its Zoho sales order reaches one (never backwards).</Text>
        {statuses.map((row, i) => (
          <Flex key={i} flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
            <FlexItem flexBasis="200px">
              <FormGroup><Input label="Zoho sales order status" value={row.zoho} error={errorAt(errors, `fulfilment.statuses.${i}.zoho`)} onChange={(e) => update((d) => void (d.fulfilment.statuses[i]!.zoho = e.target.value))} /></FormGroup>
            </FlexItem>
            <FlexItem flexBasis="240px">
              <Select
                label="BigCommerce status"
                value={row.bigcommerceStatusId}
                onOptionChange={(v) => update((d) => void (d.fulfilment.statuses[i]!.bigcommerceStatusId = v ?? 2))}
                options={Object.entries(BC_ORDER_STATUSES).map(([id, content]) => ({ value: Number(id), content }))}
              />
            </FlexItem>
            <RemoveRow label="Remove this status mapping" onClick={() => update((d) => void d.fulfilment.statuses.splice(i, 1))} />
          </Flex>
        ))}
        <Box>
          <Button variant="secondary" onClick={() => update((d) => void d.fulfilment.statuses.push({ zoho: '', bigcommerceStatusId: 2 }))}>
            Add a status
          </Button>
        </Box>
      </FormGroup>
    </>
  );
}
