// What negotiate writes besides the token: the caller in the directory of people, and now and
// then a sweep of saves that stopped half way (Static Web Apps has no timer triggers, and
// negotiate runs for everyone who opens the chat). Both are best effort: storage trouble must
// never keep anyone from connecting.
import type { InvocationContext } from '@azure/functions';
import type { ClientPrincipal } from '../principal.js';
import type { ChatStorage } from '../storage/index.js';

/** Negotiate waits at most this long for the directory write; it goes on in the background. */
export const SIGN_IN_WAIT_MS = 1000;
/** At most one sweep per instance per this many milliseconds. */
export const SWEEP_INTERVAL_MS = 60_000;

const PROVIDER_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
let lastSweepStartedAt = Number.NEGATIVE_INFINITY;

export async function recordSignIn(
  openStorage: () => ChatStorage,
  caller: ClientPrincipal,
  context: InvocationContext,
  now: Date = new Date(),
): Promise<void> {
  let storage: ChatStorage;
  try {
    storage = openStorage();
  } catch (error) {
    context.warn(`People directory not updated: ${describe(error)}`);
    return;
  }

  if (now.getTime() - lastSweepStartedAt >= SWEEP_INTERVAL_MS) {
    lastSweepStartedAt = now.getTime();
    storage.completeUnfinishedSaves().then(
      ({ completed }) => {
        if (completed > 0) context.log(`Completed ${completed} unfinished message saves.`);
      },
      (error: unknown) => context.warn(`Sweep of unfinished saves failed: ${describe(error)}`),
    );
  }

  const write = storage
    .upsertPerson({
      id: caller.userId,
      name: caller.userDetails,
      provider: PROVIDER_PATTERN.test(caller.identityProvider)
        ? caller.identityProvider
        : 'unknown',
      lastSeen: now,
    })
    .then(
      () => undefined,
      (error: unknown) => context.warn(`People directory not updated: ${describe(error)}`),
    );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SIGN_IN_WAIT_MS);
  });
  await Promise.race([write, deadline]);
  clearTimeout(timer);
}

/** Error names and our own messages only: SDK messages may quote URLs. */
function describe(error: unknown): string {
  if (error instanceof Error && /^(ConfigError|Storage\w*Error)$/.test(error.name)) {
    return error.message;
  }
  return error instanceof Error ? error.name : 'unknown error';
}
