import type { Server } from 'node:http';
import express, { Router, type Response } from 'express';
import { documentedAnswers, type DocumentedAnswers } from '../common/documentedAnswers.js';
import { recordExchanges, type ExchangeListener } from '../common/exchanges.js';
import { faultControlRoutes, Faults } from '../common/faults.js';
import type { WebhookDeliverer } from '../common/webhookDelivery.js';
import { accountsRoutes } from './accounts.js';
import { contactsRoutes } from './api/contacts.js';
import { creditNotesRoutes } from './api/creditnotes.js';
import { customerPaymentsRoutes } from './api/customerpayments.js';
import { authenticate, countCalls, enforceLimits, requireOrganization, requireScope } from './api/gateway.js';
import { inventoryAdjustmentsRoutes } from './api/inventoryadjustments.js';
import { invoicesRoutes } from './api/invoices.js';
import { itemGroupsRoutes } from './api/itemgroups.js';
import { itemsRoutes } from './api/items.js';
import { locationsRoutes } from './api/locations.js';
import { organizationsRoutes } from './api/organizations.js';
import { packagesRoutes } from './api/packages.js';
import { pricebooksRoutes } from './api/pricebooks.js';
import { salesOrdersRoutes } from './api/salesorders.js';
import { shipmentOrdersRoutes } from './api/shipmentorders.js';
import { sendZohoError, unknownUrl, ZohoCode, zohoErrorHandler } from './errors.js';
import { seedZoho } from './seed.js';
import { ZohoState, type ZohoSimulatorOptions } from './state.js';

/** Injected failures answer with Zoho's envelope. */
function faultResponse(res: Response, status: number): void {
  if (status === 429) return sendZohoError(res, 429, ZohoCode.perMinuteLimit, 'You have made too many API requests in a minute for this organization. Please try again later.');
  sendZohoError(res, status, ZohoCode.internal, status === 503 ? 'Service temporarily unavailable. Please try again later.' : 'Internal error');
}

/**
 * The Zoho Inventory simulator: Zoho Accounts (`/oauth/v2/...`) and the Inventory API
 * (`/inventory/v1/...`) on one server, stateful, with Zoho's limits, call counting, fault
 * injection and workflow-rule webhooks. Point the app at it with
 * ZOHO_ACCOUNTS_URL=<url> and ZOHO_API_URL=<url>/inventory/v1.
 *
 * Request pipeline of the API: count → token (401/57) → scope (401/57) → organization
 * (400/2, 401/6041) → limits (429/45, 44, 1070) → faults → module routes → 404/5.
 * Faults are set in-process on `faults` or over HTTP (`/__sim/faults`, see faultControlRoutes).
 */
export function createZohoSimulator(options: ZohoSimulatorOptions = {}) {
  const state = new ZohoState(options);
  if (options.seed) seedZoho(state);
  const faults = new Faults(state.clock);
  const exchangeListeners = new Set<ExchangeListener>();
  const answers = documentedAnswers('zoho', options.documentedAnswersOnly);

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ type: ['application/json', 'text/json'], limit: '10mb' }));
  app.use(express.urlencoded({ extended: false, limit: '10mb' }));
  app.use(express.raw({ type: 'multipart/form-data', limit: '10mb' }));
  app.use(recordExchanges(exchangeListeners));
  app.use(answers.middleware);
  app.use(accountsRoutes(state));
  // `/__sim/faults…`: the faults over HTTP for other processes (never part of Zoho's API).
  app.use(faultControlRoutes(faults));

  const api = Router();
  api.use(countCalls(state), authenticate(state), requireScope());
  // GET /organizations needs no organization_id (it is how a client finds one).
  api.use('/organizations', faults.middleware(faultResponse));
  api.use(organizationsRoutes(state));
  api.use(requireOrganization(state), enforceLimits(), faults.middleware(faultResponse));
  api.use(
    itemsRoutes(),
    itemGroupsRoutes(),
    pricebooksRoutes(),
    contactsRoutes(),
    salesOrdersRoutes(),
    invoicesRoutes(),
    customerPaymentsRoutes(),
    creditNotesRoutes(),
    packagesRoutes(),
    shipmentOrdersRoutes(),
    inventoryAdjustmentsRoutes(),
    locationsRoutes(),
  );
  api.use(unknownUrl);
  app.use('/inventory/v1', api);
  app.use(zohoErrorHandler);

  return { app, state, faults, deliveries: state.deliveries, exchangeListeners, answers };
}

export interface RunningZohoSimulator {
  /** Origin of the simulator: the app's ZOHO_ACCOUNTS_URL. */
  url: string;
  /** `${url}/inventory/v1`: the app's ZOHO_API_URL. */
  apiUrl: string;
  state: ZohoState;
  faults: Faults;
  deliveries: WebhookDeliverer;
  /** Add a listener to see every exchange (contract tests). */
  exchangeListeners: Set<ExchangeListener>;
  /** `answers.stripped`: the undocumented fields cut from answers, per operation. */
  answers: DocumentedAnswers;
  close(): Promise<void>;
}

export async function startZohoSimulator(options: ZohoSimulatorOptions = {}, port = 0): Promise<RunningZohoSimulator> {
  const { app, state, faults, deliveries, exchangeListeners, answers } = createZohoSimulator(options);
  await answers.ready;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return {
    url,
    apiUrl: `${url}/inventory/v1`,
    state,
    faults,
    deliveries,
    exchangeListeners,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
