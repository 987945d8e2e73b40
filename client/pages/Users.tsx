import { Checkbox, Message, Panel, Table, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { api, errorText, type StoreUserInfo } from '../api.js';

const ROLE_LABELS: Record<string, string> = { owner: 'Store owner', admin: 'Installed the app', user: 'Store user' };

/**
 * The store's users and who may manage the app (GET /api/users). The owner lets others manage it
 * (PUT /api/users/:id); everyone else sees the list.
 */
export function Users({ isOwner }: { isOwner: boolean }) {
  const [users, setUsers] = useState<StoreUserInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    api<{ users: StoreUserInfo[] }>('/users').then(
      (answer) => setUsers(answer.users),
      (e: unknown) => setError(errorText(e, 'Could not list the users.')),
    );
  }, []);

  const change = async (user: StoreUserInfo, canManage: boolean) => {
    setBusy(user.id);
    setError(null);
    try {
      const saved = await api<StoreUserInfo>(`/users/${user.id}`, { method: 'PUT', body: JSON.stringify({ canManage }) });
      setUsers((list) => list?.map((u) => (u.id === saved.id ? saved : u)) ?? null);
    } catch (e) {
      setError(errorText(e, 'Could not change what this user may do.'));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Panel
      header="Users"
      description={
        isOwner
          ? 'Everyone in your store can see the app. Choose who else may manage it: connect Zoho, change settings, sync and retry.'
          : 'Everyone in the store can see the app; the store owner chooses who may manage it.'
      }
      data-testid="users-panel"
    >
      {error && <Message type="error" messages={[{ text: error }]} marginBottom="medium" />}
      {users ? (
        <Table
          keyField="id"
          items={users}
          columns={[
            { header: 'User', hash: 'email', render: (u) => u.email || `user ${u.id}` },
            { header: 'Role', hash: 'role', render: (u) => ROLE_LABELS[u.role] ?? u.role },
            {
              header: 'May manage the app',
              hash: 'canManage',
              render: (u) => (
                <Checkbox
                  label={u.role === 'owner' ? 'Always' : u.canManage ? 'Yes' : 'No'}
                  checked={u.canManage}
                  disabled={!isOwner || u.role === 'owner' || busy === u.id}
                  onChange={(e) => void change(u, e.target.checked)}
                  data-testid={`can-manage-${u.id}`}
                />
              ),
            },
          ]}
        />
      ) : (
        !error && <Text>Loading…</Text>
      )}
    </Panel>
  );
}
