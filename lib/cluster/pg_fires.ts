/**
 * Exactly-once schedules on PostgreSQL (PRODUCT.md section 14): any number of
 * `tcflow schedule --store postgres://…` processes. A fire is a row of `tcflow_fires` keyed by
 * (workflow, scheduled minute), inserted `ON CONFLICT DO NOTHING`: one scheduler wins it, the
 * others skip. Under a per-workflow advisory lock the winner first checks that no fire of the
 * workflow is still running (its lease, renewed while the run goes, has not run out by the
 * database clock): one workflow never overlaps itself across hosts.
 *
 * Missed fires (every scheduler was down): not caught up one by one; the scheduler fires the
 * workflow once at the first due minute after it starts, then follows the cron (the policy of
 * `lib/schedule/scheduler.ts`).
 *
 * @module
 */
import type postgres from "postgres";

/** Options of {@link pgFireClaims}. */
export interface PgFireOptions {
  sql: postgres.Sql;
  /** Who fires (shown in the table). */
  owner: string;
  /** Seconds a running fire holds the workflow without a heartbeat. Default 60. */
  leaseS?: number;
}

/** The verdict of a claim: `won` with a `finished()` to call when the run ends. */
export type FireClaim = { verdict: "won"; finished(): Promise<void> } | {
  verdict: "taken" | "busy";
};

/** A `claimFire` for `runSchedule`, keyed by the workflow's name. */
export function pgFireClaims(
  options: PgFireOptions,
): (workflow: { name: string }, scheduledMs: number) => Promise<FireClaim> {
  const { sql, owner } = options;
  const leaseS = options.leaseS ?? 60;
  return async (workflow, scheduledMs) => {
    const minute = new Date(Math.floor(scheduledMs / 60_000) * 60_000);
    // The lease runs from clock_timestamp(), not now(): now() is when the transaction began, and
    // a claim may wait long for the workflow's advisory lock (a scheduler stopped inside its
    // claim holds it): a lease from now() was then born short or run out, and until the first
    // renewal another scheduler saw the workflow free and could start it again while it ran.
    // (The busy check keeps now(): an older clock finds a fire still running, never too few.)
    const verdict = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(hashtext('tcflow-fire'), hashtext(${workflow.name}))`;
      const busy = await tx`SELECT 1 FROM tcflow_fires
        WHERE workflow = ${workflow.name} AND finished_at IS NULL AND lease_until > now()
          AND minute <> ${minute}`;
      const won = await tx`INSERT INTO tcflow_fires (workflow, minute, owner, lease_until)
        VALUES (${workflow.name}, ${minute}, ${owner},
                clock_timestamp() + make_interval(secs => ${leaseS}))
        ON CONFLICT (workflow, minute) DO NOTHING RETURNING 1`;
      if (won.length === 0) return "taken" as const;
      if (busy.length > 0) {
        // Recorded as skipped, so no other scheduler fires this minute either.
        await tx`UPDATE tcflow_fires SET finished_at = now(), skipped = true
          WHERE workflow = ${workflow.name} AND minute = ${minute}`;
        return "busy" as const;
      }
      return "won" as const;
    });
    if (verdict !== "won") return { verdict };
    const renew = setInterval(() => {
      sql`UPDATE tcflow_fires SET lease_until = now() + make_interval(secs => ${leaseS})
        WHERE workflow = ${workflow.name} AND minute = ${minute}`.catch(() => {});
    }, (leaseS * 1000) / 3);
    return {
      verdict,
      async finished() {
        clearInterval(renew);
        await sql`UPDATE tcflow_fires SET finished_at = now()
          WHERE workflow = ${workflow.name} AND minute = ${minute}`;
      },
    };
  };
}

/** The database clock minus this machine's (ms): schedulers fire by the database's time. */
export async function databaseClockOffsetMs(sql: postgres.Sql, localNow: () => number) {
  const before = localNow();
  const rows = await sql<
    { ms: number }[]
  >`SELECT extract(epoch FROM clock_timestamp()) * 1000 AS ms`;
  const after = localNow();
  return Number(rows[0]?.ms) - (before + after) / 2;
}
