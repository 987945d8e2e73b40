import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type ResolvedConfig } from 'vite';

/** The panel's JavaScript may not grow past this (raw bytes): it loads inside the control panel's iframe. */
const BUNDLE_BUDGET_BYTES = 900_000;

/** Prints the built JavaScript's size and fails the build above the budget. */
function bundleBudget(budget: number): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'bundle-budget',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((file) => (file.type === 'chunk' ? [Buffer.from(file.code)] : []));
      const raw = chunks.reduce((sum, code) => sum + code.length, 0);
      const gzip = chunks.reduce((sum, code) => sum + gzipSync(code).length, 0);
      const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
      const line = `bundle budget: JavaScript ${kb(raw)} raw (${kb(gzip)} gzip) of ${kb(budget)} allowed`;
      if (raw > budget) this.error(`${line}: over budget`);
      config.logger.info(line);
    },
  };
}

/**
 * A build is always React's production build, even when started under a test runner's
 * NODE_ENV=test (the browser tests build the panel inside vitest): Vite reads NODE_ENV after
 * loading this config, so it is set here, and given back when the bundle is closed.
 */
function productionBuild(): Plugin {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  return {
    name: 'production-build',
    apply: 'build',
    closeBundle() {
      if (before === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = before;
    },
  };
}

// The panel: built from client/ into dist/client, which Express serves at "/".
export default defineConfig(({ command }) => ({
  root: 'client',
  plugins: [react(), bundleBudget(BUNDLE_BUDGET_BYTES), ...(command === 'build' ? [productionBuild()] : [])],
  build: { outDir: '../dist/client', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
}));
