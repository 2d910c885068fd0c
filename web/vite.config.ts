import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The page is served by Bastion itself (src/http/ui.ts) under a strict CSP: no inline script or style, so the
// build emits only files (no inlined assets, no module-preload polyfill injected into the HTML).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
});
