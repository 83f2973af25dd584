/**
 * A virtual clock for tests and simulations: `now()` and `sleep()` of {@link Deps} where time
 * only moves when every sleeper is waiting, jumping straight to the earliest timer. A retry
 * backoff of 20 s then takes no real time, and the order of timers is kept.
 *
 * Time advances one timer per macrotask turn (after `tickDelayMs` of real time), so work that
 * is pending on the event loop (crypto, in-process fetches) usually gets to register its own
 * timers first.
 *
 * @module
 */
import type { Deps } from "../deps.ts";

/** A clock whose time is advanced by its sleepers. */
export interface VirtualClock extends Pick<Deps, "now" | "sleep"> {
  /** Moves time forward by `ms` (firing due timers). */
  advance(ms: number): void;
  /** Timers not yet fired. */
  pending(): number;
  /**
   * Stops time while real work is under way (e.g. an in-process server handling a request),
   * so that no timer (such as a request timeout) fires in the middle of it. Calls nest; each
   * `hold()` needs one `release()`.
   */
  hold(): void;
  release(): void;
}

interface Timer {
  atMs: number;
  seq: number;
  resolve(): void;
}

/**
 * Creates a virtual clock starting at `startMs`.
 *
 * @example
 * ```ts
 * const clock = createVirtualClock({ startMs: 0 });
 * await clock.sleep(20_000); // returns at once
 * clock.now(); // 20000
 * ```
 */
export function createVirtualClock(
  options: {
    startMs?: number;
    /** Real delay between checks of whether time may advance (ms). Default 0. */
    tickDelayMs?: number;
    /**
     * Checks in a row that must see no use of the clock (no `now`, `sleep`, `hold`, `release`)
     * before time advances: lets real asynchronous work (crypto, I/O) finish first. Default 0.
     */
    settleTicks?: number;
  } = {},
): VirtualClock {
  let nowMs = options.startMs ?? 0;
  const tickDelayMs = options.tickDelayMs ?? 0;
  const settleTicks = options.settleTicks ?? 0;
  let activity = 0;
  let seenActivity = -1;
  let quiet = 0;
  const timers: Timer[] = [];
  let seq = 0;
  let scheduled = false;
  let holds = 0;

  const fireDue = () => {
    timers.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
    while (timers.length > 0 && timers[0]!.atMs <= nowMs) timers.shift()!.resolve();
  };
  const tick = () => {
    scheduled = false;
    if (holds > 0) return; // release() schedules the next tick
    if (activity !== seenActivity) {
      seenActivity = activity;
      quiet = 0;
    }
    if (quiet < settleTicks) {
      quiet++;
      schedule();
      return;
    }
    quiet = 0;
    timers.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
    const first = timers.shift();
    if (first === undefined) return;
    nowMs = Math.max(nowMs, first.atMs);
    first.resolve();
    fireDue();
    schedule();
  };
  const schedule = () => {
    if (scheduled || timers.length === 0) return;
    scheduled = true;
    setTimeout(tick, tickDelayMs);
  };

  return {
    now: () => {
      activity++;
      return nowMs;
    },
    sleep(ms, signal) {
      activity++;
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer: Timer = {
          atMs: nowMs + Math.max(0, ms),
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const index = timers.indexOf(timer);
          if (index >= 0) timers.splice(index, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        timers.push(timer);
        schedule();
      });
    },
    advance(ms) {
      nowMs += ms;
      fireDue();
    },
    pending: () => timers.length,
    hold() {
      activity++;
      holds++;
    },
    release() {
      activity++;
      holds = Math.max(0, holds - 1);
      if (holds === 0) schedule();
    },
  };
}
