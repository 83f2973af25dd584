/**
 * The outside world, passed in: time, randomness, network, sleeping.
 * Everything that is not pure takes a `Deps`, so tests control it without patching globals.
 *
 * @module
 */

/** A `fetch`-shaped function; the emulator handler is one. */
export type FetchFn = (input: Request) => Promise<Response>;

/**
 * The effects the runtime uses.
 *
 * @example
 * ```ts
 * import { type Deps, systemDeps } from "./deps.ts";
 * // A fixed clock and no randomness, e.g. for reproducible tests:
 * const deps: Deps = { ...systemDeps(), now: () => Date.UTC(2026, 0, 1), random: () => 0.5 };
 * console.log(new Date(deps.now()).toISOString()); // "2026-01-01T00:00:00.000Z"
 * ```
 */
export interface Deps {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A float in [0, 1). */
  random(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Sends an HTTP request (the emulator's `handle` in tests). */
  fetch: FetchFn;
  /**
   * Opens a file of the state dir for writing (`Deno.open` when absent): a test gives one
   * that fails like a full disk does.
   */
  openFile?: (path: string, options: Deno.OpenOptions) => Promise<Deno.FsFile>;
}

/**
 * The global `fetch`, as one function: code that must know whether a `Deps` talks to the real
 * network (e.g. to send non-idempotent calls exactly once with its own HTTP client) compares
 * `deps.fetch === systemFetch`; a test that injects a handler as `fetch` is then left alone.
 */
export const systemFetch: FetchFn = (request) => fetch(request);

/**
 * Real dependencies: the system clock, `Math.random`, `setTimeout` and global `fetch`.
 *
 * @example
 * ```ts
 * import { systemDeps } from "./deps.ts";
 * const deps = systemDeps();
 * await deps.sleep(1);
 * console.log(deps.now() > 0); // true
 * ```
 */
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
    fetch: systemFetch,
  };
}
