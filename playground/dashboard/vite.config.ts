// Builds the dashboard `weir run --web` serves: the playground's panels and uPlot bundled, nothing fetched from elsewhere.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  // Relative asset paths: the server serves the folder at its root.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    reportCompressedSize: false,
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
