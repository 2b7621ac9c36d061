// What negotiate does besides the token: the caller in the directory of people, the caller back
// in their rooms' SignalR groups (the service may have lost them: the emulator forgets groups
// when it restarts), and now and then a sweep of saves that stopped half way and the one-time
// migration of the seed's messages (Static Web Apps has no timer triggers, and negotiate runs for
// everyone who opens the chat). All best effort: storage trouble must never keep anyone from
// connecting.
import type { InvocationContext } from '@azure/functions';
import { restoreRoomGroups, type ConversationHub } from '../conversations/delivery.js';
import type { ClientPrincipal } from '../principal.js';
import type { ChatStorage } from '../storage/index.js';

/**
 * Negotiate waits at most this long for the directory write and the groups (which the client
 * needs before it connects to hear its rooms); they go on in the background after it.
 */
export const SIGN_IN_WAIT_MS = 1000;
/** At most one sweep per instance per this many milliseconds. */
export const SWEEP_INTERVAL_MS = 60_000;

const PROVIDER_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
let lastSweepStartedAt = Number.NEGATIVE_INFINITY;
let migrated = false;

export async function recordSignIn(
  openStorage: () => ChatStorage,
  hub: ConversationHub,
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
    if (!migrated) {
      storage.migrateLegacyMessages().then(
        ({ moved, ran }) => {
          migrated = true;
          if (ran) context.log(`Moved ${moved} private messages into direct conversations.`);
        },
        (error: unknown) => context.warn(`Migration of messages failed: ${describe(error)}`),
      );
    }
  }

  const groups = restoreRoomGroups(hub, storage, caller.userId).then(
    () => undefined,
    (error: unknown) => context.warn(`Room groups not restored: ${describe(error)}`),
  );

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
  await Promise.race([Promise.all([write, groups]), deadline]);
  clearTimeout(timer);
}

/** Error names and our own messages only: SDK messages may quote URLs. */
function describe(error: unknown): string {
  if (error instanceof Error && /^(ConfigError|Storage\w*Error|SignalRError)$/.test(error.name)) {
    return error.message;
  }
  return error instanceof Error ? error.name : 'unknown error';
}
