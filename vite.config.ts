import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The panel: built from client/ into dist/client, which Express serves at "/".
export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: { outDir: '../dist/client', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
