/**
 * The items of `foreach` steps in PostgreSQL, shared by every worker (PRODUCT.md section 14).
 *
 * The run's owner publishes a step's items (`tcflow_item_steps` + one `tcflow_items` row per
 * item, its request fully resolved); any worker claims some with `FOR UPDATE SKIP LOCKED`
 * (never more in flight than the step's `concurrency`, counted over all workers: the claim
 * locks the step's row, and a second claimer waits the milliseconds of the first one's claim
 * rather than skipping the step), under a lease renewed by heartbeats; a claim raises the item's epoch
 * and every completion checks it, so a worker that lost its lease records nothing. An item
 * whose lease ran out while `running` was in flight when its worker died: the next claimer
 * sees it (`was: "running"`) and re-sends it only when that is safe. The owner reads the
 * outcomes in completion order (`done_seq`) and journals them.
 *
 * Text columns hold JSON text written by `lib/json.ts` (integers exact), never `jsonb`.
 *
 * @module
 */
import type postgres from "postgres";
import type { EarlierItems, RemoteItem, RemoteStep } from "../engine/item_dispatch.ts";
import { parseJson, stringifyJson } from "../json.ts";

/** What a sender needs of an item (the `call` column). */
export interface ItemCall {
  target: RemoteItem["target"];
  params: Record<string, unknown>;
  clientToken?: string;
  policy: RemoteStep["policy"];
  timeoutMs?: number;
  unsafe?: string;
}

/** An item claimed by a worker. */
export interface ClaimedItem {
  runId: string;
  stepId: string;
  index: number;
  epoch: string;
  call: ItemCall;
  /** `running`: its earlier sender's lease ran out while it was in flight (a reclaim). */
  was: "pending" | "running";
  /** Who held it before (a reclaim). */
  previousOwner?: string;
}

/** The owner of rows that a run's own process was sending when it stopped (never renewed). */
const EARLIER_SESSION = "an earlier session of the run";

/** Rows per INSERT (PostgreSQL takes at most 65,535 parameters in one statement). */
const CHUNK = 2000;

/**
 * Publishes a step's items. Rows of an earlier session are kept as they are, except the
 * `again` ones (sent again); an `inFlight` one that no session published is recorded as in
 * flight at a death.
 */
export async function publishItems(
  sql: postgres.Sql,
  step: RemoteStep,
  items: readonly RemoteItem[],
  earlier: EarlierItems,
): Promise<void> {
  const { runId, stepId } = step;
  await sql.begin(async (tx) => {
    await tx`INSERT INTO tcflow_item_steps (run_id, step_id, concurrency)
      VALUES (${runId}, ${stepId}, ${step.concurrency})
      ON CONFLICT (run_id, step_id) DO UPDATE SET open = true, concurrency = EXCLUDED.concurrency`;
    if (earlier.again.size > 0) {
      await tx`DELETE FROM tcflow_items WHERE run_id = ${runId} AND step_id = ${stepId}
        AND idx = ANY(${[...earlier.again]}::int[])`;
    }
    for (let start = 0; start < items.length; start += CHUNK) {
      const rows = items.slice(start, start + CHUNK).map((item) => {
        const inFlight = earlier.inFlight.has(item.index) && !earlier.again.has(item.index);
        return {
          run_id: runId,
          step_id: stepId,
          idx: item.index,
          call: encodeCall(step, item),
          status: inFlight ? "running" : "pending",
          owner: inFlight ? EARLIER_SESSION : null,
          lease_until: inFlight ? new Date(0) : null,
        };
      });
      await tx`INSERT INTO tcflow_items
        ${tx(rows, "run_id", "step_id", "idx", "call", "status", "owner", "lease_until")}
        ON CONFLICT (run_id, step_id, idx) DO NOTHING`;
    }
  });
}

/** A finished item as stored (its `outcome` column, JSON text). */
export interface DoneRow {
  index: number;
  outcome: string;
  doneSeq: bigint;
}

/** Items of a step finished after `afterSeq`, in completion order (at most `limit`). */
export async function doneSince(
  sql: postgres.Sql,
  runId: string,
  stepId: string,
  afterSeq: bigint,
  limit = 1000,
): Promise<DoneRow[]> {
  const rows = await sql<{ idx: number; outcome: string; done_seq: string }[]>`
    SELECT idx, outcome, done_seq::text FROM tcflow_items
    WHERE run_id = ${runId} AND step_id = ${stepId} AND done_seq > ${afterSeq.toString()}::bigint
    ORDER BY done_seq LIMIT ${limit}`;
  return rows.map((r) => ({ index: r.idx, outcome: r.outcome, doneSeq: BigInt(r.done_seq) }));
}

/** Every finished item of a step whose index is not in `known` (the final sweep). */
export async function doneExcept(
  sql: postgres.Sql,
  runId: string,
  stepId: string,
  known: ReadonlySet<number>,
): Promise<DoneRow[]> {
  const rows = await sql<{ idx: number; outcome: string; done_seq: string }[]>`
    SELECT idx, outcome, done_seq::text FROM tcflow_items
    WHERE run_id = ${runId} AND step_id = ${stepId} AND status = 'done'
      AND NOT (idx = ANY(${[...known]}::int[]))
    ORDER BY done_seq`;
  return rows.map((r) => ({ index: r.idx, outcome: r.outcome, doneSeq: BigInt(r.done_seq) }));
}

/** Items of a step not finished yet (pending or in flight). */
export async function unfinishedItems(
  sql: postgres.Sql,
  runId: string,
  stepId: string,
): Promise<number> {
  const rows = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM tcflow_items
    WHERE run_id = ${runId} AND step_id = ${stepId} AND status IN ('pending', 'running')`;
  return rows[0]?.n ?? 0;
}

/** After a failure: items of the step not started yet are never started. */
export async function cancelPending(sql: postgres.Sql, runId: string, stepId: string) {
  await sql`UPDATE tcflow_items SET status = 'cancelled'
    WHERE run_id = ${runId} AND step_id = ${stepId} AND status = 'pending'`;
}

/** The step is over: no worker looks at it again. */
export async function closeStep(sql: postgres.Sql, runId: string, stepId: string) {
  await sql`UPDATE tcflow_item_steps SET open = false
    WHERE run_id = ${runId} AND step_id = ${stepId}`;
}

/**
 * Claims up to `max` items of the oldest open step that has some (pending, or in flight with
 * a lease run out), within the step's `concurrency` over all workers.
 */
export async function claimItems(
  sql: postgres.Sql,
  owner: string,
  leaseS: number,
  max: number,
): Promise<ClaimedItem[]> {
  if (max < 1) return [];
  // The lease runs from clock_timestamp(), not now(): now() is when the transaction began, and a
  // claim may wait long for the step row (a claimer stopped inside its claim holds it): a lease
  // from now() was then born run out, the claimer lost its items at once, and the next claimer
  // made them uncertain unsent. (The comparisons keep now(): an older clock reclaims less.)
  return await sql.begin(async (tx) => {
    const steps = await tx<{ run_id: string; step_id: string; concurrency: number }[]>`
      SELECT s.run_id, s.step_id, s.concurrency FROM tcflow_item_steps s
      WHERE s.open AND EXISTS (
        SELECT 1 FROM tcflow_items i
        WHERE i.run_id = s.run_id AND i.step_id = s.step_id
          AND (i.status = 'pending' OR (i.status = 'running' AND i.lease_until < now())))
      ORDER BY s.created_at, s.run_id, s.step_id
      LIMIT 1
      FOR UPDATE`;
    const step = steps[0];
    if (step === undefined) return [];
    // Room under the step's concurrency, counted in this statement (its snapshot is taken
    // after the step row's lock: what an earlier claimer committed is counted).
    const rows = await tx<
      { idx: number; call: string; epoch: string; was: string; previous: string | null }[]
    >`
      WITH pick AS (
        SELECT idx, status, owner FROM tcflow_items
        WHERE run_id = ${step.run_id} AND step_id = ${step.step_id}
          AND (status = 'pending' OR (status = 'running' AND lease_until < now()))
        ORDER BY idx
        LIMIT greatest(0, least(${max}::int, ${step.concurrency}::int - (
          SELECT count(*)::int FROM tcflow_items
          WHERE run_id = ${step.run_id} AND step_id = ${step.step_id}
            AND status = 'running' AND lease_until >= now())))
        FOR UPDATE SKIP LOCKED
      )
      UPDATE tcflow_items i SET status = 'running', owner = ${owner}, epoch = i.epoch + 1,
        lease_until = clock_timestamp() + make_interval(secs => ${leaseS})
      FROM pick
      WHERE i.run_id = ${step.run_id} AND i.step_id = ${step.step_id} AND i.idx = pick.idx
      RETURNING i.idx, i.call, i.epoch::text, pick.status AS was, pick.owner AS previous`;
    return rows.map((r) => ({
      runId: step.run_id,
      stepId: step.step_id,
      index: r.idx,
      epoch: r.epoch,
      call: decodeCall(r.call),
      was: r.was === "running" ? "running" : "pending",
      ...(r.was === "running" && r.previous !== null ? { previousOwner: r.previous } : {}),
    } satisfies ClaimedItem)).sort((a, b) => a.index - b.index);
  });
}

/**
 * Records an item's outcome; false when the claim was fenced (another worker took it over):
 * then nothing is recorded.
 */
export async function completeItem(
  sql: postgres.Sql,
  item: ClaimedItem,
  outcome: string,
): Promise<boolean> {
  const rows = await sql`UPDATE tcflow_items
    SET status = 'done', outcome = ${outcome}, done_seq = nextval('tcflow_item_done_seq'),
      lease_until = NULL
    WHERE run_id = ${item.runId} AND step_id = ${item.stepId} AND idx = ${item.index}
      AND epoch = ${item.epoch} AND status = 'running'
    RETURNING 1`;
  return rows.length === 1;
}

/**
 * Records the outcomes of several items in one statement (each under its own claim epoch);
 * answers, in order, whether each was recorded (false: fenced, nothing recorded for it).
 */
export async function completeItems(
  sql: postgres.Sql,
  done: readonly { item: ClaimedItem; outcome: string }[],
): Promise<boolean[]> {
  if (done.length === 0) return [];
  if (done.length === 1) return [await completeItem(sql, done[0]!.item, done[0]!.outcome)];
  const rows = await sql<{ run_id: string; step_id: string; idx: number }[]>`
    UPDATE tcflow_items i
    SET status = 'done', outcome = v.outcome, done_seq = nextval('tcflow_item_done_seq'),
      lease_until = NULL
    FROM unnest(${done.map((d) => d.item.runId)}::text[], ${
    done.map((d) => d.item.stepId)
  }::text[], ${done.map((d) => d.item.index)}::int[], ${done.map((d) => d.item.epoch)}::bigint[], ${
    done.map((d) => d.outcome)
  }::text[]) AS v(run_id, step_id, idx, epoch, outcome)
    WHERE i.run_id = v.run_id AND i.step_id = v.step_id AND i.idx = v.idx
      AND i.epoch = v.epoch AND i.status = 'running'
    RETURNING i.run_id, i.step_id, i.idx`;
  const key = (runId: string, stepId: string, index: number) =>
    `${runId}\u0000${stepId}\u0000${index}`;
  const recorded = new Set(rows.map((r) => key(r.run_id, r.step_id, r.idx)));
  return done.map((d) => recorded.has(key(d.item.runId, d.item.stepId, d.item.index)));
}

/** Seconds left of an item's lease by the database clock (0 when lost). */
export async function itemLeaseLeftS(sql: postgres.Sql, item: ClaimedItem): Promise<number> {
  const rows = await sql<{ left: number }[]>`
    SELECT extract(epoch FROM lease_until - now())::float8 AS left FROM tcflow_items
    WHERE run_id = ${item.runId} AND step_id = ${item.stepId} AND idx = ${item.index}
      AND epoch = ${item.epoch} AND status = 'running'`;
  return Math.max(0, rows[0]?.left ?? 0);
}

/** Renews the leases of the items `owner` holds. */
export async function renewItems(sql: postgres.Sql, owner: string, leaseS: number) {
  await sql`UPDATE tcflow_items SET lease_until = now() + make_interval(secs => ${leaseS})
    WHERE owner = ${owner} AND status = 'running' AND lease_until >= now()`;
}

/**
 * Gives an item back at once (a worker stopping now): one never sent goes back to `pending`;
 * one that was sent stays in flight with its lease run out, for the next claimer to judge.
 */
export async function releaseItem(sql: postgres.Sql, item: ClaimedItem, sent: boolean) {
  await sql`UPDATE tcflow_items
    SET status = CASE WHEN ${sent} THEN 'running' ELSE 'pending' END,
      lease_until = CASE WHEN ${sent} THEN now() - interval '1 millisecond' ELSE NULL END
    WHERE run_id = ${item.runId} AND step_id = ${item.stepId} AND idx = ${item.index}
      AND epoch = ${item.epoch} AND status = 'running'`;
}

/**
 * Deletes the items of runs finished more than `retentionS` seconds ago (the worker's
 * `--item-retention`); returns how many steps' items went.
 */
export async function pruneItems(sql: postgres.Sql, retentionS: number): Promise<number> {
  const rows = await sql`DELETE FROM tcflow_item_steps s USING tcflow_runs r
    WHERE s.run_id = r.run_id AND r.finished_at IS NOT NULL
      AND r.finished_at < now() - make_interval(secs => ${retentionS})
    RETURNING 1`;
  return rows.length;
}

function encodeCall(step: RemoteStep, item: RemoteItem): string {
  const call: ItemCall = {
    target: item.target,
    params: item.params,
    ...(item.clientToken !== undefined ? { clientToken: item.clientToken } : {}),
    policy: step.policy,
    ...(step.timeoutMs !== undefined ? { timeoutMs: step.timeoutMs } : {}),
    ...(step.unsafe !== undefined ? { unsafe: step.unsafe } : {}),
  };
  return stringifyJson(call);
}

function decodeCall(text: string): ItemCall {
  // Integers of the request stay exact (bigint); those of the policy are plain numbers.
  const call = parseJson(text, "bigint") as ItemCall;
  const policy = parseJson(stringifyJson(call.policy), "auto") as ItemCall["policy"];
  const timeoutMs = call.timeoutMs === undefined ? undefined : Number(call.timeoutMs);
  return { ...call, policy, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}
