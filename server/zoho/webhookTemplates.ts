/**
 * The Zoho records whose workflow-rule webhooks the app listens to. A merchant creates one
 * rule per module in Zoho Inventory (Settings → Automation → Workflow Rules) with a webhook
 * whose body is the template below: it names the record and when it last changed, nothing
 * else, because the app re-reads every record through the API and never trusts a
 * webhook's quantities.
 */
export const ZOHO_WEBHOOK_MODULES = {
  item: { idField: 'item_id', label: 'Item' },
  itemgroup: { idField: 'group_id', label: 'Item group' },
  inventory_adjustment: { idField: 'inventory_adjustment_id', label: 'Inventory adjustment' },
  salesorder: { idField: 'salesorder_id', label: 'Sales order' },
  invoice: { idField: 'invoice_id', label: 'Invoice' },
  package: { idField: 'package_id', label: 'Package' },
  shipmentorder: { idField: 'shipment_id', label: 'Shipment order' },
  purchasereceive: { idField: 'purchasereceive_id', label: 'Purchase receive' },
} as const;

export type ZohoWebhookModule = keyof typeof ZOHO_WEBHOOK_MODULES;
export const ZOHO_WEBHOOK_MODULE_NAMES = Object.keys(ZOHO_WEBHOOK_MODULES) as ZohoWebhookModule[];

/** Header that carries the store's webhook secret (Zoho lets a rule add custom headers). */
export const ZOHO_WEBHOOK_SECRET_HEADER = 'X-Zoho-Webhook-Secret';

/**
 * Body template per module, with Zoho's `${module.field}` placeholders. `last_modified_time`
 * is what tells two deliveries about the same record apart (Zoho sends no delivery id).
 */
export function webhookBodyTemplates(): Record<ZohoWebhookModule, Record<string, string>> {
  return Object.fromEntries(
    ZOHO_WEBHOOK_MODULE_NAMES.map((module): [string, Record<string, string>] => [
      module,
      {
        module,
        record_id: `\${${module}.${ZOHO_WEBHOOK_MODULES[module].idField}}`,
        last_modified_time: `\${${module}.last_modified_time}`,
      },
    ]),
  ) as Record<ZohoWebhookModule, Record<string, string>>;
}

export const isWebhookModule = (value: unknown): value is ZohoWebhookModule =>
  typeof value === 'string' && Object.hasOwn(ZOHO_WEBHOOK_MODULES, value);

/** Module aliases seen in Zoho's own payload keys and labels ("inventoryadjustment", "item_group"…). */
const ALIASES: Record<string, ZohoWebhookModule> = {
  items: 'item',
  item_group: 'itemgroup',
  itemgroups: 'itemgroup',
  inventoryadjustment: 'inventory_adjustment',
  inventory_adjustments: 'inventory_adjustment',
  salesorders: 'salesorder',
  sales_order: 'salesorder',
  invoices: 'invoice',
  packages: 'package',
  shipment_order: 'shipmentorder',
  shipmentorders: 'shipmentorder',
  purchase_receive: 'purchasereceive',
  purchasereceives: 'purchasereceive',
};

export function webhookModuleOf(value: unknown): ZohoWebhookModule | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.trim().toLowerCase();
  return isWebhookModule(name) ? name : ALIASES[name];
}

export interface ParsedZohoEvent {
  module: ZohoWebhookModule;
  recordId: string;
  /** As Zoho wrote it; part of the delivery's dedupe key. */
  lastModifiedTime: string | undefined;
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined);
/** An unfilled placeholder (`${item.item_id}`) is not a value. */
const filled = (value: unknown) => {
  const t = text(value);
  return t && !/^\$\{.*\}$/.test(t) ? t : undefined;
};

/**
 * What a delivery is about: our template (`{module, record_id, last_modified_time}`) or
 * Zoho's whole-record JSON (`{"item": {"item_id": …}}`). Undefined when it names neither.
 */
export function parseZohoEvent(body: unknown): ParsedZohoEvent | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const module = webhookModuleOf(record.module);
  if (module) {
    const recordId = filled(record.record_id) ?? filled(record[ZOHO_WEBHOOK_MODULES[module].idField]);
    if (!recordId) return undefined;
    return { module, recordId, lastModifiedTime: filled(record.last_modified_time) };
  }
  for (const [key, value] of Object.entries(record)) {
    const named = webhookModuleOf(key);
    if (!named || !value || typeof value !== 'object' || Array.isArray(value)) continue;
    const inner = value as Record<string, unknown>;
    const recordId = filled(inner[ZOHO_WEBHOOK_MODULES[named].idField]);
    if (recordId) return { module: named, recordId, lastModifiedTime: filled(inner.last_modified_time) };
  }
  return undefined;
}
