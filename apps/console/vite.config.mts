// The ops console (issue 11): React + Ant Design, built by Vite into dist/console, which the
// gateway serves under /console/ (its API is the gateway's /console/api and /v1, same origin).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  server: { proxy: { '/v1': 'http://127.0.0.1:4000', '/console/api': 'http://127.0.0.1:4000' } },
});
