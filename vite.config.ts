import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

/** Builds the Lit app from web/ into dist/web, where the server reads index.html and serves /assets/. */
export default defineConfig({
  root: fileURLToPath(new URL('web', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('dist/web', import.meta.url)),
    emptyOutDir: true,
    // Vite's default names carry a content hash: the server caches /assets/ as immutable.
    assetsDir: 'assets',
    target: 'es2022',
    // Every browser that runs the app supports modulepreload: the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    // Read by scripts/js-budget.ts, which checks what a file page downloads.
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Everything the entry loads statically goes in one chunk: every page downloads it anyway, and
          // one gzip stream compresses it better than the dozen small chunks the default split makes.
          groups: [
            { name: 'app', tags: ['$initial'] },
            // The frame of every repository page (header, branch switcher, links, its messages), for the same reason.
            { name: 'repo', test: /web\/src\/(fab-repo-header|fab-clone-box|fab-follow-button|fab-ref-switcher|browse-links|task-status|fab-relative-time|forms|i18n\/areas\/browse)\.ts$/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
    },
  },
});
