import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The Django development server (`make run`); the dev server hands it every
// request the single-page app does not serve itself.
const backend = "http://127.0.0.1:8000";
const toBackend = { target: backend, changeOrigin: false };

export default defineConfig(({ command }) => ({
  // Django serves dist/ under /static/ (and dist/index.html at every SPA
  // route), so built asset URLs start with /static/. The dev server serves the
  // app at / so that /dashboard etc. work there as they do behind Django.
  base: command === "build" ? "/static/" : "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    // The browser's Host and Origin go to Django unchanged (changeOrigin: false),
    // so its CSRF origin check and cookies work as they do without the proxy.
    proxy: {
      "/api": toBackend,
      "/accounts": toBackend,
      "/healthz": toBackend,
      "/admin": toBackend,
      // In development nothing of ours lives under /static/: Django's own static
      // files (drf-spectacular's sidecar, the admin, DRF) all come from it.
      "/static": toBackend,
      "/ws": { ...toBackend, ws: true },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    unstubGlobals: true,
  },
}));
