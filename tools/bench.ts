/**
 * `deno task bench`: every benchmark of tcflow in one run. Prints a table of figures and
 * writes them to `bench/results.json` with the machine they came from. Benchmarks report;
 * they do not pass or fail (targets are printed beside the figures).
 *
 * Run one section: `deno task bench validate` (sections: validate, cli, architecture, signer,
 * emulator, engine,
 * ratelimit, paginate).
 *
 * @module
 */
import { benchSigner } from "./bench_signer.ts";

interface Row {
  benchmark: string;
  figure: string;
  target: string;
}

/** A target with whether this run met it. */
const verdict = (target: string, met: boolean) => `${target}: ${met ? "met" : "NOT MET"}`;

const ROOT = new URL("../", import.meta.url).pathname;
const decoder = new TextDecoder();

async function deno(args: string[]): Promise<{ stdout: string; ms: number }> {
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), { args, cwd: ROOT, stderr: "inherit" })
    .output();
  const ms = performance.now() - start;
  if (!out.success) throw new Error(`deno ${args.join(" ")} failed`);
  return { stdout: decoder.decode(out.stdout), ms };
}

/** Validation time and memory at 100 … 10,000 steps, each in a fresh process. */
async function benchValidate(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const figures: Array<{ steps: number; ms: number; rssMB: number; heapMB: number }> = [];
  for (const steps of [100, 1_000, 5_000, 10_000]) {
    const { stdout } = await deno([
      "run",
      "--allow-read",
      "--allow-env",
      "tools/bench/validate.ts",
      String(steps),
    ]);
    const figure = JSON.parse(stdout) as {
      steps: number;
      ms: number;
      rssMB: number;
      heapMB: number;
    };
    figures.push(figure);
    rows.push({
      benchmark: `validate ${steps.toLocaleString("en")} steps`,
      figure: `${figure.ms} ms, heap ${figure.heapMB} MB, rss ${figure.rssMB} MB`,
      target: steps === 5_000
        ? verdict("< 1,000 ms and < 300 MB", figure.ms < 1_000 && figure.rssMB < 300)
        : "linear in size",
    });
  }
  results.validate = figures;
  // Linear: the time per step at 10,000 steps is at most twice that at 1,000.
  const perStepUs = (steps: number) => {
    const f = figures.find((figure) => figure.steps === steps)!;
    return (f.ms * 1000) / steps;
  };
  rows.push({
    benchmark: "validate time per step, 1,000 → 10,000 steps",
    figure: `${perStepUs(1_000).toFixed(0)} → ${perStepUs(10_000).toFixed(0)} µs`,
    target: verdict("linear (≤ ×2)", perStepUs(10_000) <= 2 * perStepUs(1_000)),
  });
  const hostile = JSON.parse(
    (await deno(["run", "--allow-read", "--allow-env", "tools/bench/validate.ts", "hostile"]))
      .stdout,
  ) as { oversizedMs: number; aliasBombMs: number };
  results.validateHostile = hostile;
  rows.push({
    benchmark: "validate: a file over 2 MB refused (E_YAML 1:1)",
    figure: `${hostile.oversizedMs} ms`,
    target: verdict("< 1,000 ms", hostile.oversizedMs < 1_000),
  }, {
    benchmark: "validate: a billion-laughs alias bomb refused",
    figure: `${hostile.aliasBombMs} ms`,
    target: verdict("< 2,000 ms", hostile.aliasBombMs < 2_000),
  });
}

/** Wall time of `tcflow validate <sample>` including Deno start-up (median of 5). */
async function benchCli(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { ms } = await deno([
      "run",
      "--allow-read",
      "--allow-env",
      "cli.ts",
      "validate",
      "workflows/rocketmq-smooth-migration.yaml",
    ]);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const median = Math.round(times[2]!);
  results.cliValidateMs = { median, all: times.map(Math.round) };
  rows.push({
    benchmark: "tcflow validate (sample, wall)",
    figure: `${median} ms`,
    target: verdict("< 500 ms", median < 500),
  });
}

/** Import-graph figures: validate vs an empty `deno run`, modules of evaluate and validate. */
async function benchImports(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const { benchArchitecture } = await import("./bench_architecture.ts");
  const f = await benchArchitecture();
  results.architecture = f;
  rows.push({
    benchmark: "tcflow validate (sample) vs bare deno run of an empty file, wall",
    figure: `${f.validateMs} vs ${f.emptyMs} ms (×${f.ratio})`,
    target: verdict("≤ ×2", f.ratio <= 2),
  });
  rows.push({
    benchmark: "deno info lib/expr/evaluate.ts, local modules",
    figure: `${f.evaluateModules}`,
    target: verdict("≤ 15", f.evaluateModules <= 15),
  });
  rows.push({
    benchmark: "modules tcflow validate loads; emulator modules among them",
    figure: `${f.validateModules}; ${f.validateEmulatorModules.length}`,
    target: verdict("0 emulator", f.validateEmulatorModules.length === 0),
  });
}

async function benchSigning(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const figures = await benchSigner();
  results.signer = figures;
  const n = (perS: number) => Math.round(perS).toLocaleString("en");
  const ratio = (perS: number) => (perS / figures.sdkPerS).toFixed(2);
  rows.push({
    benchmark: "TC3 signatures/s, 16 in flight (tcflow WebCrypto vs SDK node:crypto)",
    figure: `${n(figures.tcflowConcurrent16PerS)} vs ${n(figures.sdkPerS)} (×${
      ratio(figures.tcflowConcurrent16PerS)
    })`,
    target: "— (the target is call throughput)",
  });
  rows.push({
    benchmark: "TC3 signatures/s, one at a time (latency-bound)",
    figure: `${n(figures.tcflowPerS)} vs ${n(figures.sdkPerS)} (×${ratio(figures.tcflowPerS)})`,
    target: "— (three async WebCrypto steps)",
  });
}

async function benchEmulatorRps(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const { benchEmulator } = await import("./bench_emulator.ts");
  const { requestsPerS } = await benchEmulator();
  results.emulator = { requestsPerS };
  rows.push({
    benchmark: "emulator signed requests/s (loopback)",
    figure: `${Math.round(requestsPerS)}`,
    target: verdict("≥ 2,000", requestsPerS >= 2_000),
  });
}

/**
 * tcflow's typed client vs the official SDK against the same emulator server over loopback:
 * `tcflow emulator` in its own process (the target's setting: a server is not on the client's
 * thread), then the server on the client's own event loop, for comparison.
 */
async function benchEngineCalls(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const { benchEngine } = await import("./bench_engine.ts");
  const figures = await benchEngine();
  const inProcess = await benchEngine({ server: "in-process" });
  results.engine = figures;
  results.engineInProcess = inProcess;
  const n = (perS: number) => Math.round(perS).toLocaleString("en");
  const { sequential: seq, concurrent16: conc } = figures;
  const turns = `${figures.rounds} rounds × ${n(figures.calls)} DescribeTopicList`;
  const spread = (r: { median: number; min: number; max: number }) =>
    `rounds: median ×${r.median.toFixed(2)}, ×${r.min.toFixed(2)}–×${r.max.toFixed(2)}`;
  rows.push({
    benchmark: `calls/s sequential, tcflow vs SDK (${turns})`,
    figure: `${n(seq.tcflowPerS)} vs ${n(seq.sdkPerS)} (×${figures.ratio.sequential.toFixed(2)}; ${
      spread(figures.roundRatios.sequential)
    })`,
    target: verdict("≥ SDK", figures.ratio.sequential >= 1),
  });
  rows.push({
    benchmark: "calls/s at concurrency 16, tcflow vs SDK",
    figure: `${n(conc.tcflowPerS)} vs ${n(conc.sdkPerS)} (×${
      figures.ratio.concurrent16.toFixed(2)
    }; ${spread(figures.roundRatios.concurrent16)})`,
    target: verdict("≥ SDK", figures.ratio.concurrent16 >= 1),
  });
  rows.push({
    benchmark: "per-call overhead over a pre-signed fetch, tcflow vs SDK",
    figure: `${Math.round(figures.overheadUs.tcflow)} µs vs ${
      Math.round(figures.overheadUs.sdk)
    } µs (bare fetch ${n(seq.rawFetchPerS)}/s)`,
    target: verdict("≤ SDK", figures.overheadUs.tcflow <= figures.overheadUs.sdk),
  });
  rows.push({
    benchmark: "same, server on the client's event loop: sequential / c16",
    figure: `×${inProcess.ratio.sequential.toFixed(2)} / ×${
      inProcess.ratio.concurrent16.toFixed(2)
    } (${n(inProcess.sequential.tcflowPerS)} vs ${n(inProcess.sequential.sdkPerS)} sequential)`,
    target: "— (for comparison)",
  });
}

/** A `foreach` of 1,000 calls at a 20/s action, rate scale ×10 on both sides. */
async function benchRateLimited(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const { benchRateLimit } = await import("./bench_engine.ts");
  const figures = await benchRateLimit();
  results.ratelimit = figures;
  rows.push({
    benchmark: `foreach ${
      figures.calls.toLocaleString("en")
    } calls at ${figures.limitPerS}/s limit`,
    figure: `${Math.round(figures.achievedPerS)}/s = ${
      figures.achievedPercent.toFixed(1)
    }% of limit`,
    target: verdict("≥ 90%", figures.achievedPercent >= 90),
  });
  rows.push({
    benchmark: "throttling errors: in the workflow / sent by the server",
    figure:
      `${figures.throttledInWorkflow} / ${figures.throttledByServer} (${figures.throttledRetried} retried)`,
    target: verdict("0 in the workflow", figures.throttledInWorkflow === 0),
  });
}

/** Memory while one `paginate: true` step follows 100,000 topics. */
async function benchPaginated(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const { benchPaginate } = await import("./bench_engine.ts");
  const f = await benchPaginate();
  results.paginate = f;
  rows.push({
    benchmark: `paginate ${f.items.toLocaleString("en")} topics (${f.pages} pages)`,
    figure:
      `${f.ms} ms; heap ${f.baseline.heapMB} → peak ${f.peak.heapMB} MB, rss ${f.baseline.rssMB} → ${f.peak.rssMB} MB`,
    target: "— (heap grows with the list kept)",
  });
}

const SECTIONS: Record<string, (rows: Row[], results: Record<string, unknown>) => Promise<void>> = {
  validate: benchValidate,
  cli: benchCli,
  architecture: benchImports,
  signer: benchSigning,
  emulator: benchEmulatorRps,
  engine: benchEngineCalls,
  ratelimit: benchRateLimited,
  paginate: benchPaginated,
};

if (import.meta.main) {
  const wanted = Deno.args.length > 0 ? Deno.args : Object.keys(SECTIONS);
  const rows: Row[] = [];
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine:
      `${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, deno ${Deno.version.deno}`,
  };
  for (const name of wanted) {
    const section = SECTIONS[name];
    if (section === undefined) {
      console.error(`unknown benchmark "${name}" (known: ${Object.keys(SECTIONS).join(", ")})`);
      Deno.exit(2);
    }
    await section(rows, results);
  }
  const width = Math.max(...rows.map((r) => r.benchmark.length));
  const figWidth = Math.max(...rows.map((r) => r.figure.length));
  console.log(`${"benchmark".padEnd(width)}  ${"figure".padEnd(figWidth)}  target`);
  for (const row of rows) {
    console.log(`${row.benchmark.padEnd(width)}  ${row.figure.padEnd(figWidth)}  ${row.target}`);
  }
  console.log(`\n${results.machine}`);
  await Deno.mkdir(`${ROOT}bench`, { recursive: true });
  // Running some sections updates their figures and keeps the others' from earlier runs.
  let earlier: Record<string, unknown> = {};
  if (Deno.args.length > 0) {
    try {
      earlier = JSON.parse(await Deno.readTextFile(`${ROOT}bench/results.json`));
    } catch {
      earlier = {};
    }
  }
  await Deno.writeTextFile(
    `${ROOT}bench/results.json`,
    JSON.stringify({ ...earlier, ...results }, null, 2) + "\n",
  );
}
