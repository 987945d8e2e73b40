import { Box, Button, H3, Message, Table, Text } from '@bigcommerce/big-design';
import { useState } from 'react';
import { api, errorText } from '../api.js';
import { useCanManage } from '../permissions.js';

interface WebhookSetup {
  url: string;
  headers: Record<string, string>;
  bodies: Record<string, Record<string, string>>;
}

/**
 * What the merchant enters in Zoho Inventory (Settings → Automation → Workflow rules) so that
 * Zoho calls the app at once: the URL, the secret header and one body per module. Shown on demand
 * because it contains the store's webhook secret.
 */
export function ZohoWebhookSetup() {
  const [setup, setSetup] = useState<WebhookSetup | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canManage = useCanManage();
  const show = async () => {
    setError(null);
    try {
      setSetup(await api<WebhookSetup>('/zoho/webhook'));
    } catch (e) {
      setError(errorText(e, 'Could not read the webhook set-up.'));
    }
  };
  return (
    <Box marginBottom="medium" data-testid="zoho-webhook-setup">
      <Message
        type="info"
        header="Real time needs workflow rules in Zoho Inventory"
        messages={[
          {
            text: canManage
              ? 'In Zoho Inventory, add a workflow rule per record type below (Settings → Automation → Workflow rules) whose action is a webhook with this URL, header and body.'
              : 'Someone who manages the app sets these up in Zoho Inventory (Settings → Automation → Workflow rules): the set-up holds the webhook secret, so only they can see it.',
          },
        ]}
        actions={setup || !canManage ? undefined : [{ text: 'Show the webhook set-up', onClick: () => void show() }]}
        marginBottom="small"
      />
      {error && <Message type="error" messages={[{ text: error }]} marginBottom="small" />}
      {setup && (
        <Box border="box" borderRadius="normal" padding="medium" backgroundColor="white">
          <H3>Webhook set-up for Zoho Inventory</H3>
          <Text>
            URL (POST, JSON): <code style={{ wordBreak: 'break-all' }}>{setup.url}</code>
          </Text>
          {Object.entries(setup.headers).map(([name, value]) => (
            <Text key={name}>
              Header <code>{name}</code>: <code>{value}</code>
            </Text>
          ))}
          <Table
            keyField="module"
            items={Object.entries(setup.bodies).map(([module, body]) => ({ module, body: JSON.stringify(body) }))}
            columns={[
              { header: 'Record type', hash: 'module', render: (r) => r.module },
              { header: 'Body', hash: 'body', render: (r) => <code style={{ wordBreak: 'break-all' }}>{r.body}</code> },
            ]}
          />
          <Button variant="subtle" marginTop="small" onClick={() => setSetup(null)}>
            Hide
          </Button>
        </Box>
      )}
    </Box>
  );
}
