/**
 * The schedules trial of `deno task proof:cluster` (issue 14): three real
 * `tcflow schedule --store postgres://…` processes on one database over `minutes` simulated
 * minutes. They share one simulated clock (`TCFLOW_SCHEDULE_CLOCK`: a start time at a database
 * time, running `speed` times faster; `lib/schedule/sim_clock.ts`); the runs are real runs
 * against the emulator served here, journaled in the database.
 *
 * Two workflows fire every minute: `every-minute` (one quick read) and `slow` (a read the
 * emulator answers after 1.5 simulated minutes). Judges: the schedulers' own `fire` lines
 * (each minute of `every-minute` fired by exactly one process, none missed) and the run rows
 * (one run per fire; the runs of `slow`, by the database clock, never overlap).
 *
 * @module
 */
import postgres from "postgres";
import { serveEmulator } from "../lib/emulator/server.ts";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { runCliProcess } from "./_cli.ts";

const INSTANCE = "rmq-72mo3a9o";

/** What the schedules trial came to. */
export interface ScheduleProcessResult {
  minutes: number;
  /** Minutes of `every-minute` fired by exactly one scheduler. */
  once: number;
  missed: number;
  /** The missed minutes (HH:MM). */
  missedMinutes: string[];
  /** The schedulers' lines of minutes of `every-minute` skipped for another reason than
   * another scheduler firing them (why). */
  skips: string[];
  /** Minutes fired by more than one scheduler (either workflow). */
  twice: number;
  /** Runs of `every-minute` in the database (one per fire). */
  runs: number;
  /** Fires of `every-minute` (the minutes before the start too). */
  everyFired: number;
  /** Fires of `slow`, skipped minutes of `slow` (it was still running). */
  slowFired: number;
  slowSkipped: number;
  /** Pairs of `slow` runs that overlapped in time (database clock). */
  overlaps: number;
  /** Fire lines per scheduler process. */
  perProcess: number[];
  /** Scheduler exit codes. */
  codes: number[];
  tookMs: number;
}

/** Runs the trial; `speed`: simulated seconds per real second. */
export async function scheduleProcessTrial(
  url: string,
  o: { minutes: number; speed: number; schedulers?: number },
): Promise<ScheduleProcessResult> {
  const began = Date.now();
  const startMs = Date.UTC(2026, 11, 4, 6, 0, 0);
  const untilMs = startMs + (o.minutes - 1) * 60_000;
  const slowMs = Math.round(90_000 / o.speed);
  const server = await serveEmulator({
    port: 0,
    rateScale: Infinity,
    faults: `latency=${slowMs}ms;actions=DescribeTopicList`,
  });
  const dir = await Deno.makeTempDir({ prefix: "tcflow-schedules-" });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const workflow = (name: string, call: string) =>
      [
        "tcflow: 1",
        `name: ${name}`,
        "region: ap-guangzhou",
        'schedule: "* * * * *"',
        "steps:",
        "  - id: look",
        `    action: trocket.${call}`,
        `    with: { InstanceId: ${INSTANCE} }`,
        "",
      ].join("\n");
    await Deno.writeTextFile(`${dir}/every.yaml`, workflow("every-minute", "DescribeInstance"));
    await Deno.writeTextFile(`${dir}/slow.yaml`, workflow("slow", "DescribeTopicList"));
    // The simulated start is 20 real seconds ahead on the database clock, so every scheduler
    // is up by then, even on a loaded machine (they fire the minutes before it too: those
    // count for "fired twice" and runs as well).
    const [row] = await sql<{ ms: number }[]>`
      SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms`;
    const atMs = Math.round(Number(row?.ms) + 20_000);
    const env = {
      TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
      TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
      TENCENTCLOUD_REGION: "ap-guangzhou",
      TCFLOW_SCHEDULE_CLOCK: `start=${new Date(startMs).toISOString()};at=${atMs};` +
        `speed=${o.speed}`,
    };
    const args = [
      "schedule",
      dir,
      "--store",
      url,
      "--endpoint-url",
      server.url,
      "--until",
      new Date(untilMs).toISOString(),
      "--quiet",
    ];
    const outs = await Promise.all(
      Array.from({ length: o.schedulers ?? 3 }, () => runCliProcess(args, { env })),
    );
    const fired = new Map<string, number>();
    const perProcess: number[] = [];
    let slowSkipped = 0;
    const skips: string[] = [];
    for (const out of outs) {
      let n = 0;
      for (const [, name, due] of out.stderr.matchAll(/ fire (\S+) \(due (\d\d:\d\d)\)/g)) {
        const key = `${name} ${due}`;
        fired.set(key, (fired.get(key) ?? 0) + 1);
        n++;
      }
      perProcess.push(n);
      slowSkipped += [...out.stderr.matchAll(/ skip slow \(due \d\d:\d\d\): a run fired by/g)]
        .length;
      for (const [line] of out.stderr.matchAll(/ skip every-minute \(due [^\n]*/g)) {
        if (!line.includes("another scheduler fired it")) skips.push(line.trim());
      }
    }
    const minute = (m: number) => new Date(startMs + m * 60_000).toISOString().slice(11, 16);
    const wanted = Array.from({ length: o.minutes }, (_, m) => `every-minute ${minute(m)}`);
    const runs = await sql<{ workflow: string; from: number; to: number | null }[]>`
      SELECT workflow, (extract(epoch FROM created_at) * 1000)::float8 AS from,
        (extract(epoch FROM finished_at) * 1000)::float8 AS to
      FROM tcflow_runs ORDER BY created_at`;
    const slow = runs.filter((r) => r.workflow === "slow");
    let overlaps = 0;
    for (let i = 1; i < slow.length; i++) {
      const before = slow[i - 1]!.to;
      if (before === null || before > slow[i]!.from) overlaps++;
    }
    return {
      minutes: o.minutes,
      once: wanted.filter((k) => fired.get(k) === 1).length,
      missed: wanted.filter((k) => !fired.has(k)).length,
      skips,
      missedMinutes: wanted.filter((k) => !fired.has(k)).map((k) => k.slice(-5)),
      twice: [...fired.values()].filter((n) => n > 1).length,
      runs: runs.filter((r) => r.workflow === "every-minute").length,
      everyFired: [...fired.keys()].filter((k) => k.startsWith("every-minute ")).length,
      slowFired: [...fired.keys()].filter((k) => k.startsWith("slow ")).length,
      slowSkipped,
      overlaps,
      perProcess,
      codes: outs.map((out) => out.code),
      tookMs: Date.now() - began,
    };
  } finally {
    await sql.end();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}
