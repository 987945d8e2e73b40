import { Box, Button, Flex, Message, Select, Text } from '@bigcommerce/big-design';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ZOHO_DATA_CENTER_IDS, ZOHO_DATA_CENTERS, type ZohoDataCenter } from '../../server/zoho/dataCenters.js';
import { api, ApiError, type ZohoConnectionInfo, type ZohoOrganizationInfo } from '../api.js';
import { useCanManage } from '../permissions.js';
import { ConnectionBadge } from './ConnectionBadge.js';

type Notice = { type: 'success' | 'error' | 'warning'; text: string } | null;

const errorText = (e: unknown, fallback: string) => (e instanceof ApiError ? e.message : fallback);

/** "Name <email>" of an organization's contact in Zoho, when Zoho lists one. */
const contactOf = (who: { contactName?: string; contactEmail?: string }) =>
  [who.contactName, who.contactEmail && `<${who.contactEmail}>`].filter(Boolean).join(' ');

/**
 * Connect Zoho Inventory: pick the data center, sign in to Zoho in a new window (Zoho's
 * consent page refuses to be framed); the window hands Zoho's answer back here and this
 * session completes it (POST /api/zoho/callback), then pick the organization. Also
 * Disconnect, and Reconnect when Zoho revoked the grant.
 */
export function ZohoConnect({ initial, onChange }: { initial: ZohoConnectionInfo; onChange?(connection: ZohoConnectionInfo): void }) {
  const [connection, setConnection] = useState<ZohoConnectionInfo>(initial);
  // Onboarding and the overview follow the connection (e.g. to move on once it is connected).
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => onChangeRef.current?.(connection), [connection]);
  const [dc, setDc] = useState<ZohoDataCenter>(isDc(initial.dc) ? initial.dc : 'com');
  const [organizations, setOrganizations] = useState<ZohoOrganizationInfo[] | null>(null);
  const [organizationId, setOrganizationId] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const canManage = useCanManage();
  const [notice, setNotice] = useState<Notice>(null);
  const popupWatch = useRef<number | undefined>(undefined);
  const popupRef = useRef<Window | null>(null);

  const refresh = useCallback(async () => {
    try {
      setConnection(await api<ZohoConnectionInfo>('/zoho/connection'));
    } catch (e) {
      setNotice({ type: 'error', text: errorText(e, 'Could not read the Zoho connection.') });
    }
  }, []);

  // Zoho's answer, handed over by the callback page: this session completes the consent it started.
  const complete = useCallback(async (query: Record<string, string>) => {
    setBusy(true);
    try {
      const connected = await api<ZohoConnectionInfo>('/zoho/callback', { method: 'POST', body: JSON.stringify(query) });
      setConnection(connected);
      const contact = contactOf(connected);
      setNotice({
        type: 'success',
        text:
          connected.status === 'connected'
            ? `Zoho Inventory is connected to ${connected.organizationName ?? 'your organization'}${contact ? ` (contact: ${contact})` : ''}.`
            : 'Zoho Inventory is connected. Choose the organization below.',
      });
    } catch (e) {
      setNotice({ type: 'error', text: errorText(e, 'Zoho Inventory was not connected.') });
    } finally {
      setBusy(false);
    }
  }, []);

  // The callback page in the Zoho window reports here; only our own origin and our own window are believed.
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== window.location.origin || !popupRef.current || event.source !== popupRef.current) return;
      const data = event.data as { type?: string; message?: string; query?: Record<string, string> } | null;
      if (data?.type === 'zoho-consent' && data.query) {
        // One answer per window (a reload of the page is not sent again); the answer says what changed.
        popupRef.current = null;
        window.clearInterval(popupWatch.current);
        void complete(data.query);
      } else if (data?.type === 'zoho-error') {
        setNotice({ type: 'error', text: data.message ?? 'Zoho Inventory was not connected.' });
      }
    };
    window.addEventListener('message', onMessage);
    return () => {
      window.removeEventListener('message', onMessage);
      window.clearInterval(popupWatch.current);
    };
  }, [refresh, complete]);

  useEffect(() => {
    // Listing the organizations is for choosing one, which only those who manage the app do.
    if (connection.status !== 'pending_organization' || !canManage) return;
    api<{ organizations: ZohoOrganizationInfo[] }>('/zoho/organizations').then(
      ({ organizations: list }) => {
        setOrganizations(list);
        setOrganizationId((list.find((o) => o.isDefault) ?? list[0])?.organizationId);
      },
      (e: unknown) => setNotice({ type: 'error', text: errorText(e, 'Could not list your Zoho organizations.') }),
    );
  }, [connection.status, canManage]);

  const connect = async () => {
    setNotice(null);
    // Opened within the click, or popup blockers stop it; pointed at Zoho once the URL is known.
    const popup = window.open('', 'zoho-connect', 'width=620,height=740');
    try {
      const { authorizeUrl } = await api<{ authorizeUrl: string }>(`/zoho/connect?dc=${encodeURIComponent(dc)}`);
      if (!popup) {
        setNotice({ type: 'warning', text: 'Your browser blocked the Zoho window: allow pop-ups for this app and try again.' });
        return;
      }
      popupRef.current = popup;
      popup.location.href = authorizeUrl;
      // If the window cannot report back (closed by hand, or cut off by the browser), re-read on close.
      window.clearInterval(popupWatch.current);
      popupWatch.current = window.setInterval(() => {
        if (!popup.closed) return;
        window.clearInterval(popupWatch.current);
        void refresh();
      }, 1000);
    } catch (e) {
      popup?.close();
      setNotice({ type: 'error', text: errorText(e, 'Could not start the Zoho sign-in.') });
    }
  };

  const choose = async () => {
    if (!organizationId) return;
    setBusy(true);
    try {
      setConnection(await api<ZohoConnectionInfo>('/zoho/organization', { method: 'PUT', body: JSON.stringify({ organizationId }) }));
      setOrganizations(null);
      setNotice({ type: 'success', text: 'Organization saved.' });
    } catch (e) {
      setNotice({ type: 'error', text: errorText(e, 'Could not save the organization.') });
    } finally {
      setBusy(false);
    }
  };

  const disconnect = async () => {
    if (!window.confirm('Disconnect Zoho Inventory? Syncing stops until you connect again.')) return;
    setBusy(true);
    try {
      await api('/zoho/connection', { method: 'DELETE' });
      setConnection({ status: 'not_connected' });
      setOrganizations(null);
      setNotice({ type: 'success', text: 'Zoho Inventory is disconnected.' });
    } catch (e) {
      setNotice({ type: 'error', text: errorText(e, 'Could not disconnect.') });
    } finally {
      setBusy(false);
    }
  };

  const { status } = connection;
  return (
    <Box data-testid="zoho-connect">
      <ConnectionBadge name="Zoho Inventory" status={status} />
      {notice && <Message type={notice.type} messages={[{ text: notice.text }]} marginBottom="small" />}
      {status === 'connected' && (
        <Text data-testid="zoho-organization">
          Organization <strong>{connection.organizationName}</strong>
          {connection.plan ? ` (${connection.plan} plan, ${connection.dailyBudget ?? '?'} API calls a day)` : ''}
          {contactOf(connection) && <span data-testid="zoho-organization-contact">, contact {contactOf(connection)}</span>}
        </Text>
      )}
      {status === 'needs_reconnect' && (
        <Message
          type="error"
          marginBottom="small"
          messages={[{ text: `Zoho no longer accepts the app's access${connection.lastError ? `: ${connection.lastError.message}` : ''}. Reconnect to resume syncing.` }]}
        />
      )}
      {(status === 'not_connected' || status === 'needs_reconnect') && (
        <Flex alignItems="flex-end" flexDirection="row">
          <Box marginRight="small">
            <Select
              label="Zoho data center"
              value={dc}
              onOptionChange={(value) => value && setDc(value)}
              options={ZOHO_DATA_CENTER_IDS.map((id) => ({ value: id, content: ZOHO_DATA_CENTERS[id].label }))}
            />
          </Box>
          <Button onClick={() => void connect()} disabled={busy || !canManage} data-testid="zoho-connect-button">
            {status === 'needs_reconnect' ? 'Reconnect' : 'Connect Zoho Inventory'}
          </Button>
        </Flex>
      )}
      {status === 'pending_organization' && organizations && (
        <Flex alignItems="flex-end" flexDirection="row">
          <Box marginRight="small">
            <Select
              label="Zoho organization"
              value={organizationId}
              onOptionChange={(value) => setOrganizationId(value)}
              options={organizations.map((o) => ({ value: o.organizationId, content: `${o.name} (${[o.planName || o.plan, contactOf(o)].filter(Boolean).join(', ')})` }))}
            />
          </Box>
          <Button onClick={() => void choose()} disabled={busy || !organizationId || !canManage} data-testid="zoho-choose-organization">
            Use this organization
          </Button>
        </Flex>
      )}
      {status !== 'not_connected' && (
        <Button variant="subtle" actionType="destructive" onClick={() => void disconnect()} disabled={busy || !canManage} marginTop="small" data-testid="zoho-disconnect">
          Disconnect
        </Button>
      )}
    </Box>
  );
}

const isDc = (value: unknown): value is ZohoDataCenter => typeof value === 'string' && (ZOHO_DATA_CENTER_IDS as string[]).includes(value);
