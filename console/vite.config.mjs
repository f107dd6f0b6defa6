// The operators' console: Preact + TypeScript, built by Vite into dist/console (served by the service at /).
// JSX goes through Vite's own Oxc transform (automatic runtime from preact): no framework plugin needed.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: 'public',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // `npm run console:dev`: pages reload as they change, the API comes from a service on PORT (default 8080).
  server: { proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 8080}` } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // No inline script: the service sends a Content-Security-Policy of default-src 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // Maps are written for whoever debugs a release (dist/console/assets/*.map) but not referenced from the bundles,
    // and the service does not serve them (console-router.ts): the console's source is not published (#21).
    sourcemap: 'hidden',
  },
});
