/**
 * The one place for tcflow's defaults: the retry policy, polling, the request timeout. The
 * parser, the engine, the clients and the typed library client all read them from here, so a
 * default cannot drift between two files (PRODUCT.md section 13: `retry: {delay: 2s}` keeps the
 * default attempts and cap).
 *
 * @module
 */
import type { RetryPolicy } from "./model.ts";

/**
 * The policy of a step with neither `retry:` nor `defaults.retry`, and the base a partial
 * `retry:` completes: 5 attempts, exponential backoff from 1 s doubling up to 20 s, full jitter.
 */
export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 5,
  delayMs: 1_000,
  maxDelayMs: 20_000,
  multiplier: 2,
  jitter: "full",
  on: [],
});

/** `poll:` of a step with `until` and no `poll` of its own: every 5 s, for at most 5 min. */
export const DEFAULT_POLL: Readonly<{ intervalMs: number; timeoutMs: number }> = Object.freeze({
  intervalMs: 5_000,
  timeoutMs: 300_000,
});

/** Per-request timeout when neither the step, `defaults.timeout` nor the caller gives one. */
export const DEFAULT_TIMEOUT_MS = 30_000;
