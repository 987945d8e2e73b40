import { Box, Checkbox, Flex, FlexItem, Message, Select, Text } from '@bigcommerce/big-design';
import type { Settings } from '../../../server/settings/schema.js';
import { FLOW_LABELS } from '../../flows.js';

type FlowName = 'products' | 'pricelists' | 'stock' | 'orders' | 'contacts' | 'fulfilment';

const FLOW_HINTS: Record<FlowName, string> = {
  products: 'Zoho items and item groups become BigCommerce products and variants; existing products are adopted by SKU.',
  pricelists: 'Zoho price lists become BigCommerce price lists (Enterprise plan).',
  stock: "BigCommerce sells from Zoho's stock levels.",
  orders: 'New BigCommerce orders become Zoho contacts, sales orders and invoices.',
  contacts: 'BigCommerce customers become Zoho contacts.',
  fulfilment: 'Shipments made in Zoho mark BigCommerce orders shipped, with tracking.',
};

/** Step 2: which flows run and the two choices that matter most at the start; everything else is in Settings. */
export function FlowsStep({ settings, error, onChange }: { settings: Settings; error: string | null; onChange(next: Settings): void }) {
  const change = (edit: (draft: Settings) => void) => {
    const next = structuredClone(settings);
    edit(next);
    onChange(next);
  };
  return (
    <Box>
      <Text>Choose what the app keeps in step. Zoho Inventory stays the source of truth for products, prices and stock. You can change any of this later in Settings.</Text>
      {error && <Message type="error" messages={[{ text: error }]} marginBottom="medium" />}
      <Flex flexDirection="column" flexGap="0.75rem" marginBottom="medium">
        {(Object.keys(FLOW_HINTS) as FlowName[]).map((flow) => (
          <Box key={flow}>
            <Checkbox
              label={FLOW_LABELS[flow]!}
              checked={settings[flow].enabled}
              onChange={(e) => change((d) => void (d[flow].enabled = e.target.checked))}
              data-testid={`onboarding-flow-${flow}`}
            />
            <Text color="secondary60" marginLeft="xLarge" marginBottom="none">
              {FLOW_HINTS[flow]}
            </Text>
          </Box>
        ))}
      </Flex>
      <Flex flexDirection={{ mobile: 'column', tablet: 'row' }} flexGap="1.5rem">
        <FlexItem flexGrow={1} flexBasis="0">
          <Select<Settings['stock']['method']>
            label="How stock is kept in step"
            value={settings.stock.method}
            disabled={!settings.stock.enabled}
            onOptionChange={(v) => change((d) => void (d.stock.method = v ?? 'scheduled'))}
            options={[
              { value: 'scheduled', content: 'On a schedule', description: 'Every hour by default' },
              { value: 'oneway', content: 'Real time, Zoho → BigCommerce', description: 'Within seconds; needs workflow rules in Zoho' },
              { value: 'twoway', content: 'Real time, both ways', description: 'BigCommerce stock corrections go back to Zoho too' },
            ]}
          />
        </FlexItem>
        <FlexItem flexGrow={1} flexBasis="0">
          <Select<Settings['orders']['unmappedSku']>
            label="An order line whose SKU is not in Zoho"
            value={settings.orders.unmappedSku}
            disabled={!settings.orders.enabled}
            onOptionChange={(v) => change((d) => void (d.orders.unmappedSku = v ?? 'hold'))}
            options={[
              { value: 'hold', content: 'Hold the order for me', description: 'Nothing reaches Zoho until you fix and retry it' },
              { value: 'skip_line', content: 'Leave the line out', description: 'The rest of the order goes to Zoho' },
            ]}
          />
        </FlexItem>
      </Flex>
    </Box>
  );
}
