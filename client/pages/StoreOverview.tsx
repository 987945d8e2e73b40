import { Flex, FlexItem, Panel, Text } from '@bigcommerce/big-design';
import type { SessionInfo } from '../api.js';
import { formatTime } from '../flows.js';
import { ConnectionBadge } from '../components/ConnectionBadge.js';
import { ZohoConnect } from '../components/ZohoConnect.js';

/** The health of both connections, with Zoho's connect / reconnect / disconnect. */
export function StoreOverview({ session }: { session: SessionInfo }) {
  return (
    <Panel header="Connections" data-testid="store-panel">
      <Flex flexDirection={{ mobile: 'column', tablet: 'row' }} flexGap="2rem">
        <FlexItem flexGrow={1} flexBasis="0">
          <ConnectionBadge name="BigCommerce" status={session.connections.bigcommerce.status} />
          <Text marginBottom="xxSmall">
            Store <strong>{session.store.hash}</strong>
            {session.store.installedAt ? `, app installed ${formatTime(session.store.installedAt)}` : ''}
          </Text>
          <Text color="secondary60">The app reads and writes products, stock and orders with the access granted at install.</Text>
        </FlexItem>
        <FlexItem flexGrow={1} flexBasis="0">
          <ZohoConnect initial={session.connections.zoho} />
        </FlexItem>
      </Flex>
    </Panel>
  );
}
