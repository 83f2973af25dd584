/**
 * The {@link ItemDispatcher} of a run's owner on PostgreSQL: publishes a `foreach` step's
 * items (`pg_items.ts`) for every worker to claim, then reads their outcomes in completion
 * order and hands them to the engine, which journals them. A run taken over after its owner
 * died publishes again: what was published stays (finished items are reported, never sent
 * again), and the new owner journals what the dead one had not.
 *
 * @module
 */
import type postgres from "postgres";
import type {
  DispatchHooks,
  EarlierItems,
  ItemDispatcher,
  RemoteItem,
  RemoteOutcome,
  RemoteStep,
} from "../engine/item_dispatch.ts";
import { decodeOutcome } from "./item_outcome.ts";
import {
  cancelPending,
  closeStep,
  doneExcept,
  type DoneRow,
  doneSince,
  publishItems,
  unfinishedItems,
} from "./pg_items.ts";

/** Options of {@link pgItemDispatcher}. */
export interface PgItemDispatcherOptions {
  sql: postgres.Sql;
  /** Waits between looks for outcomes (injected: tests and the worker use real timers). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Longest wait between two looks, ms. Default 200. */
  maxPollMs?: number;
}

/** Hands `foreach` items to every worker of the database. */
export function pgItemDispatcher(options: PgItemDispatcherOptions): ItemDispatcher {
  const { sql } = options;
  const maxPollMs = options.maxPollMs ?? 200;
  return {
    async run(
      step: RemoteStep,
      items: RemoteItem[],
      earlier: EarlierItems,
      hooks: DispatchHooks,
      signal?: AbortSignal,
    ): Promise<void> {
      const { runId, stepId } = step;
      await publishItems(sql, step, items, earlier);
      await hooks.published();
      const wanted = new Set(items.map((item) => item.index));
      const reported = new Set<number>();
      let stopped = false;
      let lastSeq = 0n;
      let pollMs = 10;
      // The outcomes of one look are handed over together: their journal appends are then
      // written in one transaction rather than one each.
      const report = async (rows: DoneRow[]) => {
        const fresh: DoneRow[] = [];
        for (const row of rows) {
          if (row.doneSeq > lastSeq) lastSeq = row.doneSeq;
          if (!wanted.has(row.index) || reported.has(row.index)) continue;
          reported.add(row.index);
          fresh.push(row);
        }
        const answers = await Promise.all(fresh.map((row) => {
          const outcome: RemoteOutcome = { ...decodeOutcome(row.outcome), index: row.index };
          return hooks.done(outcome);
        }));
        if (answers.includes("stop") && !stopped) {
          stopped = true;
          await cancelPending(sql, runId, stepId);
        }
      };
      for (;;) {
        signal?.throwIfAborted();
        const rows = await doneSince(sql, runId, stepId, lastSeq);
        await report(rows);
        if (rows.length > 0) {
          pollMs = 10;
          continue;
        }
        if ((await unfinishedItems(sql, runId, stepId)) === 0) {
          // Completions commit out of sequence order now and then: sweep what was passed.
          await report(await doneExcept(sql, runId, stepId, reported));
          break;
        }
        await options.sleep(pollMs, signal);
        pollMs = Math.min(maxPollMs, pollMs * 2);
      }
      await closeStep(sql, runId, stepId);
    },
  };
}
