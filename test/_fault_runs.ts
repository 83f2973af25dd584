/**
 * The fault suite: seeded runs of the sample workflows (`cli.ts run` subprocesses) against the
 * emulator server with faults injected at a given rate — error codes, HTTP 5xx, latency, and
 * connections cut before and after the request is applied. Every run must either succeed with
 * the uninterrupted run's final state, or stop `failed`/`uncertain` honestly: nothing applied
 * twice, every step reported succeeded applied exactly once per call of the reference run, and
 * no step reported failed (rather than uncertain) whose call was in fact applied.
 *
 * @module
 */
import type { EmulatorServer } from "../lib/emulator/server.ts";
import { FileJournalStore } from "../lib/journal/file_store.ts";
import { loadWorkflowFile } from "../lib/workflow/load.ts";
import {
  appliedTwice,
  mutatingCounts,
  normalizeState,
  type Reference,
  reference,
  ROOT,
  runDocument,
  spawnCli,
  startEmulator,
  table,
  tempStateDir,
} from "./_crash.ts";

/** The fault spec of a rate: 40% of it error codes, 20% each 5xx, cuts before and after. */
export function faultSpec(rate: number): string {
  const part = (share: number) => Number((rate * share).toFixed(4));
  return [
    `rate=${part(0.4)}`,
    "codes=InternalError,ResourceUnavailable,RequestLimitExceeded,FailedOperation.NetworkError",
    `5xx=${part(0.2)}:502`,
    `cut-before=${part(0.2)}`,
    `cut-after=${part(0.2)}`,
    `latency=${rate}:15ms`,
  ].join(";");
}

/** One run of the suite. */
export interface FaultRun {
  workflow: string;
  rate: number;
  seed: number;
  /** `uncertain`: the run failed with a step reported uncertain. */
  outcome: "succeeded" | "failed" | "uncertain";
  /** Faults the emulator injected (latency not counted). */
  injected: number;
  /** Failed attempts that the runtime retried. */
  retries: number;
  /** Calls that reached the emulator. */
  calls: number;
  /** What was wrong; undefined for an honest run. */
  violation?: string;
}

interface StepInfo {
  action: string;
  foreach: boolean;
}

async function stepInfo(workflow: string): Promise<Map<string, StepInfo>> {
  const loaded = await loadWorkflowFile(`${ROOT}${workflow}`);
  const map = new Map<string, StepInfo>();
  for (const step of loaded.workflow?.steps ?? []) {
    if (step.kind !== "action") continue;
    map.set(step.id, {
      action: `${step.action.service}.${step.action.action}`,
      foreach: step.foreach !== undefined,
    });
  }
  return map;
}

async function injectedCount(server: EmulatorServer): Promise<number> {
  const response = await server.emulator.handle(new Request(`${server.url}/_emulator/faults`));
  return ((await response.json()) as { injected: number }).injected;
}

/** Runs one workflow once with faults at `rate` drawn from `seed`, and judges the outcome. */
export async function faultRun(
  server: EmulatorServer,
  ref: Reference,
  o: { rate: number; seed: number },
): Promise<FaultRun> {
  const steps = await stepInfo(ref.workflow);
  server.emulator.reset();
  const initial = server.emulator.state();
  server.emulator.setFaults(faultSpec(o.rate), o.seed);
  const stateDir = await tempStateDir("tcflow-faults-");
  try {
    const out = await spawnCli([
      "run",
      ref.workflow,
      "--endpoint-url",
      server.url,
      "--state-dir",
      stateDir,
      "--json",
      "--quiet",
    ]).done();
    const injected = await injectedCount(server);
    server.emulator.setFaults(undefined);
    const calls = server.emulator.calls();
    const store = new FileJournalStore(stateDir);
    const [summary] = await store.list();
    const events = summary === undefined ? [] : (await store.read(summary.runId)).events;
    const retries = events.filter((e) => e.type === "attempt-failed" && e.retryInMs !== undefined)
      .length;
    const doc = runDocument(out.stdout);
    const base = { workflow: ref.workflow, rate: o.rate, seed: o.seed, injected, retries };
    const run: FaultRun = { ...base, calls: calls.length, outcome: "failed" };
    if (doc === undefined || (out.code !== 0 && out.code !== 1)) {
      return { ...run, violation: `exit ${out.code}: ${out.stderr.trim().split("\n").at(-1)}` };
    }
    run.outcome = doc.status === "succeeded"
      ? "succeeded"
      : doc.steps.some((s) => s.status === "uncertain")
      ? "uncertain"
      : "failed";
    if ((out.code === 0) !== (doc.status === "succeeded")) {
      return { ...run, violation: `exit ${out.code} with status ${doc.status}` };
    }
    const { applied, received } = mutatingCounts(calls);
    // A request the runtime sent once must reach the emulator at most once: more means the
    // HTTP transport re-sent it on its own (Deno's fetch does so after a cut connection).
    for (const step of doc.steps) {
      const info = steps.get(step.id);
      if (info === undefined || !(info.action in ref.applied)) continue;
      const n = received[info.action] ?? 0;
      if (n > step.attempts) {
        return {
          ...run,
          violation:
            `${info.action} reached the emulator ${n} times for ${step.attempts} request(s) sent: re-sent by the transport`,
        };
      }
    }
    // Only the reference's actions count as creations: undo calls (rollback: on_failure) do not.
    const created = Object.fromEntries(
      Object.keys(ref.applied).map((action) => [action, applied[action] ?? 0]),
    );
    const twice = appliedTwice(created, ref.applied);
    if (twice.length > 0) return { ...run, violation: `applied twice: ${twice.join(", ")}` };
    if (run.outcome === "succeeded") {
      const lost = appliedTwice(ref.applied, created);
      if (lost.length > 0) return { ...run, violation: `applied fewer times: ${lost.join(", ")}` };
      const final = normalizeState(
        { state: server.emulator.state(), outputs: doc.outputs },
        initial,
      );
      if (final !== ref.final) {
        return { ...run, violation: "succeeded with a different final state" };
      }
      return run;
    }
    for (const step of doc.steps) {
      const info = steps.get(step.id);
      if (info === undefined || !(info.action in ref.applied)) continue;
      const n = applied[info.action] ?? 0;
      if (step.status === "succeeded" && n !== ref.applied[info.action]) {
        return { ...run, violation: `${step.id} succeeded but ${info.action} was applied ×${n}` };
      }
      if (step.status === "failed" && !info.foreach && n > 0) {
        return {
          ...run,
          violation:
            `${step.id} reported failed (${step.error?.code}) but ${info.action} was applied`,
        };
      }
    }
    return run;
  } finally {
    server.emulator.setFaults(undefined);
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
  }
}

/** Figures of a suite, per rate. */
export interface FaultFigures {
  rate: number;
  runs: number;
  injected: number;
  retries: number;
  succeeded: number;
  failed: number;
  uncertain: number;
  violations: number;
}

/** Runs every workflow at every rate for `seeds` seeds from `seed`. */
export async function faultSuite(o: {
  workflows: readonly string[];
  rates: readonly number[];
  seeds: number;
  seed: number;
  log?: (line: string) => void;
}): Promise<{ runs: FaultRun[]; figures: FaultFigures[] }> {
  const server = await startEmulator();
  const runs: FaultRun[] = [];
  try {
    const refs = new Map<string, Reference>();
    for (const workflow of o.workflows) refs.set(workflow, await reference(server, workflow));
    for (const rate of o.rates) {
      for (let i = 0; i < o.seeds; i++) {
        for (const workflow of o.workflows) {
          const seed = (o.seed + i * 7919 + Math.round(rate * 1000)) >>> 0;
          const run = await faultRun(server, refs.get(workflow)!, { rate, seed });
          runs.push(run);
          o.log?.(
            `${
              rate * 100
            }% seed ${seed} ${workflow}: ${run.outcome}, ${run.injected} faults, ${run.retries} retries, ${run.calls} calls${
              run.violation ? `, VIOLATION: ${run.violation}` : ""
            }`,
          );
        }
      }
    }
  } finally {
    await server.close();
  }
  const figures = o.rates.map((rate) => {
    const of = runs.filter((r) => r.rate === rate);
    const sum = (f: (r: FaultRun) => number) => of.reduce((a, r) => a + f(r), 0);
    return {
      rate,
      runs: of.length,
      injected: sum((r) => r.injected),
      retries: sum((r) => r.retries),
      succeeded: of.filter((r) => r.outcome === "succeeded").length,
      failed: of.filter((r) => r.outcome === "failed").length,
      uncertain: of.filter((r) => r.outcome === "uncertain").length,
      violations: of.filter((r) => r.violation !== undefined).length,
    };
  });
  return { runs, figures };
}

/** The figures as a table, one row per rate and a total. */
export function faultTable(figures: FaultFigures[]): string {
  const total = figures.reduce(
    (t, f) => ({
      runs: t.runs + f.runs,
      injected: t.injected + f.injected,
      retries: t.retries + f.retries,
      succeeded: t.succeeded + f.succeeded,
      failed: t.failed + f.failed,
      uncertain: t.uncertain + f.uncertain,
      violations: t.violations + f.violations,
    }),
    { runs: 0, injected: 0, retries: 0, succeeded: 0, failed: 0, uncertain: 0, violations: 0 },
  );
  const row = (label: string, f: Omit<FaultFigures, "rate">) => [
    label,
    f.runs,
    f.injected,
    f.retries,
    f.succeeded,
    f.failed,
    f.uncertain,
    f.violations,
  ];
  return table([
    ["fault rate", "runs", "faults", "retries", "succeeded", "failed", "uncertain", "violations"],
    ...figures.map((f) => row(`${Math.round(f.rate * 100)}%`, f)),
    row("total", total),
  ]);
}
