/**
 * Browser notifications behind a small interface, so the app decides when to notify and tests
 * can watch it without a real Notification API (jsdom has none).
 */
export type NotificationState = NotificationPermission | 'unsupported';

export interface Notifier {
  permission(): NotificationState;
  /** Asks the person; call only from a click (browsers ignore or penalise other requests). */
  requestPermission(): Promise<NotificationState>;
  /** Shows one notification; `tag` replaces an older one with the same tag. */
  show(title: string, options: { body: string; tag: string }, onClick: () => void): void;
}

export const unsupportedNotifier: Notifier = {
  permission: () => 'unsupported',
  requestPermission: () => Promise.resolve('unsupported'),
  show: () => undefined,
};

/** The real Notification API of this window, or an unsupported one where it does not exist. */
export function browserNotifier(scope: typeof globalThis = globalThis): Notifier {
  const Api = (scope as { Notification?: typeof Notification }).Notification;
  if (typeof Api !== 'function') return unsupportedNotifier;
  return {
    permission: () => Api.permission,
    requestPermission: () => Api.requestPermission(),
    show: (title, options, onClick) => {
      try {
        const notification = new Api(title, options);
        notification.addEventListener('click', () => {
          onClick();
          notification.close();
        });
      } catch (error) {
        // Some browsers (Chrome on Android) allow notifications only from a service worker.
        console.warn('Could not show a notification.', error);
      }
    },
  };
}

/** How much of a message a notification shows. */
export const NOTIFICATION_BODY_LENGTH = 100;

/** The start of the text for a notification's body, with an ellipsis when cut. */
export function notificationBody(text: string, length = NOTIFICATION_BODY_LENGTH): string {
  const points = Array.from(text);
  return points.length <= length ? text : `${points.slice(0, length).join('')}…`;
}
