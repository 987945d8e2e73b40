import { Priority } from '../sync/priority.js';
import type { BigCommerceClient } from './client.js';

/** `/v3/hooks`: the app's webhook subscriptions in one store (BigCommerce lists only this app's). */
export interface BcHook {
  id: number;
  client_id?: string;
  store_hash?: string;
  scope: string;
  destination: string;
  is_active: boolean;
  headers?: Record<string, string> | null;
  created_at?: number;
  updated_at?: number;
}

export interface HookInput {
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string>;
}

// Hook upkeep happens while a merchant waits on install or load: it goes first.
const priority = Priority.realtime;

export async function listHooks(client: BigCommerceClient): Promise<BcHook[]> {
  const hooks: BcHook[] = [];
  for await (const page of client.paginateV3<BcHook>('/hooks', { priority })) hooks.push(...page);
  return hooks;
}

export async function createHook(client: BigCommerceClient, input: HookInput): Promise<BcHook> {
  return (await client.v3<BcHook>('POST', '/hooks', { body: input, priority })).data;
}

export async function updateHook(client: BigCommerceClient, id: number, input: Partial<HookInput>): Promise<BcHook> {
  return (await client.v3<BcHook>('PUT', `/hooks/${id}`, { body: input, priority })).data;
}

export async function deleteHook(client: BigCommerceClient, id: number): Promise<void> {
  await client.v3('DELETE', `/hooks/${id}`, { priority });
}
