import { Box, H1, Message, ProgressCircle, Tabs } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { api, ApiError, type SessionInfo } from './api.js';
import { Activity } from './pages/Activity.js';
import { FlowsOverview } from './pages/FlowsOverview.js';
import { Settings } from './pages/Settings.js';
import { StoreOverview } from './pages/StoreOverview.js';

const TABS = [
  { id: 'overview', title: 'Overview' },
  { id: 'settings', title: 'Settings' },
  { id: 'activity', title: 'Activity' },
];

export function App({ hasSession }: { hasSession: boolean }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [tab, setTab] = useState('overview');
  const [error, setError] = useState<string | null>(
    hasSession ? null : 'Open this app from your BigCommerce control panel (Apps → My Apps).',
  );

  useEffect(() => {
    if (!hasSession) return;
    api<SessionInfo>('/session').then(setSession, (e: unknown) =>
      setError(e instanceof ApiError ? e.message : 'The app could not reach its server.'),
    );
  }, [hasSession]);

  return (
    <Box padding="xLarge" backgroundColor="secondary10" style={{ minHeight: '100vh' }}>
      <H1>Zoho Inventory connector</H1>
      {error && <Message type="error" messages={[{ text: error }]} marginBottom="medium" />}
      {!error && !session && <ProgressCircle size="large" />}
      {session && (
        <>
          <Tabs activeTab={tab} items={TABS} onTabClick={setTab} />
          <Box marginTop="large">
            {tab === 'overview' && (
              <>
                <StoreOverview session={session} />
                <FlowsOverview />
              </>
            )}
            {tab === 'settings' && <Settings />}
            {tab === 'activity' && <Activity />}
          </Box>
        </>
      )}
    </Box>
  );
}
