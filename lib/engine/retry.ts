/**
 * Retry policy: the defaults and the backoff delay, as pure functions. The retry loop lives in
 * the executor; which errors are retried is `classifyError` in `lib/tencent/errors.ts`.
 *
 * @module
 */
import { DEFAULT_RETRY } from "../workflow/defaults.ts";
import type { RetryPolicy } from "../workflow/model.ts";

export { DEFAULT_RETRY } from "../workflow/defaults.ts";

/**
 * The effective policy of a step: its own `retry:` fields over `defaults.retry` over
 * {@link DEFAULT_RETRY}. The parser fills every field of a policy it builds, so the most
 * specific policy given wins as a whole; `on` codes are merged.
 */
export function effectiveRetry(
  stepRetry: RetryPolicy | undefined,
  defaultsRetry: RetryPolicy | undefined,
): RetryPolicy {
  const base = stepRetry ?? defaultsRetry ?? DEFAULT_RETRY;
  const on = [...new Set([...(defaultsRetry?.on ?? []), ...(stepRetry?.on ?? [])])];
  return { ...base, on };
}

/**
 * The delay before the next attempt, after attempt number `attempt` (1-based) failed:
 * `min(maxDelayMs, delayMs × multiplier^(attempt−1))`, then jittered —
 * `full`: uniform in [0, d); `equal`: d/2 + uniform in [0, d/2); `none`: d. Whole milliseconds.
 *
 * @param random a float in [0, 1) (from `Deps.random`)
 *
 * @example
 * ```ts
 * nextDelayMs({ ...DEFAULT_RETRY, jitter: "none" }, 3, Math.random); // 4000
 * ```
 */
export function nextDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = policy.delayMs * Math.pow(policy.multiplier, exponent);
  const capped = Math.max(0, Math.min(policy.maxDelayMs, Number.isFinite(raw) ? raw : Infinity));
  switch (policy.jitter) {
    case "none":
      return Math.round(capped);
    case "equal":
      return Math.floor(capped / 2 + random() * (capped / 2));
    case "full":
      return Math.floor(random() * capped);
  }
}
