// A page's notifications, as the tests see them. A headless browser shows no notifications and
// its pages are always "visible", so an init script records each Notification the page creates
// (and each permission request) and lets the test hide the page.
import type { BrowserContext, Page } from '@playwright/test';

export interface ShownNotification {
  title: string;
  body?: string;
  tag?: string;
}

interface Recorder {
  record: { shown: ShownNotification[]; instances: Notification[]; requests: number };
  setHidden(hidden: boolean): void;
}

/** Call before the context's pages load: every page of it records from then on. */
export async function recordNotifications(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Real = window.Notification;
    const record = {
      shown: [] as { title: string; body?: string; tag?: string }[],
      instances: [] as Notification[],
      requests: 0,
      hidden: false,
    };
    class Recording extends Real {
      constructor(title: string, options?: NotificationOptions) {
        record.shown.push({ title, body: options?.body, tag: options?.tag });
        super(title, options);
        record.instances.push(this);
      }
      static override requestPermission(
        callback?: NotificationPermissionCallback,
      ): Promise<NotificationPermission> {
        record.requests += 1;
        return Real.requestPermission(callback);
      }
      static override get permission(): NotificationPermission {
        return Real.permission;
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recording, configurable: true });
    Object.defineProperty(Document.prototype, 'visibilityState', {
      configurable: true,
      get: () => (record.hidden ? 'hidden' : 'visible'),
    });
    Object.defineProperty(Document.prototype, 'hidden', {
      configurable: true,
      get: () => record.hidden,
    });
    (window as unknown as { chatTest: unknown }).chatTest = {
      record,
      setHidden(hidden: boolean) {
        record.hidden = hidden;
        document.dispatchEvent(new Event('visibilitychange'));
      },
    };
  });
}

/** The notifications the page has shown, oldest first. */
export const shownNotifications = (page: Page): Promise<ShownNotification[]> =>
  page.evaluate(() => (window as unknown as { chatTest: Recorder }).chatTest.record.shown);

/** How many times the page asked for permission. */
export const permissionRequests = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as { chatTest: Recorder }).chatTest.record.requests);

/** Hides or shows the page, as switching tabs would (a `visibilitychange` event included). */
export const setHidden = (page: Page, hidden: boolean): Promise<void> =>
  page.evaluate((value) => {
    (window as unknown as { chatTest: Recorder }).chatTest.setHidden(value);
  }, hidden);

/** Clicks the page's first notification, as a person would in the system's list. */
export const clickFirstNotification = (page: Page): Promise<void> =>
  page.evaluate(() => {
    (window as unknown as { chatTest: Recorder }).chatTest.record.instances[0]?.dispatchEvent(
      new Event('click'),
    );
  });
