/**
 * The server's keep-alive: a ping once nothing was written for a whole interval, as ASP.NET
 * Core SignalR and the service do, so that a client hears something at least every interval
 * (the official client gives up after 30 s of silence, and pings come every 15 s).
 *
 * The timer checks the time of the last write when it fires and, when something went out
 * meanwhile, waits only for the rest of the interval after it. A write costs a timestamp, no
 * timer work: a broadcast to thousands of connections does not reschedule thousands of timers.
 */
export class KeepAlive {
  private timer: NodeJS.Timeout | undefined;
  private lastWriteAt = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly ping: () => void,
  ) {}

  /** Something was written to the client. */
  wrote(): void {
    this.lastWriteAt = performance.now();
  }

  start(): void {
    this.stop();
    this.schedule(this.intervalMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      const quietFor = performance.now() - this.lastWriteAt;
      // Timers may fire a fraction of a millisecond early: that still counts as a full interval.
      if (quietFor >= this.intervalMs - 1) {
        this.ping(); // a write: it restarts the quiet time
        this.schedule(this.intervalMs);
      } else {
        this.schedule(this.intervalMs - quietFor);
      }
    }, delayMs);
    this.timer.unref();
  }
}
