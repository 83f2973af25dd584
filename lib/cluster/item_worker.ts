/**
 * The item side of `tcflow worker`: claims `foreach` items of any run (`pg_items.ts`), sends
 * each with the engine's call (rate limit, retries, `ClientToken`) and records its outcome
 * under the item's claim epoch. The run's owner journals it.
 *
 * - An item whose earlier sender died while it was in flight is re-sent only when that is
 *   safe (a read, or the same `ClientToken`); otherwise it is recorded `uncertain`, unsent.
 * - Right before a mutating request the worker asks the database whether it still holds the
 *   item; if not, nothing is sent or recorded and it says `lost its lease`.
 * - Credentials in an answer are stored as `***` (the database never holds a secret).
 *
 * @module
 */
import type postgres from "postgres";
import { findActionAnyCloud } from "../catalog/clouds.ts";
import type { Deps } from "../deps.ts";
import { type CallTarget, callWithRetry } from "../engine/call.ts";
import type { RemoteOutcome } from "../engine/item_dispatch.ts";
import type { RateLimiter } from "../engine/rate_limiter.ts";
import type { RunEvent } from "../journal/events.ts";
import type { CallPort } from "../protocol/provider.ts";
import { credentialsIn, SecretSet } from "../secrets.ts";
import { encodeOutcome } from "./item_outcome.ts";
import {
  type ClaimedItem,
  claimItems,
  completeItems,
  itemLeaseLeftS,
  releaseItem,
  renewItems,
} from "./pg_items.ts";

/** Options of {@link ItemWorker}. */
export interface ItemWorkerOptions {
  sql: postgres.Sql;
  /**
   * Where heartbeats renew the item leases: a connection of their own, never queued behind the
   * pool's statements (`PgJournalStore.heartbeatSql`). Default `sql`.
   */
  heartbeatSql?: postgres.Sql;
  /** The worker's name, written as the owner of what it claims. */
  owner: string;
  leaseS: number;
  /** Items in flight at once. */
  slots: number;
  deps: Deps;
  /** The client of the cloud a service belongs to. */
  clientFor(service: string): Promise<CallPort>;
  rateLimiter: RateLimiter;
  /** One line to stderr. */
  log(text: string): void;
}

/** Why an item's sending stopped without an outcome. */
class ItemStopped extends Error {
  constructor(readonly why: "lease" | "release") {
    super(why === "lease" ? "lost its lease" : "released");
    this.name = "ItemStopped";
  }
}

interface Held {
  item: ClaimedItem;
  controller: AbortController;
  sent: boolean;
}

/** Claims and sends `foreach` items of any run. */
export class ItemWorker {
  readonly #o: ItemWorkerOptions;
  readonly #held = new Map<string, Held>();
  readonly #running = new Set<Promise<void>>();
  readonly #heartbeat: ReturnType<typeof setInterval>;

  constructor(options: ItemWorkerOptions) {
    this.#o = options;
    this.#heartbeat = setInterval(() => {
      if (this.#held.size > 0) {
        renewItems(options.heartbeatSql ?? options.sql, options.owner, options.leaseS).catch(() => {
          // The database is away for now: the lease protects the items; next beat retries.
        });
      }
    }, (options.leaseS * 1000) / 3);
  }

  /** Outcomes waiting for the completion statement under way. */
  #toComplete: { item: ClaimedItem; outcome: string; done(recorded: boolean | Error): void }[] = [];
  #completing = false;

  /**
   * Records an item's outcome; false when fenced. Outcomes that finish while a completion
   * statement is out go together in the next one (one statement for many items).
   */
  #complete(item: ClaimedItem, outcome: string): Promise<boolean> {
    const recorded = new Promise<boolean>((resolve, reject) => {
      this.#toComplete.push({
        item,
        outcome,
        done: (r) => r instanceof Error ? reject(r) : resolve(r),
      });
    });
    if (!this.#completing) void this.#flushCompletions();
    return recorded;
  }

  async #flushCompletions(): Promise<void> {
    this.#completing = true;
    try {
      while (this.#toComplete.length > 0) {
        const batch = this.#toComplete.splice(0);
        try {
          const recorded = await completeItems(this.#o.sql, batch);
          batch.forEach((b, i) => b.done(recorded[i] ?? false));
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          for (const b of batch) b.done(failure);
        }
      }
    } finally {
      this.#completing = false;
    }
  }

  /** Items in flight. */
  get busy(): number {
    return this.#held.size;
  }

  /** Resolves when one item in flight finishes (at once when none is). */
  oneDone(): Promise<void> {
    return this.#running.size === 0 ? Promise.resolve() : Promise.race(this.#running);
  }

  /** Claims what fits and starts sending it; returns how many were claimed. */
  async claim(): Promise<number> {
    const { sql, owner, leaseS, slots, log } = this.#o;
    const items = await claimItems(sql, owner, leaseS, slots - this.#held.size);
    if (items.length === 0) return 0;
    const { runId, stepId } = items[0]!;
    const fresh = items.filter((item) => item.was === "pending").map((item) => item.index);
    if (fresh.length > 0) {
      log(`claimed ${plural(fresh.length, "item")} ${ranges(fresh)} of run ${runId} (${stepId})`);
    }
    for (const item of items) {
      if (item.was === "running") {
        log(
          `reclaimed item ${item.index} of run ${runId} (${stepId}) from ` +
            (item.previousOwner ?? "a dead worker"),
        );
      }
    }
    const batch = items.map((item) => this.#start(item));
    const all = Promise.all(batch).then((statuses) => {
      const done = statuses.filter((s) => s !== undefined);
      if (done.length === 0) return;
      const counts = new Map<string, number>();
      for (const s of done) counts.set(s, (counts.get(s) ?? 0) + 1);
      const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(", ");
      log(
        `finished ${plural(done.length, "item")} ${ranges(items.map((i) => i.index))} of run ` +
          `${runId} (${stepId}): ${summary}`,
      );
    });
    this.#track(all);
    return items.length;
  }

  /** Waits for every item in flight. */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  /**
   * Stops at once: items never sent go back to the queue, items sent are left in flight with
   * their lease run out, for the next claimer to judge.
   */
  async releaseAll(): Promise<void> {
    for (const held of this.#held.values()) held.controller.abort(new ItemStopped("release"));
    await this.drain();
  }

  /** Stops the heartbeat (after {@link drain} or {@link releaseAll}). */
  close(): void {
    clearInterval(this.#heartbeat);
  }

  #track(promise: Promise<unknown>): void {
    const tracked: Promise<void> = promise.then(() => {}, () => {}).finally(() =>
      this.#running.delete(tracked)
    );
    this.#running.add(tracked);
  }

  #start(item: ClaimedItem): Promise<RemoteOutcome["status"] | undefined> {
    const key = `${item.runId}\u0000${item.stepId}\u0000${item.index}`;
    const held: Held = { item, controller: new AbortController(), sent: false };
    this.#held.set(key, held);
    const job = this.#send(held).finally(() => this.#held.delete(key));
    this.#track(job);
    return job;
  }

  /** Sends one item and records its outcome; its status, or undefined when it stopped. */
  async #send(held: Held): Promise<RemoteOutcome["status"] | undefined> {
    const { item } = held;
    const { sql, log } = this.#o;
    const where = `item ${item.index} of run ${item.runId} (${item.stepId})`;
    let outcome: Omit<RemoteOutcome, "index">;
    try {
      outcome = await this.#outcome(held);
    } catch (error) {
      const stop = held.controller.signal.aborted ? held.controller.signal.reason : error;
      if (stop instanceof ItemStopped && stop.why === "release") {
        await releaseItem(sql, item, held.sent).catch(() => {});
        log(`released ${where}${held.sent ? " (in flight)" : ""}`);
        return undefined;
      }
      if (stop instanceof ItemStopped) {
        log(`lost its lease on ${where}; sent nothing more, recorded nothing`);
        return undefined;
      }
      throw error;
    }
    if (!(await this.#complete(item, encodeOutcome(outcome)))) {
      log(`lost its lease on ${where}; recorded nothing (another worker continues it)`);
      return undefined;
    }
    return outcome.status;
  }

  async #outcome(held: Held): Promise<Omit<RemoteOutcome, "index">> {
    const { item } = held;
    const { call } = item;
    if (item.was === "running" && call.unsafe !== undefined) {
      return {
        status: "uncertain",
        attempts: 0,
        outputs: null,
        requests: [],
        events: [],
        error: {
          code: "E_INTERRUPTED",
          message: `the worker sending this item (${item.previousOwner ?? "unknown"}) stopped ` +
            `while it was in flight, so it may have been applied; ${call.unsafe}, so it is not ` +
            "sent again. Check whether it was applied, then resume with --retry-uncertain to " +
            "send it again",
        },
      };
    }
    const spec = findActionAnyCloud(call.target.service, call.target.action, call.target.version);
    const target: CallTarget = { ...call.target, spec };
    const inner = await this.#o.clientFor(target.service);
    const { sql } = this.#o;
    const signal = held.controller.signal;
    const client: CallPort = {
      secretId: inner.secretId,
      async call(service, action, version, region, params, opts) {
        const mutating = opts?.idempotent === false || opts?.clientToken !== undefined;
        // Right before the request goes out (signed, its rate-limit slot taken).
        const beforeSend = async () => {
          await opts?.beforeSend?.();
          // A mutating request: is the item still ours (database clock)?
          if (mutating && (await itemLeaseLeftS(sql, item)) <= 0) {
            const lost = new ItemStopped("lease");
            held.controller.abort(lost);
            throw lost;
          }
          signal.throwIfAborted();
          held.sent = true;
        };
        return await inner.call(service, action, version, region, params, { ...opts, beforeSend });
      },
    };
    const events: RunEvent[] = [];
    const params = call.params;
    const result = await callWithRetry(
      {
        deps: this.#o.deps,
        client,
        rateLimiter: this.#o.rateLimiter,
        emit: (event) => {
          events.push(event);
          return Promise.resolve();
        },
        signal,
      },
      target,
      params,
      {
        stepId: item.stepId,
        index: item.index,
        policy: call.policy,
        timeoutMs: call.timeoutMs,
        clientToken: call.clientToken,
      },
    );
    const requests = [
      call.clientToken === undefined ? params : { ...params, ClientToken: call.clientToken },
    ];
    if (!result.ok) {
      return {
        status: result.uncertain ? "uncertain" : "failed",
        attempts: result.attempts,
        outputs: null,
        error: result.error,
        requests,
        events,
      };
    }
    const credentials = credentialsIn(result.response, spec);
    const outputs = credentials.length > 0
      ? new SecretSet(credentials).redact(result.response)
      : result.response;
    return {
      status: "succeeded",
      attempts: result.attempts,
      outputs,
      ...(result.requestId !== "" ? { requestId: result.requestId } : {}),
      requests,
      events,
      ...(credentials.length > 0 ? { redacted: true } : {}),
    };
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `0-3, 7, 9-10`. */
export function ranges(indexes: readonly number[]): string {
  const sorted = [...indexes].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}
