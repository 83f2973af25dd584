/**
 * `deno task proof:cluster` — the proofs of issue 14 (PRODUCT.md section 14), on a throwaway
 * PostgreSQL (or `TCFLOW_TEST_DATABASE_URL`) and the emulator served over loopback, with real
 * `tcflow worker` processes:
 *
 * 1. kills: 3 workers, a 240-item mutating `foreach` (CreateTopic, no ClientToken), one worker
 *    SIGKILLed (or SIGSTOPped, then SIGCONTed after its lease ran out) at a seeded time; the
 *    emulator's call log counts duplicates; every item succeeded or `uncertain` (at most the
 *    dead worker's concurrency), none lost, every run finished.
 * 2. rate: 3 workers, a 1,000-item `foreach` under the documented 20/s (times `--rate-scale`
 *    on both sides), queued once the workers are ready: share of the limit reached,
 *    `RequestLimitExceeded` in the call log; each request's send → arrival; the
 *    pacing of the slots granted and of the sends (the workers' `TCFLOW_RATE_TRACE`) and of
 *    the arrivals in the call log.
 * 3. schedules: 3 `tcflow schedule --store` processes sharing a simulated clock
 *    (`TCFLOW_SCHEDULE_CLOCK`) over 100 simulated minutes: fires per minute, missed,
 *    overlapping runs of a slow workflow.
 * 4. throughput: a read-only 10,000-item `foreach`, rate limits out of the way: items/s with
 *    1, 2, 3 workers, and the database's cost per item (claim + complete).
 *
 * Flags: `--trials N` (30), `--seed N`, `--only kills|rate|schedules|throughput`,
 * `--items N` (throughput items, 10000), `--minutes N` (100) and `--speed N` (10: simulated
 * seconds per second) of the schedules.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { freshDatabase, stopTestServer, testServer } from "../test/_postgres.ts";
import { killTrial, rateTrial, throughputTrial, unitCostMs } from "../test/_cluster_proof.ts";
import { createRng } from "../test/_random.ts";
import { scheduleProcessTrial } from "../test/_schedule_trial.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    trials: { type: "string", default: "30" },
    seed: { type: "string", default: "20261204" },
    only: { type: "string" },
    items: { type: "string", default: "10000" },
    minutes: { type: "string", default: "100" },
    speed: { type: "string", default: "10" },
  },
});
const trials = Number(values.trials);
const seed = Number(values.seed);
const only = values.only;
const server = await testServer();
if (typeof server === "string") {
  console.error(`proof:cluster: ${server}`);
  Deno.exit(2);
}
let failed = false;
const check = (ok: boolean, what: string) => {
  if (!ok) failed = true;
  console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
};

try {
  if (only === undefined || only === "kills") {
    console.log(`kills: ${trials} trials, seed ${seed}, 3 workers × concurrency 4, 240 items`);
    const rng = createRng(seed);
    let duplicates = 0, lost = 0, unfinished = 0, uncertainMax = 0, uncertainSum = 0;
    let overBound = 0, stalls = 0, othersLostLines = 0;
    for (let t = 0; t < trials; t++) {
      const signal = t % 3 === 2 ? "SIGSTOP" : "SIGKILL";
      const afterMs = rng.int(0, 1500);
      const db = await freshDatabase(server);
      try {
        const r = await killTrial(db.url, { signal, afterMs, victim: t % 3 });
        duplicates += r.duplicates;
        lost += r.lost;
        unfinished += r.finished ? 0 : 1;
        uncertainMax = Math.max(uncertainMax, r.uncertain);
        uncertainSum += r.uncertain;
        // The victim holds at most its concurrency (4) in flight; a live worker never loses
        // its lease (heartbeats on their own connection), so nothing else can be uncertain.
        if (r.uncertain > 4) overBound++;
        if (r.othersLostWorkers > 0) stalls++;
        othersLostLines += r.othersLost;
        console.log(
          `  trial ${t + 1}: ${signal} w${
            t % 3
          } ${afterMs} ms after its first claim: ${r.succeeded} succeeded, ` +
            `${r.uncertain} uncertain, ${r.duplicates} duplicates, ${r.lost} lost, run ` +
            `${r.status}${r.reclaimed ? ", reclaimed" : ""}${
              r.othersLost > 0 ? `, ${r.othersLost} lost-lease lines of the others` : ""
            } (${(r.tookMs / 1000).toFixed(1)} s)`,
        );
        for (const line of r.othersLostLines) console.log(`       ${line}`);
      } finally {
        await db.drop();
      }
    }
    check(duplicates === 0, `duplicates in the emulator: ${duplicates}`);
    check(lost === 0, `items lost: ${lost}`);
    check(unfinished === 0, `runs not finished: ${unfinished}`);
    check(
      overBound === 0,
      `uncertain items per trial: max ${uncertainMax}, total ${uncertainSum}; trials above 4 ` +
        `(the dead worker's concurrency): ${overBound}`,
    );
    check(
      stalls === 0,
      `live workers that lost a lease: in ${stalls} trial(s), ${othersLostLines} line(s)`,
    );
  }
  if (only === undefined || only === "rate") {
    const db = await freshDatabase(server);
    try {
      const r = await rateTrial(db.url, { items: 1000, scale: 5 });
      console.log(
        `rate: 3 workers, 1000 items, limit ${r.limitPerS}/s (20/s × --rate-scale 5): ` +
          `${r.achievedPerS.toFixed(1)}/s over ${r.seconds.toFixed(1)} s`,
      );
      check(r.share >= 0.9, `share of the limit: ${(r.share * 100).toFixed(1)}% (≥ 90%)`);
      // The database grants slots at 0.95 of the limit: 95/s, a burst of at most 2 above it.
      // A slot is spent at most (1/0.95 - 1) s = 52.6 ms late, else wasted, so the sends stay
      // within the documented limit plus the burst of 2 in any 1 s window; the emulator's call
      // log (the server) adds the loopback transport's jitter.
      const steady = Math.ceil(0.95 * r.limitPerS);
      const s = r.slots;
      console.log(
        `  slots (the workers' trace): ${s.spent} spent, ${s.wasted} wasted (woke more than ` +
          `52.6 ms late); woke late by p50 ${s.lateP50.toFixed(1)} ms, p99 ` +
          `${s.lateP99.toFixed(1)} ms, max ${s.lateMax.toFixed(1)} ms`,
      );
      check(
        s.maxWindow <= steady + 2,
        `pacing of the grants: most spent slots in any 1 s window ${s.maxWindow} (database ` +
          `clock; ≤ ${steady} + 2)`,
      );
      check(
        s.maxWakeWindow <= r.limitPerS + 2,
        `pacing of the sends: most sends in any 1 s window ${s.maxWakeWindow} (≤ ${r.limitPerS} ` +
          `+ 2; ${s.maxWakeWindow <= steady + 2 ? "also" : "not"} ≤ ${steady} + 2)`,
      );
      const t = r.transit;
      console.log(
        `  requests from sent (signed, slot taken) to arrival in the call log: ${t.matched} ` +
          `matched by RequestId; p50 ${t.p50} ms, p99 ${t.p99} ms, max ${t.max} ms; most sent ` +
          `in any 1 s window ${t.maxWindow}`,
      );
      console.log(
        `  transit of the requests sent in the first second: max ${r.transitBySecond.firstMax} ` +
          `ms; after it: p99 ${r.transitBySecond.laterP99} ms, max ${r.transitBySecond.laterMax} ms`,
      );
      check(
        r.maxWindow <= r.limitPerS + 2,
        `pacing at the server: most calls in any 1 s window of the call log ${r.maxWindow} (from ` +
          `${(r.maxWindowAtMs / 1000).toFixed(2)} s after the first call), ` +
          `in one clock second ${r.maxSecond} (≤ ${r.limitPerS} + 2; ${
            r.maxWindow <= steady + 2 ? "also" : "not"
          } ≤ ${steady} + 2)`,
      );
      check(r.limitExceeded === 0, `RequestLimitExceeded in the call log: ${r.limitExceeded}`);
      check(r.calls === 1000, `calls: ${r.calls}`);
    } finally {
      await db.drop();
    }
  }
  if (only === undefined || only === "schedules") {
    const minutes = Number(values.minutes);
    const speed = Number(values.speed);
    const db = await freshDatabase(server);
    try {
      const r = await scheduleProcessTrial(db.url, { minutes, speed });
      console.log(
        `schedules: 3 tcflow schedule processes x ${minutes} simulated minutes (x${speed}, ` +
          `${(r.tookMs / 1000).toFixed(0)} s): fires per process ${r.perProcess.join(", ")}; ` +
          `slow: ${r.slowFired} fired, ${r.slowSkipped} skipped while running`,
      );
      check(r.once === minutes, `minutes fired exactly once: ${r.once}/${minutes}`);
      check(r.missed === 0, `missed: ${r.missed} ${r.missedMinutes.join(" ")}`);
      for (const line of r.skips) console.log(`       ${line}`);
      check(r.twice === 0, `fired twice: ${r.twice}`);
      check(r.runs === r.everyFired, `runs of every-minute: ${r.runs} (fires ${r.everyFired})`);
      check(r.overlaps === 0, `overlapping runs of the slow workflow: ${r.overlaps}`);
      check(r.codes.every((c) => c === 0), `scheduler exit codes: ${r.codes.join(", ")}`);
    } finally {
      await db.drop();
    }
  }
  if (only === undefined || only === "throughput") {
    const items = Number(values.items);
    console.log(`throughput: read-only foreach of ${items} items, each worker --concurrency 16`);
    for (const workers of [1, 2, 3]) {
      const db = await freshDatabase(server);
      try {
        const r = await throughputTrial(db.url, { items, workers });
        console.log(
          `  ${workers} worker${workers > 1 ? "s" : ""}: ${r.itemsPerS.toFixed(0)} items/s ` +
            `(${(r.tookMs / 1000).toFixed(1)} s, run ${r.status})`,
        );
      } finally {
        await db.drop();
      }
    }
    const db = await freshDatabase(server);
    try {
      const cost = await unitCostMs(db.url, 2000);
      console.log(
        `  database cost per item: claim ${cost.claimMs.toFixed(3)} ms + complete ` +
          `${cost.completeMs.toFixed(3)} ms (one client on loopback, batches of 16)`,
      );
    } finally {
      await db.drop();
    }
  }
} finally {
  await stopTestServer();
}
console.log(failed ? "proof:cluster FAILED" : "proof:cluster ok");
Deno.exit(failed ? 1 : 0);
