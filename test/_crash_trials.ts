/**
 * Crash trials: a sample workflow runs as a `cli.ts` subprocess against the emulator server,
 * is SIGKILLed at a seeded point (a delay, or a number of journal events), then `resume`d —
 * sometimes killed again while resuming — until it finishes. The final emulator state (ids and
 * timestamps mapped) must equal an uninterrupted run's, with every mutating action applied
 * exactly as often as in that run. A step reported `uncertain` (a mutating call without a
 * ClientToken in flight at the kill) is checked by hand, as a user would: when the emulator's
 * call log shows it was not applied, `resume --retry-uncertain` must reach the same state;
 * when it was applied, the trial is counted apart (the user has to settle it), and must still
 * show nothing applied twice.
 *
 * @module
 */
import type { EmulatorServer } from "../lib/emulator/server.ts";
import { FileJournalStore } from "../lib/journal/file_store.ts";
import { replay } from "../lib/journal/replay.ts";
import { loadWorkflowFile } from "../lib/workflow/load.ts";
import {
  appliedTwice,
  createRng,
  mutatingCounts,
  normalizeState,
  type Reference,
  reference,
  type Rng,
  ROOT,
  type RunDocument,
  runDocument,
  spawnCli,
  startEmulator,
  table,
  tempStateDir,
  TRIAL_WORKFLOWS,
} from "./_crash.ts";
import {
  ROLLBACK_WORKFLOWS,
  type RollbackReference,
  rollbackReference,
  rollbackWithKills,
} from "./_crash_rollback.ts";

/** How one trial ended. */
export interface TrialOutcome {
  workflow: string;
  /** SIGKILLs sent (to `run` and to `resume`). */
  kills: number;
  resumes: number;
  /**
   * `completed`: finished, state compared; `uncertain-retried`: an uncertain step was checked
   * not applied and sent again with `--retry-uncertain`, state compared; `uncertain-applied`:
   * an uncertain step was applied before the kill (left to the user, not compared).
   */
  kind: "completed" | "uncertain-retried" | "uncertain-applied";
  /** Why the trial diverged; undefined when it did not. */
  divergent?: string;
  /** Something was applied more often than in the reference run (a duplicate). */
  duplicate?: boolean;
  /** The rollback part, for the workflows of `ROLLBACK_WORKFLOWS`: kills and tries. */
  rollback?: { kills: number; rollbacks: number; finished: boolean };
}

/** Figures of many trials. */
export interface TrialFigures {
  trials: number;
  kills: number;
  resumes: number;
  uncertain: number;
  uncertainRetried: number;
  uncertainApplied: number;
  divergent: number;
  duplicates: number;
  /** Trials with a rollback part, SIGKILLs of rollbacks, rollbacks that finished. */
  rollbackTrials: number;
  rollbackKills: number;
  rollbacksFinished: number;
  /** SIGKILLs by where they landed (see {@link killPlaces}). */
  killPlaces: Record<string, number>;
}

/** Most resumes of one trial; only the first ones may be killed. */
const MAX_RESUMES = 6;
const KILLABLE_RESUMES = 2;

/** The action (`service.Action`) of each action step of a workflow file. */
async function stepActions(workflow: string): Promise<Map<string, string>> {
  const loaded = await loadWorkflowFile(`${ROOT}${workflow}`);
  const map = new Map<string, string>();
  for (const step of loaded.workflow?.steps ?? []) {
    if (step.kind === "action") map.set(step.id, `${step.action.service}.${step.action.action}`);
  }
  return map;
}

/** The uninterrupted runs (and rollbacks) to compare with, one per trial workflow. */
export async function references(
  server: EmulatorServer,
): Promise<Map<string, Reference & { rollback?: RollbackReference }>> {
  const refs = new Map<string, Reference & { rollback?: RollbackReference }>();
  for (const workflow of TRIAL_WORKFLOWS) {
    const ref: Reference & { rollback?: RollbackReference } = await reference(server, workflow);
    if (ROLLBACK_WORKFLOWS.includes(workflow)) {
      ref.rollback = await rollbackReference(server, workflow);
    }
    refs.set(workflow, ref);
  }
  return refs;
}

async function lineCount(path: string): Promise<number> {
  try {
    const text = await Deno.readTextFile(path);
    return text.split("\n").length - 1;
  } catch {
    return 0;
  }
}

/**
 * Kills the process at a seeded point after `anchor` appears on its stderr: after a delay up
 * to `spanMs`, or once the run's journal has `events` more lines. Returns whether it killed.
 */
export async function killSomewhere(
  proc: ReturnType<typeof spawnCli>,
  anchor: RegExp,
  rng: Rng,
  o: { spanMs: number; eventsFile: () => Promise<string | undefined>; maxEvents: number },
): Promise<boolean> {
  const line = await proc.waitForLine(anchor);
  if (line === undefined) return false;
  let ended = false;
  void proc.done().then(() => (ended = true));
  if (rng.chance(0.5)) {
    await new Promise((resolve) => setTimeout(resolve, rng.int(0, o.spanMs)));
  } else {
    const file = await o.eventsFile();
    const start = file === undefined ? 0 : await lineCount(file);
    const target = start + rng.int(1, o.maxEvents);
    while (!ended && file !== undefined && (await lineCount(file)) < target) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  if (ended) return false;
  proc.kill();
  await proc.done();
  const place = placeOf(await lastEventType(await o.eventsFile()));
  killPlaces[place] = (killPlaces[place] ?? 0) + 1;
  return true;
}

/**
 * Where the SIGKILLs landed, judged by the last event the journal held then (`poll`: after a
 * false `until`, waiting or sending the next poll; `page`: between pages; `foreach item`;
 * `rollback`: between or during undos; `other`: anywhere else). Summed over the trials.
 */
export const killPlaces: Record<string, number> = {};

function placeOf(type: string | undefined): string {
  if (type === "poll-waiting") return "poll";
  if (type === "page-fetched") return "page";
  if (type === "item-started" || type === "item-finished" || type === "foreach-progress") {
    return "foreach item";
  }
  if (type?.startsWith("undo-")) return "rollback";
  return "other";
}

async function lastEventType(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const text = await Deno.readTextFile(file).catch(() => "");
  const last = text.split("\n").filter((line) => line.endsWith("}")).at(-1);
  try {
    const record = last === undefined ? undefined : JSON.parse(last);
    return (record?.e ?? record)?.type;
  } catch {
    return undefined;
  }
}

/** Runs one crash trial; `rng` decides every choice. */
export async function crashTrial(
  server: EmulatorServer,
  refs: Map<string, Reference & { rollback?: RollbackReference }>,
  rng: Rng,
): Promise<TrialOutcome> {
  const workflow = rng.pick(TRIAL_WORKFLOWS);
  const ref = refs.get(workflow)!;
  const actions = await stepActions(workflow);
  server.emulator.reset();
  const initial = server.emulator.state();
  // Some latency widens the windows in which a request is in flight.
  const latencyMs = rng.pick([0, 0, 5, 20]);
  if (latencyMs > 0) server.emulator.setFaults(`latency=1:${latencyMs}ms`, rng.int(0, 1e6));
  const stateDir = await tempStateDir("tcflow-crash-");
  const store = new FileJournalStore(stateDir);
  const connect = ["--endpoint-url", server.url, "--state-dir", stateDir, "--json"];
  const spanMs = Math.ceil(ref.runMs * 1.5) + latencyMs * 12;
  const outcome: TrialOutcome = { workflow, kills: 0, resumes: 0, kind: "completed" };
  let runId: string | undefined;
  const eventsFile = async () => {
    runId ??= (await store.list().catch(() => []))[0]?.runId;
    return runId === undefined ? undefined : `${store.runDir(runId)}/events.jsonl`;
  };
  try {
    const first = spawnCli(["run", workflow, ...connect]);
    const killed = await killSomewhere(first, /^journal: /, rng, {
      spanMs,
      eventsFile,
      maxEvents: 24,
    });
    if (killed) outcome.kills++;
    let last = await first.done();
    runId = (await store.list())[0]?.runId;
    if (runId === undefined) {
      return { ...outcome, divergent: `no run was journaled: ${last.stderr}` };
    }
    let doc = killed ? undefined : runDocument(last.stdout);
    let retryUncertain = false;
    while (doc?.status !== "succeeded") {
      if (outcome.resumes >= MAX_RESUMES) {
        return {
          ...outcome,
          divergent: `not finished after ${MAX_RESUMES} resumes: ${last.stderr}`,
        };
      }
      outcome.resumes++;
      const args = ["resume", runId, ...connect, ...(retryUncertain ? ["--retry-uncertain"] : [])];
      retryUncertain = false;
      const proc = spawnCli(args);
      let resumeKilled = false;
      if (outcome.resumes <= KILLABLE_RESUMES && rng.chance(0.35)) {
        resumeKilled = await killSomewhere(proc, /^resuming run /, rng, {
          spanMs,
          eventsFile,
          maxEvents: 12,
        });
        if (resumeKilled) outcome.kills++;
      }
      last = await proc.done();
      if (resumeKilled) continue;
      doc = runDocument(last.stdout);
      if (last.code === 0 && doc?.status === "succeeded") break;
      const uncertain = (doc?.steps ?? []).filter((s) => s.status === "uncertain");
      if (last.code !== 1 || uncertain.length === 0) {
        return { ...outcome, divergent: `resume exited ${last.code}: ${lastLines(last.stderr)}` };
      }
      // The manual check: was the uncertain call applied? The emulator's call log says: more
      // calls of its action were applied than the journal records as succeeded.
      const { applied } = mutatingCounts(server.emulator.calls());
      const journaled = await succeededCalls(store, runId, actions);
      const wasApplied = uncertain.some((s) => {
        const action = actions.get(s.id) ?? "";
        return (applied[action] ?? 0) > (journaled[action] ?? 0);
      });
      if (wasApplied) {
        return {
          ...outcome,
          kind: "uncertain-applied",
          ...(await checkPartial(store, runId, applied, ref, actions)),
        };
      }
      outcome.kind = "uncertain-retried";
      retryUncertain = true;
    }
    const compared = { ...outcome, ...compare(server, initial, ref, doc) };
    if (compared.divergent !== undefined || ref.rollback === undefined || !rng.chance(0.6)) {
      return compared;
    }
    const rolled = await rollbackWithKills(server, {
      runId,
      stateDir,
      initial,
      ref: ref.rollback,
      rng,
      spanMs,
      killSomewhere,
    });
    return {
      ...compared,
      kills: compared.kills + rolled.kills,
      rollback: {
        kills: rolled.kills,
        rollbacks: rolled.rollbacks,
        finished: rolled.divergent === undefined,
      },
      ...(rolled.divergent !== undefined ? { divergent: `rollback: ${rolled.divergent}` } : {}),
      ...(rolled.duplicate ? { duplicate: true } : {}),
    };
  } finally {
    server.emulator.setFaults(undefined);
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
  }
}

/**
 * A run left with an applied uncertain step: nothing applied twice, and every step the journal
 * records as succeeded was applied exactly as often as in the reference (nothing lost).
 */
async function checkPartial(
  store: FileJournalStore,
  runId: string,
  applied: Record<string, number>,
  ref: Reference,
  actions: Map<string, string>,
): Promise<{ divergent?: string; duplicate?: boolean }> {
  const twice = appliedTwice(applied, ref.applied);
  if (twice.length > 0) return { divergent: `applied twice: ${twice.join(", ")}`, duplicate: true };
  const record = await store.read(runId);
  for (const step of replay(record.events, record.meta).steps) {
    const action = actions.get(step.id);
    if (step.status !== "succeeded" || action === undefined) continue;
    const expected = ref.applied[action] ?? 0;
    if ((applied[action] ?? 0) !== expected) {
      return {
        divergent: `${step.id} succeeded but ${action} was applied ${
          applied[action] ?? 0
        } times (reference ${expected})`,
      };
    }
  }
  return {};
}

/**
 * Calls of each action (`service.Action`) the journal records as applied: one per succeeded
 * step without `foreach`, one per succeeded item of a `foreach` step.
 */
async function succeededCalls(
  store: FileJournalStore,
  runId: string,
  actions: Map<string, string>,
): Promise<Record<string, number>> {
  const record = await store.read(runId);
  const counts: Record<string, number> = {};
  for (const step of replay(record.events, record.meta).steps) {
    const action = actions.get(step.id);
    if (action === undefined) continue;
    const n = step.itemRecords.length > 0
      ? step.itemRecords.filter((item) => item.status === "succeeded").length
      : step.status === "succeeded"
      ? 1
      : 0;
    counts[action] = (counts[action] ?? 0) + n;
  }
  return counts;
}

/** Compares the final state and the applied calls with the reference run. */
function compare(
  server: EmulatorServer,
  initial: unknown,
  ref: Reference,
  doc: RunDocument,
): { divergent?: string; duplicate?: boolean } {
  const { applied } = mutatingCounts(server.emulator.calls());
  const twice = appliedTwice(applied, ref.applied);
  if (twice.length > 0) return { divergent: `applied twice: ${twice.join(", ")}`, duplicate: true };
  const lost = appliedTwice(ref.applied, applied);
  if (lost.length > 0) return { divergent: `applied fewer times than the reference: ${lost}` };
  const final = normalizeState({ state: server.emulator.state(), outputs: doc.outputs }, initial);
  if (final !== ref.final) {
    return { divergent: `final state differs: ${firstDifference(final, ref.final)}` };
  }
  return {};
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `…${a.slice(Math.max(0, i - 80), i + 80)}… vs …${b.slice(Math.max(0, i - 80), i + 80)}…`;
}

function lastLines(text: string): string {
  return text.trimEnd().split("\n").slice(-3).join(" | ");
}

/** Runs `trials` crash trials from `seed` and sums them up. */
export async function crashTrials(
  o: { trials: number; seed: number; log?: (line: string) => void },
): Promise<{ figures: TrialFigures; outcomes: TrialOutcome[] }> {
  const server = await startEmulator();
  const outcomes: TrialOutcome[] = [];
  for (const place of Object.keys(killPlaces)) delete killPlaces[place];
  try {
    const refs = await references(server);
    for (let i = 0; i < o.trials; i++) {
      const rng = createRng((o.seed + i * 0x9e3779b1) >>> 0);
      const outcome = await crashTrial(server, refs, rng);
      outcomes.push(outcome);
      o.log?.(
        `trial ${
          i + 1
        }/${o.trials} ${outcome.workflow}: ${outcome.kills} kill(s), ${outcome.resumes} resume(s), ${outcome.kind}${
          outcome.rollback !== undefined
            ? `, rollback ${outcome.rollback.rollbacks} tr${
              outcome.rollback.rollbacks === 1 ? "y" : "ies"
            } (${outcome.rollback.kills} killed)`
            : ""
        }${outcome.divergent ? `, DIVERGENT: ${outcome.divergent}` : ""}`,
      );
      if ((i + 1) % 10 === 0) {
        o.log?.(`after ${i + 1} trials, kills by place: ${JSON.stringify(killPlaces)}`);
      }
    }
  } finally {
    await server.close();
  }
  const figures: TrialFigures = {
    trials: outcomes.length,
    kills: sum(outcomes.map((t) => t.kills)),
    resumes: sum(outcomes.map((t) => t.resumes)),
    uncertain: outcomes.filter((t) => t.kind !== "completed").length,
    uncertainRetried: outcomes.filter((t) => t.kind === "uncertain-retried").length,
    uncertainApplied: outcomes.filter((t) => t.kind === "uncertain-applied").length,
    divergent: outcomes.filter((t) => t.divergent !== undefined).length,
    duplicates: outcomes.filter((t) => t.duplicate === true).length,
    rollbackTrials: outcomes.filter((t) => t.rollback !== undefined).length,
    rollbackKills: sum(outcomes.map((t) => t.rollback?.kills ?? 0)),
    rollbacksFinished: outcomes.filter((t) => t.rollback?.finished === true).length,
    killPlaces: { ...killPlaces },
  };
  return { figures, outcomes };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The figures as a table. */
export function figuresTable(f: TrialFigures): string {
  return table([
    [
      "trials",
      "kills",
      "resumes",
      "uncertain",
      "(retried)",
      "(left to user)",
      "rollbacks",
      "(killed)",
      "(finished)",
      "duplicates",
      "divergent",
    ],
    [
      f.trials,
      f.kills,
      f.resumes,
      f.uncertain,
      f.uncertainRetried,
      f.uncertainApplied,
      f.rollbackTrials,
      f.rollbackKills,
      f.rollbacksFinished,
      f.duplicates,
      f.divergent,
    ],
  ]);
}
