import { Message } from '@bigcommerce/big-design';
import { createContext, useContext } from 'react';

/**
 * Whether the signed-in user may manage the app (GET /api/session's `user.canManage`). Those who
 * may not read everything; the panel disables what they cannot do and says why, once, at the top.
 */
export const CanManageContext = createContext(true);

export const useCanManage = () => useContext(CanManageContext);

export const READ_ONLY_TEXT =
  'You can see everything here. Only the store owner, or a user the owner lets manage the app (Users tab), can connect Zoho, change settings, start syncs or previews, retry, or see the webhook secret.';

export function ReadOnlyNotice() {
  return <Message type="info" header="View only" messages={[{ text: READ_ONLY_TEXT }]} marginBottom="medium" data-testid="read-only-notice" />;
}
