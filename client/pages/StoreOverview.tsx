import { Badge, Panel, Text } from '@bigcommerce/big-design';
import type { SessionInfo } from '../api.js';
import { ConnectionBadge } from '../components/ConnectionBadge.js';
import { ZohoConnect } from '../components/ZohoConnect.js';

/** The first thing the merchant sees: which store, who they are, and the state of both connections. */
export function StoreOverview({ session }: { session: SessionInfo }) {
  return (
    <>
      <Panel header="Store" data-testid="store-panel">
        <Text>
          Store <strong data-testid="store-hash">{session.store.hash}</strong>{' '}
          <Badge label={session.store.status} variant={session.store.status === 'installed' ? 'success' : 'danger'} />
        </Text>
        <Text>
          Signed in as <strong data-testid="user-email">{session.user.email || `user ${session.user.id}`}</strong> ({session.user.role})
        </Text>
      </Panel>
      <Panel header="Connections">
        <ConnectionBadge name="BigCommerce" status={session.connections.bigcommerce.status} />
        <ZohoConnect initial={session.connections.zoho} />
      </Panel>
    </>
  );
}
