// Messages between the host (HTTP listener) and its worker child process, sent over Node's IPC channel
// with the "advanced" serialization so that byte arrays cross without base64.

/** A binding as `@azure/functions` registers it, plus its name (the key in the metadata's bindings). */
export interface BindingInfo {
  name: string;
  type: string;
  direction?: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
  [key: string]: unknown;
}

export interface RegisteredFunction {
  name: string;
  bindings: BindingInfo[];
}

export interface InvocationRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  params: Record<string, string>;
  body: Uint8Array;
}

export type HostToWorker =
  | { type: 'invoke'; id: string; functionName: string; request: InvocationRequest }
  | { type: 'shutdown' };

export type WorkerToHost =
  | { type: 'ready'; functions: RegisteredFunction[] }
  | { type: 'load-failed'; message: string }
  | { type: 'log'; line: string }
  | {
      type: 'response-start';
      id: string;
      status: number;
      headers: [string, string][];
      cookies: string[];
    }
  | { type: 'response-chunk'; id: string; chunk: Uint8Array }
  | { type: 'response-end'; id: string }
  | { type: 'invocation-failed'; id: string; message: string };
