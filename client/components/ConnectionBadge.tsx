import { Badge, Flex, Text } from '@bigcommerce/big-design';

const variants: Record<string, 'success' | 'warning' | 'danger' | 'secondary'> = {
  connected: 'success',
  needs_reconnect: 'danger',
  not_connected: 'secondary',
  disconnected: 'danger',
};

export function ConnectionBadge({ name, status }: { name: string; status: string }) {
  return (
    <Flex flexDirection="row" alignItems="center" marginBottom="xSmall" data-testid={`connection-${name}`}>
      <Text marginBottom="none" marginRight="small">
        {name}
      </Text>
      <Badge label={status.replace(/_/g, ' ')} variant={variants[status] ?? 'secondary'} />
    </Flex>
  );
}
