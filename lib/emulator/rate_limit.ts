/**
 * Server-side rate limits of the emulator: one token bucket per key (action, region,
 * SecretId), holding `limitPerS` tokens and refilled at `limitPerS` per second, so at most
 * `limitPerS` requests pass in a burst and `limitPerS` per second after that.
 *
 * @module
 */

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Token buckets keyed by string, driven by an injected clock. */
export class RateLimiter {
  #buckets = new Map<string, Bucket>();
  #now: () => number;
  #scale: number;

  /** `now` in milliseconds; `scale` multiplies every limit (`Infinity` disables limits). */
  constructor(options: { now: () => number; scale?: number }) {
    this.#now = options.now;
    this.#scale = options.scale ?? 1;
    if (!(this.#scale > 0)) throw new RangeError(`rate scale must be above 0: got ${this.#scale}`);
  }

  /**
   * Takes one token for `key` at `limitPerS` (before scaling); false when over the limit.
   * `atMs` is when the request arrived (default: now).
   */
  tryAcquire(key: string, limitPerS: number, atMs?: number): boolean {
    const limit = limitPerS * this.#scale;
    if (!Number.isFinite(limit)) return true;
    const now = atMs ?? this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: limit, updatedMs: now };
      this.#buckets.set(key, bucket);
    }
    const elapsedMs = Math.max(0, now - bucket.updatedMs);
    bucket.tokens = Math.min(limit, bucket.tokens + (elapsedMs * limit) / 1000);
    bucket.updatedMs = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets every bucket. */
  clear(): void {
    this.#buckets.clear();
  }
}
