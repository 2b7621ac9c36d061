// The API stack with its two counters in place, for the benchmarks that report calls per request
// (figures that, unlike latencies, do not depend on the machine): the REST calls the API makes
// to the SignalR service, and the requests it makes to storage.
import { parseConnectionString } from '../../api/src/signalr/connection-string.js';
import { startRequestLog, type RequestLog } from '../../api/test/storage/request-log.js';
import { connectionStringFor } from '../../api/test/support/azurite.js';
import { startApiStack, type ApiStack } from './api-stack.js';
import { startRestCallCounter, type RestCallCounter } from './rest-call-counter.js';

export interface CountedApiStack extends ApiStack {
  restCalls: RestCallCounter;
  storageRequests: RequestLog;
}

export async function startCountedApiStack(
  settings: Record<string, string>,
): Promise<CountedApiStack> {
  let restCalls: RestCallCounter | undefined;
  let storageRequests: RequestLog | undefined;
  const stack = await startApiStack(settings, {
    signalREndpoint: async (emulator) => {
      restCalls = await startRestCallCounter(parseConnectionString(emulator.connectionString));
      return restCalls.url;
    },
    storageConnectionString: async (azurite) => {
      storageRequests = await startRequestLog(azurite.port);
      return connectionStringFor(storageRequests.port);
    },
  });
  if (!restCalls || !storageRequests) throw new Error('The counters did not start.');
  const counters = { restCalls, storageRequests };
  return {
    ...stack,
    ...counters,
    close: async () => {
      await stack.close();
      await counters.storageRequests.close();
      counters.restCalls.close();
    },
  };
}
