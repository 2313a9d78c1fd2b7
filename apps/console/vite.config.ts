import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console builds to dist/console (beside the server's dist/apps), served at /ui by audit and
 * warden: relative asset paths, no CDN, no external font, one JS and one CSS file.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Served at /ui (no trailing slash), so asset paths are absolute.
  base: '/ui/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
});
