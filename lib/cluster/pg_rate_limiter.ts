/**
 * Global rate limits (PRODUCT.md section 14): the bucket of each (service, action, region,
 * credential) is a row of `tcflow_rate_buckets` shared by every process on the database, so any
 * number of workers together stay within the documented rate.
 *
 * The bucket is GCRA's "theoretical arrival time" (`tat`), four key columns (the in-process key
 * joins its parts with `\u0000`, which PostgreSQL text rejects). One statement reserves a slot
 * and answers how long to wait, by the database clock only: the caller sleeps that long and
 * sends. Calls of one process that ask while its statement for the key is out are served by
 * the next statement together (n slots for one round trip). A burst tolerance of one interval
 * lets at most 2 calls go at once above the steady rate; scale is that of the in-process
 * limiter (`--rate-scale`); the headroom is 0.95 (the database clock is one clock for all
 * workers, so less margin is needed than for the 0.9 of separate processes).
 *
 * A slot is spendable for a short grace only. The database hands out slots one interval apart,
 * but a worker on a loaded host may wake long after its slot (its timer, or the answer to the
 * statement, waits for the event loop): the calls of several late slots would then go together
 * and overrun a server that counts per second. So a caller that wakes later than the grace
 * after its slot does not send: the late slot is wasted (it stays used in the bucket, so the
 * rate only goes down) and the caller asks for a new one. The grace is what the headroom leaves
 * below the documented rate: calls paced at `headroom × rate`, each sent at most
 * `(1/headroom − 1)` s after its slot, make at most `rate` calls (plus the burst of 2) in any
 * 1 s window (52.6 ms at the default 0.95, whatever the rate; at least one interval). The
 * slot's time on the local clock is counted from the moment the statement was sent (the
 * database's `now()` is later), so lateness is never underestimated; only durations of the
 * local clock are used, never its time of day.
 *
 * @module
 */
import type postgres from "postgres";
import type { Deps } from "../deps.ts";
import type { RateLimiter } from "../engine/rate_limiter.ts";

/** Options of {@link createPgRateLimiter}. */
export interface PgRateLimiterOptions {
  sql: postgres.Sql;
  /** Sleeping (the durations come from the database) and the local clock (durations only). */
  deps: Pick<Deps, "now" | "sleep">;
  /** Multiplies every rate (`--rate-scale`). Default 1. */
  scale?: number;
  /** Fraction of the documented rate used. Default 0.95. */
  headroom?: number;
  /** Calls allowed at once before pacing (1 or 2). Default 2. */
  burst?: number;
  /** Told the database time (ms since the epoch) at which each call may go (tests, proofs). */
  onSlot?(key: string, sendAtMs: number): void;
  /**
   * Told, for each slot, whether its caller spent it (sent) or wasted it (woke `lateMs` after
   * it, later than the grace) — proofs (`TCFLOW_RATE_TRACE`).
   */
  onSpend?(key: string, spend: SlotSpend): void;
}

/** What became of one slot (see {@link PgRateLimiterOptions.onSpend}). */
export interface SlotSpend {
  /** The slot, by the database clock (ms since the epoch). */
  slotMs: number;
  /** How late the caller woke (local clock, ms; ≤ 0 on time). */
  lateMs: number;
  /** False: the slot was wasted and the caller asked for another one. */
  spent: boolean;
}

/**
 * Where a granted slot falls on the local clock: `askedAtMs` (local) is when the statement was
 * sent, `dbNowMs` the database's `now()` of that statement and `sendAtMs` the slot (database
 * clock). The database's `now()` comes after the statement was sent, so the local slot is never
 * later than the true one (lateness is never underestimated).
 */
export function localSlotMs(askedAtMs: number, dbNowMs: number, sendAtMs: number): number {
  return askedAtMs + Math.max(0, sendAtMs - dbNowMs);
}

/**
 * How late (ms) a caller may send after its slot: what the headroom leaves below the
 * documented rate in any 1 s window, `(1/headroom − 1)` s, and at least one interval.
 */
export function slotGraceMs(intervalMs: number, headroom: number): number {
  return Math.max(intervalMs, 1000 * (1 / headroom - 1));
}

/**
 * Whether a slot due at `dueMs` (local clock) may still be spent at `nowMs`: up to (not
 * including) `graceMs` after it. A later caller does not send; the slot is wasted.
 */
export function slotSpendable(dueMs: number, nowMs: number, graceMs: number): boolean {
  return nowMs - dueMs < graceMs;
}

/**
 * A {@link RateLimiter} whose buckets live in PostgreSQL.
 *
 * @example
 * ```ts
 * import postgres from "postgres";
 * import { createPgRateLimiter } from "./pg_rate_limiter.ts";
 * import { rateKey } from "../engine/rate_limiter.ts";
 * import { systemDeps } from "../deps.ts";
 *
 * // Needs a database with tcflow's schema, so this is only type-checked here.
 * async function paced(url: string): Promise<void> {
 *   const sql = postgres(url);
 *   const limiter = createPgRateLimiter({ sql, deps: systemDeps(), scale: 10 });
 *   const key = rateKey({ service: "trocket", action: "DescribeTopicList", region: "ap-guangzhou", secretId: "AKID1" });
 *   await limiter.acquire(key, 20); // every runner of the database shares the 20/s
 *   await sql.end();
 * }
 * console.log(typeof paced); // "function"
 * ```
 */
export function createPgRateLimiter(options: PgRateLimiterOptions): RateLimiter {
  const { sql, deps } = options;
  const scale = options.scale ?? 1;
  const headroom = options.headroom ?? 0.95;
  const burst = Math.min(2, Math.max(1, Math.floor(options.burst ?? 2)));
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`rate scale must be > 0`);
  if (!(headroom > 0 && headroom <= 1)) throw new RangeError(`headroom must be in (0, 1]`);
  const effectiveRate = (ratePerS: number) => Math.max(ratePerS, 0.001) * scale * headroom;

  /** Calls waiting for a statement, per key and rate; a key has at most one in flight. */
  const queues = new Map<string, Waiter[]>();
  const inFlight = new Set<string>();

  /**
   * One statement reserves a slot for every call queued under the key: the GCRA row moves by
   * n intervals, and the calls go one interval apart from its old value (the same slots n
   * single statements would hand out, for one round trip and one row lock).
   */
  async function reserve(qkey: string, key: string, ratePerS: number): Promise<void> {
    inFlight.add(qkey);
    try {
      for (;;) {
        const waiters = (queues.get(qkey) ?? []).filter((w) => !w.signal?.aborted);
        queues.delete(qkey);
        if (waiters.length === 0) return;
        const [service = "", action = "", region = "", credential = ""] = key.split("\u0000");
        const intervalS = 1 / effectiveRate(ratePerS);
        const toleranceS = (burst - 1) * intervalS;
        const n = waiters.length;
        let rows: { base_ms: number; now_ms: number }[];
        const askedAtMs = deps.now();
        try {
          rows = await sql<{ base_ms: number; now_ms: number }[]>`
            INSERT INTO tcflow_rate_buckets AS b (service, action, region, credential, tat)
            VALUES (${service}, ${action}, ${region}, ${credential},
                    now() + make_interval(secs => ${n * intervalS}))
            ON CONFLICT (service, action, region, credential) DO UPDATE
              SET tat = greatest(b.tat, now()) + make_interval(secs => ${n * intervalS})
            RETURNING
              (extract(epoch FROM tat - make_interval(secs => ${n * intervalS})) * 1000)::float8
                AS base_ms,
              (extract(epoch FROM now()) * 1000)::float8 AS now_ms`;
        } catch (error) {
          for (const w of waiters) w.reject(error);
          continue;
        }
        const baseMs = Number(rows[0]?.base_ms);
        const nowMs = Number(rows[0]?.now_ms);
        waiters.forEach((w, j) => {
          // The call may go `tolerance` before its slot (2 at once after a pause).
          const sendAtMs = Math.max(nowMs, baseMs + (j * intervalS - toleranceS) * 1000);
          options.onSlot?.(key, sendAtMs);
          w.resolve({ sendAtMs, dueMs: localSlotMs(askedAtMs, nowMs, sendAtMs) });
        });
      }
    } finally {
      inFlight.delete(qkey);
    }
  }

  return {
    effectiveRate,
    async acquire(key, ratePerS, signal) {
      const qkey = `${key}\u0000${ratePerS}`;
      const graceMs = slotGraceMs(1000 / effectiveRate(ratePerS), headroom);
      for (;;) {
        signal?.throwIfAborted();
        const grant = await new Promise<Grant>((resolve, reject) => {
          const queue = queues.get(qkey) ?? [];
          // Aborted while queued: no slot is reserved for it (one already reserved is lost).
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
          queue.push({ resolve, reject, ...(signal !== undefined ? { signal } : {}) });
          queues.set(qkey, queue);
          if (!inFlight.has(qkey)) void reserve(qkey, key, ratePerS);
        });
        const waitMs = grant.dueMs - deps.now();
        if (waitMs >= 1) await deps.sleep(waitMs, signal);
        signal?.throwIfAborted();
        // Woke later than the grace after the slot: sending now would add to the calls of the
        // slots due now beyond what the headroom leaves. The slot is wasted; ask for a new one.
        const nowMs = deps.now();
        const spent = slotSpendable(grant.dueMs, nowMs, graceMs);
        options.onSpend?.(key, { slotMs: grant.sendAtMs, lateMs: nowMs - grant.dueMs, spent });
        if (spent) return;
      }
    },
  };
}

/** A slot handed to a caller: by the database clock, and on the local clock. */
interface Grant {
  sendAtMs: number;
  dueMs: number;
}

interface Waiter {
  resolve(grant: Grant): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
}
