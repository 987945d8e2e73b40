/** Loads every flow so that each registers its runner (server/sync/registry.ts). */
import './products/index.js';
