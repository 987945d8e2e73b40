/** Loads every flow so that each registers its runner (server/sync/registry.ts). */
import './products/index.js';
import './pricelists/index.js';
import './orders/index.js';
import './fulfilment/index.js';
import './stock/index.js';
import './contacts/index.js';
