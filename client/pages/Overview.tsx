import type { SessionInfo } from '../api.js';
import { AlertsList } from '../components/AlertsList.js';
import { StockStatusPanel } from '../components/StockStatusPanel.js';
import { UsagePanel } from '../components/UsagePanel.js';
import { FlowsOverview } from './FlowsOverview.js';
import { StoreOverview } from './StoreOverview.js';

/** At a glance: what needs attention, both connections, every flow's last and next run, who writes the stock, and API use. */
export function Overview({ session, onShowOrders }: { session: SessionInfo; onShowOrders(): void }) {
  return (
    <>
      <AlertsList onShowOrders={onShowOrders} />
      <StoreOverview session={session} />
      <FlowsOverview />
      <StockStatusPanel />
      <UsagePanel />
    </>
  );
}
