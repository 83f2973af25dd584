/**
 * Client-side rate limiting (PRODUCT.md section 5): one bucket per (service, action, region,
 * credential) at the catalog's rate, shared by every concurrent call of the process, so a
 * `foreach` of 1,000 calls runs near the limit without throttling errors.
 *
 * The bucket is kept as its next free slot (the "virtual scheduling" form of a token bucket):
 * each `acquire` reserves a slot synchronously, so concurrent callers queue fairly in call
 * order, then sleeps until the slot. Time and sleeping come from `Deps`.
 *
 * @module
 */
import type { Deps } from "../deps.ts";

/** The key of a bucket. */
export interface RateKeyParts {
  service: string;
  action: string;
  region: string;
  /** The credential's SecretId (never the key). */
  secretId: string;
}

/** `Deps.now` counts whole milliseconds. */
const CLOCK_RESOLUTION_MS = 1;

/** The bucket key of a call. */
export function rateKey(parts: RateKeyParts): string {
  return `${parts.service}\u0000${parts.action}\u0000${parts.region}\u0000${parts.secretId}`;
}

/**
 * Options of {@link createRateLimiter}.
 *
 * @example
 * ```ts
 * import { createRateLimiter, type RateLimiterOptions } from "./rate_limiter.ts";
 * import { systemDeps } from "../deps.ts";
 * const options: RateLimiterOptions = { deps: systemDeps(), scale: 10 }; // an emulator run with --rate-scale 10
 * console.log(createRateLimiter(options).effectiveRate(20)); // 180 (20/s × 10 × 0.9 headroom)
 * ```
 */
export interface RateLimiterOptions {
  /** The clock and sleeping. */
  deps: Pick<Deps, "now" | "sleep">;
  /** Multiplies every rate (`--rate-scale`, for an emulator run with the same scale). Default 1. */
  scale?: number;
  /**
   * Fraction of the documented rate actually used, to leave room for network jitter against a
   * server that counts requests in a sliding window. Default 0.9.
   */
  headroom?: number;
  /** Calls allowed at once before pacing starts (bucket capacity). Default 1. */
  burst?: number;
}

/**
 * A process-wide rate limiter.
 *
 * @example
 * ```ts
 * import { createRateLimiter, type RateLimiter, rateKey } from "./rate_limiter.ts";
 * import { systemDeps } from "../deps.ts";
 * const limiter: RateLimiter = createRateLimiter({ deps: systemDeps() });
 * const key = rateKey({ service: "trocket", action: "CreateTopic", region: "ap-guangzhou", secretId: "AKID…" });
 * for (let i = 0; i < 3; i++) await limiter.acquire(key, 20); // paced at 18/s
 * ```
 */
export interface RateLimiter {
  /**
   * Waits until a call under `key` may be sent at `ratePerS` calls per second.
   * Rejects with the signal's reason when aborted (the reserved slot is then given back if it
   * was the last one).
   */
  acquire(key: string, ratePerS: number, signal?: AbortSignal): Promise<void>;
  /** The effective rate (per second) used for a documented rate. */
  effectiveRate(ratePerS: number): number;
}

/**
 * A rate limiter whose buckets are created on first use.
 *
 * @example
 * ```ts
 * import { systemDeps } from "../deps.ts";
 * const limiter = createRateLimiter({ deps: systemDeps() });
 * await limiter.acquire(rateKey({ service: "trocket", action: "CreateTopic",
 *   region: "ap-guangzhou", secretId: "AKID…" }), 20);
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { deps } = options;
  const scale = options.scale ?? 1;
  const headroom = options.headroom ?? 0.9;
  const burst = Math.max(1, Math.floor(options.burst ?? 1));
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`rate scale must be > 0`);
  if (!(headroom > 0 && headroom <= 1)) throw new RangeError(`headroom must be in (0, 1]`);
  /** Per key: the time (ms) at which the bucket is full again, i.e. the theoretical arrival time. */
  const tat = new Map<string, number>();

  const effectiveRate = (ratePerS: number) => Math.max(ratePerS, 0.001) * scale * headroom;

  return {
    effectiveRate,
    async acquire(key, ratePerS, signal) {
      signal?.throwIfAborted();
      const intervalMs = 1000 / effectiveRate(ratePerS);
      const now = deps.now();
      const previous = tat.get(key) ?? now;
      const theoretical = Math.max(previous, now);
      // With a capacity of `burst`, a call may go as soon as tat - now <= (burst-1) intervals.
      const startMs = Math.max(now, theoretical - (burst - 1) * intervalMs);
      const next = theoretical + intervalMs;
      tat.set(key, next);
      const waitMs = startMs - now;
      // Below the clock's 1 ms resolution a wait is noise (and a timer turn of the event loop).
      if (waitMs < CLOCK_RESOLUTION_MS) return;
      try {
        await deps.sleep(waitMs, signal);
      } catch (error) {
        if (tat.get(key) === next) tat.set(key, next - intervalMs);
        throw error;
      }
    },
  };
}
