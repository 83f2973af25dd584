/**
 * The trials of `deno task proof:cluster` (tools/proof_cluster.ts), also run small by
 * `cluster_proof_test.ts`: real `tcflow worker` processes (`cli.ts` with the task's
 * permissions) on a PostgreSQL database, against the emulator served over loopback here. The
 * emulator's call log is the judge of duplicates and of rate limits; the run's journal is the
 * judge of what each item came to.
 *
 * @module
 */
import { type EmulatorServer, serveEmulator } from "../lib/emulator/server.ts";
import type { RunEvent } from "../lib/journal/events.ts";
import { PgJournalStore } from "../lib/journal/pg_store.ts";
import { claimItems, completeItems, publishItems } from "../lib/cluster/pg_items.ts";
import { DEFAULT_RETRY } from "../lib/workflow/defaults.ts";
import { CLI_ENV, type CliProcess, spawnCli } from "./_crash.ts";
import { runCli } from "./_cli.ts";

const INSTANCE = "rmq-72mo3a9o";

function foreachWorkflow(o: {
  name: string;
  items: number;
  action: "CreateTopic" | "DescribeTopicList" | "DescribeInstanceList";
  concurrency: number;
}): string {
  const names = Array.from({ length: o.items }, (_, i) => `${o.name}-${i}`).join(", ");
  const call = o.action === "CreateTopic"
    ? `{ InstanceId: ${INSTANCE}, Topic: \${{ item }}, TopicType: NORMAL, QueueNum: 3 }`
    : o.action === "DescribeInstanceList"
    ? "{ Offset: 0, Limit: 1 }"
    : `{ InstanceId: ${INSTANCE}, Offset: 0, Limit: 1 }`;
  return [
    "tcflow: 1",
    `name: ${o.name}`,
    "region: ap-guangzhou",
    "inputs:",
    `  names: { type: list, default: [${names}] }`,
    "steps:",
    "  - id: each",
    `    action: trocket.${o.action}`,
    "    foreach: ${{ inputs.names }}",
    `    concurrency: ${o.concurrency}`,
    // Every item is tried even after one is left uncertain (else the rest are not started).
    "    on_error: continue",
    `    with: ${call}`,
    "",
  ].join("\n");
}

/** Submits a workflow text; returns the run id. */
async function submit(url: string, text: string): Promise<{ runId: string; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-cluster-" });
  await Deno.writeTextFile(`${dir}/w.yaml`, text);
  // In this process (the real command code): a trial spawns only its workers.
  const out = await runCli(["submit", `${dir}/w.yaml`, "--store", url, "--json"], {
    env: CLI_ENV,
  });
  if (out.code !== 0) throw new Error(`submit failed: ${out.stderr}`);
  return { runId: JSON.parse(out.stdout).run_id, dir };
}

function worker(
  url: string,
  server: EmulatorServer,
  name: string,
  more: string[],
  env: Record<string, string> = {},
  exitWhenIdle = true,
): CliProcess {
  return spawnCli([
    "worker",
    "--store",
    url,
    "--name",
    name,
    ...(exitWhenIdle ? ["--exit-when-idle"] : []),
    "--endpoint-url",
    server.url,
    ...more,
  ], { env });
}

/** Waits for processes, killing what is still there after `limitMs`. */
async function finish(procs: CliProcess[], limitMs: number) {
  const timer = setTimeout(() => procs.forEach((p) => p.kill()), limitMs);
  try {
    return await Promise.all(procs.map((p) => p.done()));
  } finally {
    clearTimeout(timer);
  }
}

async function journal(url: string, runId: string): Promise<RunEvent[]> {
  const store = await PgJournalStore.connect(url, { max: 1 });
  try {
    return (await store.read(runId)).events;
  } finally {
    await store.end();
  }
}

/** What one kill trial came to. */
export interface KillResult {
  succeeded: number;
  uncertain: number;
  /** Topics the emulator received more than once. */
  duplicates: number;
  /** Items neither succeeded nor uncertain, or recorded succeeded but never applied. */
  lost: number;
  finished: boolean;
  status: string;
  reclaimed: boolean;
  /** What the victim wrote to stderr. */
  victimStderr: string;
  /** The `lost its lease` lines of workers other than the victim. */
  othersLostLines: string[];
  /** Lines of workers other than the victim saying they lost a lease (a stall under load). */
  othersLost: number;
  /** Workers other than the victim that lost a lease (stalled past it: dead to the others). */
  othersLostWorkers: number;
  tookMs: number;
}

/**
 * 3 workers (concurrency 4, lease 2 s) on a 240-item CreateTopic foreach (no ClientToken,
 * 100 ms each); worker `victim` gets `signal` `afterMs` after its first claim of items
 * (SIGSTOP: SIGCONT 4 s later, after its lease ran out).
 */
export async function killTrial(
  url: string,
  o: { signal: "SIGKILL" | "SIGSTOP"; afterMs: number; victim: number; items?: number },
): Promise<KillResult> {
  const items = o.items ?? 240;
  const server = await serveEmulator({
    port: 0,
    rateScale: Infinity,
    faults: "latency=100ms;actions=CreateTopic",
  });
  const startMs = Date.now();
  try {
    const { runId, dir } = await submit(
      url,
      foreachWorkflow({ name: "kills", items, action: "CreateTopic", concurrency: 12 }),
    );
    const workers = [0, 1, 2].map((i) =>
      worker(url, server, `w${i}`, ["--concurrency", "4", "--lease", "2s", "--rate-scale", "100"])
    );
    const victim = workers[o.victim]!;
    // The signal lands while the victim holds items: `afterMs` after its first claim.
    await victim.waitForLine(/claimed \d+ items?/);
    await new Promise((resolve) => setTimeout(resolve, o.afterMs));
    if (o.signal === "SIGKILL") {
      victim.kill();
    } else {
      try {
        victim.child.kill("SIGSTOP");
        await new Promise((resolve) => setTimeout(resolve, 4000));
        victim.child.kill("SIGCONT");
      } catch {
        // it had already finished
      }
    }
    const outs = await finish(workers, 180_000);
    await Deno.remove(dir, { recursive: true });
    const events = await journal(url, runId);
    const final = new Map<number, string>();
    for (const e of events) if (e.type === "item-finished") final.set(e.index, e.status);
    const sent = new Map<string, number>();
    for (const call of server.emulator.calls()) {
      if (call.action !== "CreateTopic") continue;
      const topic = (call.params as { Topic?: string }).Topic ?? "";
      sent.set(topic, (sent.get(topic) ?? 0) + 1);
    }
    let succeeded = 0, uncertain = 0, lost = 0;
    for (let i = 0; i < items; i++) {
      const status = final.get(i);
      if (status === "succeeded") {
        succeeded++;
        if (!sent.has(`kills-${i}`)) lost++;
      } else if (status === "uncertain") uncertain++;
      else lost++;
    }
    const done = events.find((e) => e.type === "run-finished");
    return {
      succeeded,
      uncertain,
      duplicates: [...sent.values()].reduce((n, c) => n + Math.max(0, c - 1), 0),
      lost,
      finished: done !== undefined,
      status: done?.type === "run-finished" ? done.status : "unfinished",
      reclaimed: outs.some((out) => /reclaimed/.test(out.stderr)),
      victimStderr: outs[o.victim]!.stderr,
      othersLostLines: outs.flatMap((out, i) =>
        i === o.victim ? [] : out.stderr.split("\n").filter((l) => /lost its lease/.test(l))
      ),
      othersLost: outs.filter((_, i) => i !== o.victim)
        .reduce((n, out) => n + (out.stderr.match(/lost its lease/g) ?? []).length, 0),
      othersLostWorkers: outs.filter((out, i) =>
        i !== o.victim && /lost its lease/.test(out.stderr)
      )
        .length,
      tookMs: Date.now() - startMs,
    };
  } finally {
    await server.close();
  }
}

/** Most of `times` (ms, sorted) in any 1-second window (sliding). */
export function busiestSecond(times: readonly number[]): number {
  return busiestWindow(times).count;
}

/** The busiest 1-second window of `times` (ms, sorted): its count and where it starts. */
export function busiestWindow(times: readonly number[]): { count: number; fromMs: number } {
  let most = { count: 0, fromMs: NaN };
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    if (i - j + 1 > most.count) most = { count: i - j + 1, fromMs: times[j]! };
  }
  return most;
}

/** The `p` quantile (0-1) of `values`. */
function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/** What the rate trial came to (judged by the emulator's call log). */
export interface RateResult {
  limitPerS: number;
  calls: number;
  achievedPerS: number;
  share: number;
  seconds: number;
  /** Most calls in any 1-second window (sliding). */
  maxWindow: number;
  /** Where that window starts: ms after the first call. */
  maxWindowAtMs: number;
  /** Most calls in one clock second. */
  maxSecond: number;
  limitExceeded: number;
  /** From the workers' rate trace: the slots the database granted and what became of them. */
  slots: {
    /** Slots spent (a call was sent). */
    spent: number;
    /** Slots wasted: the worker woke later than the grace (52.6 ms) after the slot. */
    wasted: number;
    /** Most spent slots (by the database clock) in any 1 s window. */
    maxWindow: number;
    /** Most sends (the workers' wake-up times) in any 1 s window. */
    maxWakeWindow: number;
    /** How late workers woke after their slots (ms): p50, p99, max, over every slot. */
    lateP50: number;
    lateP99: number;
    lateMax: number;
  };
  /**
   * Each request from the moment it went out (the workers' trace: signed, slot taken) to its
   * arrival in the call log (ms; both clocks are this host's): p50, p99, max, over the calls
   * found by RequestId; `maxWindow` the most requests sent in any 1 s window.
   */
  transit: { matched: number; p50: number; p99: number; max: number; maxWindow: number };
  /** The largest transit of the requests sent in the first second of the trial, and after it. */
  transitBySecond: { firstMax: number; laterMax: number; laterP99: number };
}

/** 3 workers, an `items`-item DescribeTopicList foreach under 20/s × `scale` on both sides. */
export async function rateTrial(
  url: string,
  o: { items: number; scale: number },
): Promise<RateResult> {
  const server = await serveEmulator({ port: 0, rateScale: o.scale });
  const traceDir = await Deno.makeTempDir({ prefix: "tcflow-rate-trace-" });
  try {
    // The workers run before the run is queued, as a pool of workers does: the pacing measured
    // is theirs, not that of two of them starting up (loading tcflow, logging in) while the
    // first one sends.
    const workers = [0, 1, 2].map((i) =>
      worker(
        url,
        server,
        `w${i}`,
        ["--concurrency", "16", "--rate-scale", String(o.scale)],
        { TCFLOW_RATE_TRACE: `${traceDir}/w${i}.jsonl` },
        false,
      )
    );
    const stopAll = () => workers.forEach((w) => w.kill());
    const ready = await Promise.all(workers.map((w) => w.waitForLine(/\bready\b/)));
    if (ready.some((line) => line === undefined)) {
      stopAll();
      throw new Error(`a worker did not start: ${(await workers[0]!.done()).stderr}`);
    }
    // A warm-up run first (96 items of another action, so another rate key): the pool is
    // measured as one that has been running, with its connections open and its code compiled.
    // On a cold pool the first second's requests open new connections and run first-time code
    // in each worker and in the emulator; on a loaded machine they then arrive bunched (up to
    // 8 over the limit in that second, 0 RequestLimitExceeded; 2026-12-05, two busy loops).
    const warm = await submit(
      url,
      foreachWorkflow({ name: "warm", items: 96, action: "DescribeInstanceList", concurrency: 48 }),
    );
    await Promise.race(
      workers.map((w) => w.waitForLine(new RegExp(`finished run ${warm.runId} `))),
    );
    await Deno.remove(warm.dir, { recursive: true });
    const { runId, dir } = await submit(
      url,
      foreachWorkflow({
        name: "rate",
        items: o.items,
        action: "DescribeTopicList",
        // In flight over all workers (3 × 16): enough that the rate, not the round trips of a
        // claim, a send and a completion, bounds the step (30 was not, on a loaded machine).
        concurrency: 48,
      }),
    );
    await Promise.race(workers.map((w) => w.waitForLine(new RegExp(`finished run ${runId} `))));
    // Stopped gracefully (SIGTERM): each writes its trace as it exits.
    for (const w of workers) w.child.kill("SIGTERM");
    await finish(workers, 600_000);
    await Deno.remove(dir, { recursive: true });
    const calls = server.emulator.calls().filter((c) => c.action === "DescribeTopicList");
    const times = calls.filter((c) => c.outcome === "ok").map((c) => c.timeMs).sort((a, b) =>
      a - b
    );
    const seconds = (times.at(-1)! - times[0]!) / 1000;
    // As a server that counts calls per clock second sees them.
    const perSecond = new Map<number, number>();
    for (const t of times) {
      perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    }
    const maxSecond = Math.max(...perSecond.values());
    const limitPerS = 20 * o.scale;
    const achievedPerS = (times.length - 1) / seconds;
    const trace: {
      action: string;
      slotMs: number;
      lateMs: number;
      spent: boolean;
      wokeMs: number;
    }[] = [];
    const sends: { sentMs: number; requestId: string }[] = [];
    for (const entry of Deno.readDirSync(traceDir)) {
      const text = await Deno.readTextFile(`${traceDir}/${entry.name}`);
      for (const line of text.split("\n")) {
        if (line === "") continue;
        const parsed = JSON.parse(line);
        if ("sentMs" in parsed) sends.push(parsed);
        else if (parsed.action === "DescribeTopicList") trace.push(parsed); // not the warm-up's
      }
    }
    const arrivals = new Map(calls.map((c) => [c.requestId, c.timeMs]));
    const measured = sends.filter((t) => arrivals.has(t.requestId)); // not the warm-up's
    const transitAt = measured.flatMap((t) => {
      const arrivedMs = arrivals.get(t.requestId);
      return arrivedMs === undefined ? [] : [{ sentMs: t.sentMs, ms: arrivedMs - t.sentMs }];
    });
    const transit = transitAt.map((t) => t.ms);
    const firstSentMs = Math.min(...transitAt.map((t) => t.sentMs));
    const later = transitAt.filter((t) => t.sentMs >= firstSentMs + 1000).map((t) => t.ms);
    const spent = trace.filter((t) => t.spent);
    const late = trace.map((t) => t.lateMs);
    return {
      limitPerS,
      calls: calls.length,
      achievedPerS,
      share: achievedPerS / limitPerS,
      seconds,
      maxWindow: busiestSecond(times),
      maxWindowAtMs: busiestWindow(times).fromMs - times[0]!,
      maxSecond,
      limitExceeded: calls.filter((c) => c.outcome === "RequestLimitExceeded").length,
      slots: {
        spent: spent.length,
        wasted: trace.length - spent.length,
        maxWindow: busiestSecond(spent.map((t) => t.slotMs).sort((a, b) => a - b)),
        maxWakeWindow: busiestSecond(spent.map((t) => t.wokeMs).sort((a, b) => a - b)),
        lateP50: quantile(late, 0.5),
        lateP99: quantile(late, 0.99),
        lateMax: Math.max(...late),
      },
      transit: {
        matched: transit.length,
        p50: quantile(transit, 0.5),
        p99: quantile(transit, 0.99),
        max: Math.max(...transit),
        maxWindow: busiestSecond(measured.map((t) => t.sentMs).sort((a, b) => a - b)),
      },
      transitBySecond: {
        firstMax: Math.max(
          ...transitAt.filter((t) => t.sentMs < firstSentMs + 1000).map((t) => t.ms),
        ),
        laterMax: Math.max(...later),
        laterP99: quantile(later, 0.99),
      },
    };
  } finally {
    await server.close();
    await Deno.remove(traceDir, { recursive: true });
  }
}

/** Items/s of a read-only foreach with `workers` workers (from the run's journal). */
export async function throughputTrial(
  url: string,
  o: { items: number; workers: number },
): Promise<{ itemsPerS: number; tookMs: number; status: string }> {
  const server = await serveEmulator({ port: 0, rateScale: Infinity });
  try {
    const { runId, dir } = await submit(
      url,
      foreachWorkflow({
        name: "speed",
        items: o.items,
        action: "DescribeTopicList",
        concurrency: 16 * o.workers,
      }),
    );
    const workers = Array.from(
      { length: o.workers },
      (_, i) => worker(url, server, `w${i}`, ["--concurrency", "16", "--rate-scale", "1000000"]),
    );
    await finish(workers, 900_000);
    await Deno.remove(dir, { recursive: true });
    const events = await journal(url, runId);
    const started = events.find((e) => e.type === "step-started")?.timeMs ?? 0;
    const ended = events.findLast((e) => e.type === "item-finished")?.timeMs ?? 0;
    const done = events.find((e) => e.type === "run-finished");
    const tookMs = ended - started;
    return {
      itemsPerS: o.items / (tookMs / 1000),
      tookMs,
      status: done?.type === "run-finished" ? done.status : "unfinished",
    };
  } finally {
    await server.close();
  }
}

/**
 * The database's own cost per item: claim and complete in batches of 16 (one transaction per
 * claim, one statement per completion of a batch), one client.
 */
export async function unitCostMs(
  url: string,
  items: number,
): Promise<{ claimMs: number; completeMs: number }> {
  const store = await PgJournalStore.connect(url, { max: 1 });
  try {
    await store.sql`INSERT INTO tcflow_runs (run_id, workflow, file, meta, started_ms,
      last_event_ms, status) VALUES ('run-cost', 'w', 'w.yaml', '{}', 0, 0, 'running')`;
    const target = { service: "trocket", action: "DescribeTopicList", version: "2023-03-08" };
    await publishItems(
      store.sql,
      { runId: "run-cost", stepId: "each", concurrency: 16, policy: DEFAULT_RETRY },
      Array.from({ length: items }, (_, index) => ({
        index,
        target: { ...target, region: "ap-guangzhou" },
        params: { InstanceId: INSTANCE },
      })),
      { again: new Set(), inFlight: new Set() },
    );
    let claimMs = 0, completeMs = 0;
    for (let done = 0; done < items;) {
      let t = performance.now();
      const batch = await claimItems(store.sql, "cost", 10, 16);
      claimMs += performance.now() - t;
      t = performance.now();
      // As a worker records outcomes that finish together: one statement for them all.
      await completeItems(
        store.sql,
        batch.map((item) => ({ item, outcome: '{"status":"succeeded"}' })),
      );
      completeMs += performance.now() - t;
      done += batch.length;
      if (batch.length === 0) throw new Error("nothing left to claim");
    }
    return { claimMs: claimMs / items, completeMs: completeMs / items };
  } finally {
    await store.end();
  }
}
