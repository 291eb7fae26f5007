import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The built files go to web/dist; scripts/build-web.sh builds them and the server's build copies
// them into its wwwroot (see docs/development.md). Scripts and styles are files under /assets/
// with a content hash in their names, which the server caches immutably; index.html is never cached.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    // Every browser Vigil supports has <link rel=modulepreload>; the polyfill would be dead code.
    modulePreload: { polyfill: false },
    // The live view's chunk carries the AWS and KVS SDKs (loaded only when a video is opened).
    chunkSizeWarningLimit: 1200,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
