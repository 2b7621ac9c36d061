import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The one shared definition of a chat message lives with the API; the app reaches it only
// through this alias so that the two can never drift apart.
const chatMessageModule = fileURLToPath(
  new URL('../api/src/shared/chat-message.ts', import.meta.url),
);

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@chat/message': chatMessageModule },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
  },
  preview: {
    host: '127.0.0.1',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
});
