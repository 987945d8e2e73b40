import helmet from 'helmet';
import type { Config } from '../config.js';

/** Where BigCommerce's control panel frames the app from (see the reference on frame-ancestors). */
export const BIGCOMMERCE_FRAME_ANCESTORS = ['https://*.bigcommerce.com', 'https://*.mybigcommerce.com'];

/**
 * Helmet with the app's CSP: only BigCommerce's control panel (plus CSP_FRAME_ANCESTORS) may
 * frame the app. X-Frame-Options is off because it cannot express that list and would forbid
 * the control panel's iframe.
 */
export function securityHeaders(config: Config) {
  const https = config.appUrl.startsWith('https://');
  return helmet({
    frameguard: false,
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        // styled-components (BigDesign) injects <style> elements at run time.
        'style-src': ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        'img-src': ["'self'", 'data:', 'https:'],
        'font-src': ["'self'", 'data:', 'https:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'self'", ...BIGCOMMERCE_FRAME_ANCESTORS, ...config.cspFrameAncestors],
        'form-action': ["'self'"],
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
    // The control panel is another origin: the app's pages must be embeddable there.
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
}
