import { registerFlow } from '../registry.js';
import { runOrdersReconciliation } from './reconcile.js';

/**
 * The orders flow: BigCommerce orders → Zoho contacts, sales orders, invoices and payments.
 * Real time through the `bigcommerce.order` job (jobs.ts → process.ts); every 15 minutes
 * (and on "Sync now") through the reconciliation registered here.
 */
registerFlow('orders', runOrdersReconciliation);
