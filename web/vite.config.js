// The page is served by `perimeter serve` under /map/; the API is at the origin root.
// `npm run dev` proxies the API to PERIMETER_URL (default: the server's default address).
import { defineConfig } from 'vite';

const api = process.env.PERIMETER_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/map/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // The MapLibre worker is an .mjs asset; name it .js so any static server sends a JavaScript type.
        assetFileNames: (asset) => (asset.names?.[0] ?? asset.name ?? '').endsWith('.mjs') ? 'assets/[name]-[hash].js' : 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    proxy: Object.fromEntries(['/collections', '/tiles', '/check', '/schools', '/health'].map((p) => [p, api])),
  },
});
