import { Box, Button, Checkbox, Flex, FlexItem, FormGroup, Input, MultiSelect, Select, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import type { Settings } from '../../../server/settings/schema.js';
import { api, errorText, type ChannelInfo, type ZohoLocationInfo } from '../../api.js';
import { RemoveRow, errorAt, type SectionProps } from './fields.js';

/** A list the panel reads once when the orders section opens (null until it answers or when it fails). */
function useList<T>(path: string, key: string, failure: string): { list: T[] | null; error: string | null } {
  const [list, setList] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api<Record<string, T[]>>(path).then(
      (body) => live && setList(body[key] ?? []),
      (e: unknown) => live && setError(errorText(e, failure)),
    );
    return () => {
      live = false;
    };
  }, [path, key, failure]);
  return { list, error };
}

/** Orders paid in another currency: converted at BigCommerce's rate, or booked in the shopper's currency. */
export function OrderCurrencyFields({ values, errors, update }: SectionProps) {
  const orders = values.orders;
  return (
    <FormGroup>
      <Select<Settings['orders']['foreignCurrency']>
        label="Orders paid in a currency other than Zoho's"
        value={orders.foreignCurrency}
        onOptionChange={(v) => update((d) => void (d.orders.foreignCurrency = v ?? 'convert'))}
        options={[
          { value: 'convert', content: "Convert to Zoho's currency", description: "At BigCommerce's rate; the amount paid is written on the invoice's notes" },
          { value: 'transactional', content: "Book in the shopper's currency", description: "The customer's Zoho contact must be in that currency" },
        ]}
      />
      {orders.foreignCurrency === 'transactional' && (
        <Box marginTop="medium">
          <Text marginBottom="xSmall">New customers are created in their order's currency: the Zoho currency ID of each (Zoho → Settings → Currencies).</Text>
          {orders.zohoCurrencyIds.map((row, i) => (
            <Flex key={i} flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
              <FlexItem flexBasis="140px">
                <FormGroup><Input
                  label="Currency code"
                  placeholder="EUR"
                  value={row.code}
                  error={errorAt(errors, `orders.zohoCurrencyIds.${i}.code`)}
                  onChange={(e) => update((d) => void (d.orders.zohoCurrencyIds[i]!.code = e.target.value.trim().toUpperCase()))}
                /></FormGroup>
              </FlexItem>
              <FlexItem flexBasis="240px">
                <FormGroup><Input
                  label="Zoho currency ID"
                  value={row.zohoCurrencyId}
                  error={errorAt(errors, `orders.zohoCurrencyIds.${i}.zohoCurrencyId`)}
                  onChange={(e) => update((d) => void (d.orders.zohoCurrencyIds[i]!.zohoCurrencyId = e.target.value.trim()))}
                /></FormGroup>
              </FlexItem>
              <RemoveRow label="Remove this currency" onClick={() => update((d) => void d.orders.zohoCurrencyIds.splice(i, 1))} />
            </Flex>
          ))}
          <Button variant="secondary" onClick={() => update((d) => void d.orders.zohoCurrencyIds.push({ code: '', zohoCurrencyId: '' }))}>
            Add a currency
          </Button>
        </Box>
      )}
    </FormGroup>
  );
}

/** Which storefronts' orders go to Zoho, and the Zoho location each books its stock at. */
export function OrderChannelsFields({ values, errors, update }: SectionProps) {
  const orders = values.orders;
  const { list, error } = useList<ChannelInfo>('/channels', 'channels', 'Could not read the store’s channels.');
  const channels = list ?? [];
  // Zoho's locations by name when Zoho answers; else the location ID is typed.
  const zohoLocations = useList<ZohoLocationInfo>('/zoho/locations', 'locations', '').list;
  const nameOf = (id: number) => channels.find((c) => c.id === id)?.name ?? `Channel ${id}`;
  // Channels the settings name that the store no longer lists stay visible, so they can be removed.
  const ids = [...new Set([...channels.map((c) => c.id), ...(orders.channelIds ?? []), ...orders.channelLocations.map((c) => c.channelId)])].sort((a, b) => a - b);
  const included = ids.filter((id) => orders.channelIds === null || orders.channelIds.includes(id));
  const locationOf = (id: number) => orders.channelLocations.find((c) => c.channelId === id)?.zohoLocationId ?? '';
  const setLocation = (id: number, text: string) =>
    update((d) => {
      const rest = d.orders.channelLocations.filter((c) => c.channelId !== id);
      d.orders.channelLocations = text.trim() ? [...rest, { channelId: id, zohoLocationId: text.trim() }].sort((a, b) => a.channelId - b.channelId) : rest;
    });
  return (
    <FormGroup>
      <Text marginBottom="xSmall">Storefronts and other channels</Text>
      {error && <Text color="danger">{error}</Text>}
      <Checkbox
        label="Send orders from every channel to Zoho"
        checked={orders.channelIds === null}
        onChange={(e) => update((d) => void (d.orders.channelIds = e.target.checked ? null : ids.length ? ids : [1]))}
      />
      {orders.channelIds !== null && (
        <MultiSelect
          label="Only orders from these channels go to Zoho"
          value={orders.channelIds}
          error={errorAt(errors, 'orders.channelIds')}
          onOptionsChange={(picked) => update((d) => void (d.orders.channelIds = [...picked].sort((a, b) => a - b)))}
          options={ids.map((id) => ({ value: id, content: nameOf(id) }))}
        />
      )}
      {included.map((id) => (
        <Flex key={id} flexGap="1rem" flexWrap="wrap" alignItems="flex-start">
          <FlexItem flexBasis="320px">
            {zohoLocations ? (
              <FormGroup><Select<string>
                label={`Zoho location for ${nameOf(id)}`}
                description="Its sales orders and invoices book stock here."
                value={locationOf(id)}
                error={errorAt(errors, `orders.channelLocations.${orders.channelLocations.findIndex((c) => c.channelId === id)}`)}
                onOptionChange={(v) => setLocation(id, v ?? '')}
                options={[
                  { value: '', content: "Zoho's default location" },
                  ...[...zohoLocations, ...(locationOf(id) && !zohoLocations.some((l) => l.id === locationOf(id)) ? [{ id: locationOf(id), name: `Location ${locationOf(id)}` }] : [])].map((l) => ({ value: l.id, content: l.name })),
                ]}
              /></FormGroup>
            ) : (
              <FormGroup><Input
                label={`Zoho location ID for ${nameOf(id)}`}
                description="Optional: its sales orders and invoices book stock here (else Zoho's default location)."
                value={locationOf(id)}
                error={errorAt(errors, `orders.channelLocations.${orders.channelLocations.findIndex((c) => c.channelId === id)}`)}
                onChange={(e) => setLocation(id, e.target.value)}
              /></FormGroup>
            )}
          </FlexItem>
        </Flex>
      ))}
    </FormGroup>
  );
}
