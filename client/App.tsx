import { Box, H1, Message, ProgressCircle } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { api, ApiError, type SessionInfo } from './api.js';
import { StoreOverview } from './pages/StoreOverview.js';

export function App({ hasSession }: { hasSession: boolean }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
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
      {session && <StoreOverview session={session} />}
    </Box>
  );
}
