/**
 * `deno task bench`: every benchmark of tcflow in one run. Prints a table of figures and
 * writes them to `bench/results.json` with the machine they came from. Benchmarks report;
 * they do not pass or fail (targets are printed beside the figures).
 *
 * Run one section: `deno task bench validate` (sections: validate, cli, signer, emulator).
 *
 * @module
 */
import { benchSigner } from "./bench_signer.ts";

interface Row {
  benchmark: string;
  figure: string;
  target: string;
}

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
  const figures = [];
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
      target: steps === 5_000 ? "< 1,000 ms and < 300 MB" : "linear in size",
    });
  }
  results.validate = figures;
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
    target: "< 500 ms",
  });
}

async function benchSigning(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const { tcflowPerS, sdkPerS } = await benchSigner();
  results.signer = { tcflowPerS, sdkPerS };
  rows.push({
    benchmark: "TC3 signatures/s (tcflow vs SDK)",
    figure: `${Math.round(tcflowPerS)} vs ${Math.round(sdkPerS)} (×${
      (tcflowPerS / sdkPerS).toFixed(2)
    })`,
    target: "≥ SDK",
  });
}

async function benchEmulatorRps(rows: Row[], results: Record<string, unknown>): Promise<void> {
  const { benchEmulator } = await import("./bench_emulator.ts");
  const { requestsPerS } = await benchEmulator();
  results.emulator = { requestsPerS };
  rows.push({
    benchmark: "emulator signed requests/s (loopback)",
    figure: `${Math.round(requestsPerS)}`,
    target: "≥ 2,000",
  });
}

const SECTIONS: Record<string, (rows: Row[], results: Record<string, unknown>) => Promise<void>> = {
  validate: benchValidate,
  cli: benchCli,
  signer: benchSigning,
  emulator: benchEmulatorRps,
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
  await Deno.writeTextFile(`${ROOT}bench/results.json`, JSON.stringify(results, null, 2) + "\n");
}
