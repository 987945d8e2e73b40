import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import mongoose from 'mongoose';
import { pinoHttp } from 'pino-http';
import { alertsRoutes } from './api/alerts.js';
import { channelsRoutes } from './api/channels.js';
import { requireSession } from './api/requireSession.js';
import { ordersRoutes } from './api/orders.js';
import { runsRoutes } from './api/runs.js';
import { schedulesRoutes } from './api/schedules.js';
import { searchRoutes } from './api/search.js';
import { sessionRoutes } from './api/session.js';
import { settingsRoutes } from './api/settings.js';
import { stockRoutes } from './api/stock.js';
import { syncRoutes } from './api/sync.js';
import { usageRoutes } from './api/usage.js';
import { usersRoutes } from './api/users.js';
import { zohoRoutes } from './api/zoho.js';
import { bigcommerceCallbacks } from './bigcommerce/callbacks.js';
import { bigcommerceWebhookIntake } from './bigcommerce/webhookIntake.js';
import type { AppContext } from './context.js';
import { notFound } from './http/errors.js';
import { errorHandler } from './http/errorHandler.js';
import { securityHeaders } from './http/security.js';
import { clientDistDir } from './paths.js';
import { zohoCallbackRoutes } from './zoho/callback.js';
import { zohoWebhookRoutes } from './zoho/webhookIntake.js';

/** Builds the Express app (no listen): callbacks, the panel API and the built panel. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Callbacks carry signed payloads in the query string: log the path only.
      serializers: { req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }) },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(securityHeaders(ctx.config));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await mongoose.connection.db!.admin().command({ ping: 1 });
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });

  app.use('/bigcommerce', bigcommerceCallbacks(ctx));
  // Authenticated by the per-store secret header, not a session; parses its own body.
  app.use('/webhooks/bigcommerce', bigcommerceWebhookIntake(ctx));
  // Zoho's consent page returns here (public; the single-use state is the credential).
  app.use(zohoCallbackRoutes(ctx));
  // Zoho workflow webhooks: authenticated by the per-store secret header; parses its own body.
  app.use(zohoWebhookRoutes(ctx));

  const api = express.Router();
  api.use(express.json({ limit: '100kb' }));
  api.use(requireSession(ctx.config.sessionSecret));
  api.use(sessionRoutes(ctx));
  api.use(usersRoutes());
  api.use(zohoRoutes(ctx));
  api.use(settingsRoutes(ctx));
  api.use(syncRoutes(ctx));
  api.use(runsRoutes(ctx));
  api.use(schedulesRoutes());
  api.use(usageRoutes());
  api.use(alertsRoutes());
  api.use(searchRoutes());
  api.use(stockRoutes());
  api.use(ordersRoutes(ctx));
  api.use(channelsRoutes(ctx));
  api.use(() => {
    throw notFound('not_found', 'No such API route.');
  });
  app.use('/api', api);

  if (existsSync(join(clientDistDir, 'index.html'))) {
    app.use(express.static(clientDistDir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForHtml }));
  } else {
    app.get('/', (_req, res) => {
      res.type('text').send('The panel is not built yet: run `npm run build`.');
    });
  }

  app.use(errorHandler);
  return app;
}

function noCacheForHtml(res: express.Response, path: string) {
  if (path.endsWith('.html')) res.setHeader('cache-control', 'no-cache');
}
