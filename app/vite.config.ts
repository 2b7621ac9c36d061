import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The one shared definition of a chat message (and of conversations) lives with the API; the
// app reaches it only through these aliases so that the two can never drift apart.
const sharedModule = (file: string): string =>
  fileURLToPath(new URL(`../api/src/shared/${file}`, import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      '@chat/message': sharedModule('chat-message.ts'),
      '@chat/conversation': sharedModule('conversation.ts'),
    },
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
