import { Box, Button, Checkbox, Flex, FormGroup, H2, Input, Message, Panel, Select, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { PRODUCT_FIELDS, settingsSchema, type Schedule, type Settings as SettingsValues } from '../../server/settings/schema.js';
import { api, ApiError } from '../api.js';
import { FLOW_LABELS } from '../flows.js';

type Errors = Record<string, string>;
const SCHEDULED = ['products', 'pricelists', 'stock', 'orders', 'contacts', 'fulfilment'] as const;

/** Every setting the flows offer, validated by the same zod schema as the API, with inline errors. */
export function Settings() {
  const [values, setValues] = useState<SettingsValues | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string } | null>(null);

  useEffect(() => {
    api<SettingsValues>('/settings').then(setValues, () => setNotice({ type: 'error', text: 'Could not load the settings.' }));
  }, []);
  if (!values) return null;

  const update = (change: (draft: SettingsValues) => void) => {
    const next = structuredClone(values);
    change(next);
    setValues(next);
    const parsed = settingsSchema.safeParse(next);
    setErrors(parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.slice(0, 2).join('.'), i.message])));
  };

  const save = async () => {
    const parsed = settingsSchema.safeParse(values);
    if (!parsed.success) return setNotice({ type: 'error', text: 'Fix the fields marked in red first.' });
    try {
      setValues(await api<SettingsValues>('/settings', { method: 'PUT', body: JSON.stringify(parsed.data) }));
      setNotice({ type: 'success', text: 'Settings saved.' });
    } catch (e) {
      setNotice({ type: 'error', text: e instanceof ApiError ? e.message : 'Could not save the settings.' });
    }
  };

  return (
    <Panel header="Settings" data-testid="settings">
      {notice && <Message type={notice.type} messages={[{ text: notice.text }]} marginBottom="medium" />}
      {SCHEDULED.map((flow) => (
        <Box key={flow} marginBottom="large">
          <H2>{FLOW_LABELS[flow]}</H2>
          <Checkbox label="Enabled" checked={values[flow].enabled} onChange={(e) => update((d) => void (d[flow].enabled = e.target.checked))} />
          <ScheduleField value={values[flow].schedule} error={errors[`${flow}.schedule`]} onChange={(s) => update((d) => void (d[flow].schedule = s))} />
          {flow === 'products' && (
            <FormGroup>
              <Text>Fields Zoho owns (unticked fields keep what is edited in BigCommerce):</Text>
              <Flex flexWrap="wrap">
                {PRODUCT_FIELDS.map((field) => (
                  <Box key={field} marginRight="medium">
                    <Checkbox label={field} checked={values.products.zohoOwns[field]} onChange={(e) => update((d) => void (d.products.zohoOwns[field] = e.target.checked))} />
                  </Box>
                ))}
              </Flex>
            </FormGroup>
          )}
          {flow === 'stock' && (
            <Select<SettingsValues['stock']['method']>
              label="Stock method"
              value={values.stock.method}
              onOptionChange={(v) => update((d) => void (d.stock.method = v ?? 'scheduled'))}
              options={[
                { value: 'scheduled', content: 'Scheduled', description: 'On the schedule above' },
                { value: 'oneway', content: 'One-way real time', description: 'Zoho → BigCommerce within seconds (needs Zoho workflow webhooks)' },
                { value: 'twoway', content: 'Two-way real time', description: 'Also BigCommerce stock corrections → Zoho' },
              ]}
            />
          )}
          {flow === 'orders' && (
            <FormGroup>
              <Checkbox label="Create a sales order before the invoice" checked={values.orders.createSalesOrder} onChange={(e) => update((d) => void (d.orders.createSalesOrder = e.target.checked))} />
              <Checkbox label="Mark invoices as sent" checked={values.orders.markInvoiceSent} onChange={(e) => update((d) => void (d.orders.markInvoiceSent = e.target.checked))} />
              <Checkbox label="Record payments of paid orders" checked={values.orders.recordPayment} onChange={(e) => update((d) => void (d.orders.recordPayment = e.target.checked))} />
              <Select<SettingsValues['orders']['unmappedSku']>
                label="When a line's SKU is not in Zoho"
                value={values.orders.unmappedSku}
                onOptionChange={(v) => update((d) => void (d.orders.unmappedSku = v ?? 'hold'))}
                options={[
                  { value: 'hold', content: 'Hold the order for me to fix' },
                  { value: 'skip_line', content: 'Leave the line out' },
                ]}
              />
            </FormGroup>
          )}
        </Box>
      ))}
      <Box marginBottom="large">
        <H2>Daily reconciliation</H2>
        <Checkbox label="Enabled" checked={values.reconciliation.enabled} onChange={(e) => update((d) => void (d.reconciliation.enabled = e.target.checked))} />
        <ScheduleField value={values.reconciliation.schedule} error={errors['reconciliation.schedule']} onChange={(s) => update((d) => void (d.reconciliation.schedule = s))} />
      </Box>
      <Button onClick={() => void save()} disabled={Object.keys(errors).length > 0} data-testid="save-settings">
        Save
      </Button>
    </Panel>
  );
}

/** An interval ("1h") or times of day ("03:00, 15:00") in a time zone. */
function ScheduleField({ value, error, onChange }: { value: Schedule; error?: string; onChange(s: Schedule): void }) {
  const mode = 'every' in value ? 'every' : 'times';
  return (
    <Flex alignItems="flex-end" marginBottom="small">
      <Select
        label="Schedule"
        value={mode}
        onOptionChange={(m) => onChange(m === 'every' ? { every: '1h' } : { times: ['03:00'], timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone })}
        options={[
          { value: 'every', content: 'Every…' },
          { value: 'times', content: 'At times of day' },
        ]}
      />
      {'every' in value ? (
        <Input label="Interval (15m, 1h, 1d)" value={value.every} error={error} onChange={(e) => onChange({ every: e.target.value })} />
      ) : (
        <>
          <Input
            label="Times (HH:MM, comma-separated)"
            value={value.times.join(', ')}
            error={error}
            onChange={(e) => onChange({ ...value, times: e.target.value.split(',').map((t) => t.trim()).filter(Boolean) })}
          />
          <Input label="Time zone" value={value.timeZone} onChange={(e) => onChange({ ...value, timeZone: e.target.value })} />
        </>
      )}
    </Flex>
  );
}
