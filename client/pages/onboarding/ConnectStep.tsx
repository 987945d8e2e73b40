import { Box, Text } from '@bigcommerce/big-design';
import type { ZohoConnectionInfo } from '../../api.js';
import { ZohoConnect } from '../../components/ZohoConnect.js';

/** Step 1: sign in to Zoho Inventory (data center, then organization). */
export function ConnectStep({ connection, onChange }: { connection: ZohoConnectionInfo; onChange(c: ZohoConnectionInfo): void }) {
  return (
    <Box>
      <Text>
        Choose the data center your Zoho account lives in and sign in to Zoho in the window that opens. Then pick the organization whose items,
        price lists and stock this store should follow. The app can be disconnected at any time.
      </Text>
      <ZohoConnect initial={connection} onChange={onChange} />
    </Box>
  );
}
