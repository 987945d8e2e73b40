import { Box, Button, Checkbox, Flex, FormGroup, Input, Message, Panel, Text } from '@bigcommerce/big-design';
import { useEffect, useState, type ReactNode } from 'react';
import { settingsSchema, type Settings as SettingsValues } from '../../server/settings/schema.js';
import { api, ApiError } from '../api.js';
import { FLOW_LABELS } from '../flows.js';
import { READ_ONLY_TEXT, useCanManage } from '../permissions.js';
import { FulfilmentSection } from './settings/FulfilmentSection.js';
import { OrdersSection } from './settings/OrdersSection.js';
import { PricelistsSection } from './settings/PricelistsSection.js';
import { ProductsSection } from './settings/ProductsSection.js';
import { StockSection } from './settings/StockSection.js';
import { ScheduleField, errorAt, friendlyMessage, numberOrUndefined, type SectionProps } from './settings/fields.js';

type FlowName = 'products' | 'pricelists' | 'stock' | 'orders' | 'contacts' | 'fulfilment';

const FLOW_SECTIONS: { flow: FlowName; description: string; Section?: (props: SectionProps) => ReactNode }[] = [
  { flow: 'products', description: 'Zoho items and item groups → BigCommerce products and variants.', Section: ProductsSection },
  { flow: 'pricelists', description: 'Zoho price lists → BigCommerce price lists (Enterprise plan).', Section: PricelistsSection },
  { flow: 'stock', description: "Zoho's stock → BigCommerce inventory.", Section: StockSection },
  { flow: 'orders', description: 'BigCommerce orders → Zoho contacts, sales orders, invoices and payments.', Section: OrdersSection },
  { flow: 'contacts', description: 'BigCommerce customers → Zoho contacts (orders bring their own customers either way).' },
  { flow: 'fulfilment', description: 'Zoho shipments → BigCommerce shipments with tracking.', Section: FulfilmentSection },
];

/** Every setting the flows offer, validated by the same zod schema as the API, with inline errors. */
export function Settings() {
  const [values, setValues] = useState<SettingsValues | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const canManage = useCanManage();

  useEffect(() => {
    api<SettingsValues>('/settings').then(setValues, () => setNotice({ type: 'error', text: 'Could not load the settings.' }));
  }, []);
  if (!values) return notice ? <Message type={notice.type} messages={[{ text: notice.text }]} /> : null;

  const update = (edit: (draft: SettingsValues) => void) => {
    const next = structuredClone(values);
    edit(next);
    setValues(next);
    setNotice(null);
    const parsed = settingsSchema.safeParse(next);
    setErrors(parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), friendlyMessage(i)])));
  };

  const save = async () => {
    const parsed = settingsSchema.safeParse(values);
    if (!parsed.success) return setNotice({ type: 'error', text: 'Fix the fields marked in red first.' });
    setSaving(true);
    try {
      setValues(await api<SettingsValues>('/settings', { method: 'PUT', body: JSON.stringify(parsed.data) }));
      setNotice({ type: 'success', text: 'Settings saved. Schedules follow the new settings from now on.' });
    } catch (e) {
      setNotice({ type: 'error', text: e instanceof ApiError ? e.message : 'Could not save the settings.' });
    } finally {
      setSaving(false);
    }
  };

  const props = { values, errors, update };
  return (
    <Box data-testid="settings">
      {FLOW_SECTIONS.map(({ flow, description, Section }) => (
        <Panel key={flow} header={FLOW_LABELS[flow]} description={description}>
          <Checkbox label={`Sync ${FLOW_LABELS[flow]!.toLowerCase()}`} checked={values[flow].enabled} onChange={(e) => update((d) => void (d[flow].enabled = e.target.checked))} />
          {values[flow].enabled && (
            <Box marginTop="medium">
              <ScheduleField value={values[flow].schedule} errors={errors} path={`${flow}.schedule`} onChange={(s) => update((d) => void (d[flow].schedule = s))} />
              {Section && <Section {...props} />}
            </Box>
          )}
        </Panel>
      ))}
      <Panel header="Daily reconciliation" description="A full comparison that repairs anything a lost webhook missed.">
        <Checkbox label="Reconcile every day" checked={values.reconciliation.enabled} onChange={(e) => update((d) => void (d.reconciliation.enabled = e.target.checked))} />
        {values.reconciliation.enabled && (
          <Box marginTop="medium">
            <ScheduleField value={values.reconciliation.schedule} errors={errors} path="reconciliation.schedule" onChange={(s) => update((d) => void (d.reconciliation.schedule = s))} />
          </Box>
        )}
      </Panel>
      <Panel header="Alerts" description="Alerts that need you (Zoho to reconnect, orders held, the Zoho budget nearly spent, webhooks silent or unreadable) are shown on the Overview.">
        <Checkbox
          label="E-mail me alerts (to the store owner's e-mail, once per alert)"
          checked={values.alerts.email}
          onChange={(e) => update((d) => void (d.alerts.email = e.target.checked))}
          data-testid="alerts-email"
        />
      </Panel>
      <Panel header="History">
        <Box style={{ maxWidth: 260 }}>
          <FormGroup><Input
            label="Keep runs for (days)"
            type="number"
            value={values.history.keepRunsDays}
            error={errorAt(errors, 'history.keepRunsDays')}
            onChange={(e) => update((d) => void (d.history.keepRunsDays = numberOrUndefined(e.target.value) as number))}
          /></FormGroup>
        </Box>
      </Panel>
      <Box
        backgroundColor="white"
        shadow="raised"
        padding="medium"
        style={{ position: 'sticky', bottom: 0, zIndex: 1 }}
        role="region"
        aria-label="Save settings"
      >
        {notice && <Message type={notice.type} messages={[{ text: notice.text }]} marginBottom="small" />}
        <Flex justifyContent="space-between" alignItems="center">
          <Text marginBottom="none" color={Object.keys(errors).length ? 'danger' : 'secondary60'}>
            {!canManage ? READ_ONLY_TEXT : Object.keys(errors).length ? `${Object.keys(errors).length} field${Object.keys(errors).length === 1 ? '' : 's'} to fix` : 'Changes apply from the next run.'}
          </Text>
          <Button onClick={() => void save()} disabled={Object.keys(errors).length > 0 || !canManage} isLoading={saving} data-testid="save-settings">
            Save
          </Button>
        </Flex>
      </Box>
    </Box>
  );
}
