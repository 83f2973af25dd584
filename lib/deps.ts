/**
 * The outside world, passed in: time, randomness, network, sleeping.
 * Everything that is not pure takes a `Deps`, so tests control it without patching globals.
 *
 * @module
 */

/** A `fetch`-shaped function; the emulator handler is one. */
export type FetchFn = (input: Request) => Promise<Response>;

/** The effects the runtime uses. */
export interface Deps {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A float in [0, 1). */
  random(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  fetch: FetchFn;
}

/** Real dependencies: the system clock, `Math.random`, `setTimeout` and global `fetch`. */
export function systemDeps(): Deps {
  return {
    now: () => Date.now(),
    random: () => Math.random(),
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
    fetch: (request) => fetch(request),
  };
}
