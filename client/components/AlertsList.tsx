import { Box, Message } from '@bigcommerce/big-design';
import { ALERT_TITLES } from '../../server/alerts/titles.js';
import type { Alert } from '../api.js';
import { formatTime } from '../flows.js';
import { usePolling } from '../hooks/usePolling.js';
import { ZohoWebhookSetup } from './ZohoWebhookSetup.js';

const ALERTS_POLL_MS = 30_000;

const HEADERS: Record<string, string> = ALERT_TITLES;

/** What needs the merchant's attention (GET /api/alerts), as BigDesign Messages; nothing when all is well. */
export function AlertsList({ onShowOrders }: { onShowOrders?(): void }) {
  const { data } = usePolling<{ alerts: Alert[] }>('/alerts', ALERTS_POLL_MS);
  if (!data || data.alerts.length === 0) return null;
  return (
    <Box marginBottom="medium" data-testid="alerts" role="region" aria-label="Alerts">
      {data.alerts.map((alert) => (
        <Box key={`${alert.kind}:${alert.platform ?? ''}`}>
          <Message
            type={alert.severity}
            header={HEADERS[alert.kind]}
            messages={[{ text: alert.since ? `${alert.message} (since ${formatTime(alert.since)})` : alert.message }]}
            actions={alert.kind === 'orders_held' && onShowOrders ? [{ text: 'Show orders', onClick: onShowOrders }] : undefined}
            marginBottom="small"
          />
          {/* The templates to fix the rule with, one per module. */}
          {alert.kind === 'zoho_webhook_unreadable' && <ZohoWebhookSetup />}
        </Box>
      ))}
    </Box>
  );
}
