import { Box, Flex, FlexItem, H3, Panel, ProgressBar, Text } from '@bigcommerce/big-design';
import type { PlatformUsage, UsageReport } from '../api.js';
import { usePolling } from '../hooks/usePolling.js';
import { UsageChart } from './UsageChart.js';

const USAGE_POLL_MS = 30_000;
const n = (value: number) => value.toLocaleString();

/** API calls today against each platform's budget, and the week as a small chart (GET /api/usage). */
export function UsagePanel() {
  const { data } = usePolling<UsageReport>('/usage', USAGE_POLL_MS);
  if (!data) return null;
  const { zoho, bigcommerce } = data.platforms;
  return (
    <Panel header="API use" description="Calls the app made for this store, by UTC day." data-testid="usage-panel">
      <Flex flexDirection={{ mobile: 'column', tablet: 'row' }} flexGap="2rem">
        <FlexItem flexGrow={1} flexBasis="0">
          <H3>Zoho Inventory</H3>
          <ZohoToday usage={zoho} />
          <UsageChart days={zoho.days} label="Zoho Inventory API calls per day" />
          <Text color="secondary60" marginTop="small">
            Near the daily limit, scheduled catalog work waits for the next day so that orders keep flowing.
          </Text>
        </FlexItem>
        <FlexItem flexGrow={1} flexBasis="0">
          <H3>BigCommerce</H3>
          <Text data-testid="usage-bigcommerce-today">
            Today: <strong>{n(bigcommerce.today.calls)}</strong> calls{bigcommerce.today.throttled ? `, ${n(bigcommerce.today.throttled)} slowed down by the store's rate limit` : ''}.
          </Text>
          <UsageChart days={bigcommerce.days} label="BigCommerce API calls per day" />
          <Text color="secondary60" marginTop="small">
            No daily limit: the app paces itself to the store's per-30-second quota, which it shares with other apps.
          </Text>
        </FlexItem>
      </Flex>
    </Panel>
  );
}

function ZohoToday({ usage }: { usage: PlatformUsage }) {
  const { today, dailyBudget, budgetExhaustedUntil, organizationToday } = usage;
  // The limit is the organization's: with other stores on it, their calls count too.
  const spent = organizationToday ?? today.calls;
  const shared = organizationToday !== undefined ? ` (this store ${n(today.calls)}; the rest by other stores on the same Zoho organization)` : '';
  if (!dailyBudget) {
    return <Text data-testid="usage-zoho-today">Today: <strong>{n(spent)}</strong> calls{shared}.</Text>;
  }
  const percent = Math.min(100, Math.round((100 * spent) / dailyBudget));
  return (
    <Box>
      <Text data-testid="usage-zoho-today" marginBottom="xxSmall">
        Today: <strong>{n(spent)}</strong> of {n(dailyBudget)} calls ({percent} %){shared}
        {budgetExhaustedUntil ? ' · limit reached, waiting for tomorrow' : ''}
      </Text>
      <ProgressBar percent={percent} />
    </Box>
  );
}
