import { Box, Button, Flex, H1, Message, ProgressCircle, Tabs, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { api, ApiError, type SessionInfo } from './api.js';
import { needsOnboarding, rememberSkipped } from './onboardingState.js';
import { Activity } from './pages/Activity.js';
import { Onboarding } from './pages/Onboarding.js';
import { Overview } from './pages/Overview.js';
import { Settings } from './pages/Settings.js';
import { Users } from './pages/Users.js';
import { CanManageContext, ReadOnlyNotice } from './permissions.js';

const TABS = [
  { id: 'overview', title: 'Overview' },
  { id: 'settings', title: 'Settings' },
  { id: 'activity', title: 'Activity' },
  { id: 'users', title: 'Users' },
];

export function App({ hasSession }: { hasSession: boolean }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [onboarding, setOnboarding] = useState<boolean | null>(null);
  const [tab, setTab] = useState('overview');
  const [error, setError] = useState<string | null>(
    hasSession ? null : 'Open this app from your BigCommerce control panel (Apps → My Apps).',
  );

  useEffect(() => {
    if (!hasSession) return;
    (async () => {
      const info = await api<SessionInfo>('/session');
      setSession(info);
      // The setup guide is for those who may set the app up; others go straight to what there is to see.
      setOnboarding(info.user.canManage ? await needsOnboarding(info).catch(() => false) : false);
    })().catch((e: unknown) => setError(e instanceof ApiError ? e.message : 'The app could not reach its server.'));
  }, [hasSession]);

  const finishOnboarding = async () => {
    // The overview starts from the connection as onboarding left it.
    const info = await api<SessionInfo>('/session').catch(() => session);
    setSession(info);
    setOnboarding(false);
    setTab('overview');
  };

  const skipOnboarding = () => {
    if (session) rememberSkipped(session.store.hash);
    void finishOnboarding();
  };

  const canManage = session?.user.canManage ?? false;
  return (
    <CanManageContext.Provider value={canManage}>
      <Box padding={{ mobile: 'medium', tablet: 'xLarge' }} backgroundColor="secondary10" style={{ minHeight: '100vh' }}>
        <Flex justifyContent="space-between" alignItems="flex-start" marginBottom="medium" flexWrap="wrap" flexGap="1rem">
          <Box>
            <H1 marginBottom="xxSmall">Zoho Inventory connector</H1>
            <Text color="secondary60" marginBottom="none">
              Products, price lists and stock from Zoho Inventory; orders and invoices back to Zoho.
            </Text>
            {session && (
              <Text color="secondary60" marginBottom="none">
                Store <strong data-testid="store-hash">{session.store.hash}</strong> · signed in as{' '}
                <span data-testid="user-email">{session.user.email || `user ${session.user.id}`}</span>
              </Text>
            )}
          </Box>
          {session && onboarding === false && canManage && (
            <Button variant="secondary" onClick={() => setOnboarding(true)} data-testid="open-setup">
              Setup guide
            </Button>
          )}
        </Flex>
        {error && <Message type="error" messages={[{ text: error }]} marginBottom="medium" />}
        {session && !canManage && <ReadOnlyNotice />}
        {!error && (!session || onboarding === null) && <ProgressCircle size="large" />}
        {session && onboarding === true && <Onboarding zoho={session.connections.zoho} onDone={() => void finishOnboarding()} onSkip={skipOnboarding} />}
        {session && onboarding === false && (
          <>
            <Tabs activeTab={tab} items={TABS} onTabClick={setTab} aria-label="Sections" />
            <Box marginTop="large">
              {tab === 'overview' && <Overview session={session} onShowOrders={() => setTab('activity')} />}
              {tab === 'settings' && <Settings />}
              {tab === 'activity' && <Activity />}
              {tab === 'users' && <Users isOwner={session.user.role === 'owner'} />}
            </Box>
          </>
        )}
      </Box>
    </CanManageContext.Provider>
  );
}
