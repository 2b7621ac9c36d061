// The IPC vocabulary between the bench (parent) and the server under test (child).

export type ServerKind = 'plain' | 'emulator';

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export type ParentRequest = { type: 'memory'; id: number } | { type: 'close' };

export type ChildReply =
  | { type: 'ready'; port: number }
  | {
      type: 'memory';
      id: number;
      memory: MemorySnapshot;
      connections: number;
      /** process.cpuUsage() user + system, in microseconds since the server started. */
      cpuMicros: number;
    }
  | { type: 'closed' };
