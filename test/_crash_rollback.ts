/**
 * The rollback part of the crash trials: once a trial's run has finished, `tcflow rollback` is
 * run on it and SIGKILLed at seeded points (between and during compensations), then run again
 * until it reports the run `rolled_back`. It must finish (an undo already done, answered
 * `ResourceNotFound*`, counts as done), apply every undo exactly as often as an uninterrupted
 * rollback does (never twice), and leave the same final state.
 *
 * @module
 */
import type { EmulatorServer } from "../lib/emulator/server.ts";
import { FileJournalStore } from "../lib/journal/file_store.ts";
import {
  appliedTwice,
  mutatingCounts,
  normalizeState,
  type Rng,
  runDocument,
  spawnCli,
  tempStateDir,
} from "./_crash.ts";

/** Workflows whose every change has an undo that is safe to send again (the rollback trials). */
export const ROLLBACK_WORKFLOWS: readonly string[] = [
  "test/crash/usage-plans.yaml",
  "test/crash/instance-poll.yaml",
];

/** Most rollbacks of one trial; only the first ones may be killed. */
const MAX_ROLLBACKS = 6;
const KILLABLE_ROLLBACKS = 3;

/** What an uninterrupted run then rollback leaves. */
export interface RollbackReference {
  /** Normalized emulator state after the rollback. */
  final: string;
  /** Mutating calls the rollback applied, per `service.Action`. */
  applied: Record<string, number>;
}

/** How the rollback part of one trial went. */
export interface RollbackOutcome {
  kills: number;
  rollbacks: number;
  /** Why it diverged (or did not finish); undefined when it did not. */
  divergent?: string;
  /** Some undo was applied more often than in the reference. */
  duplicate?: boolean;
}

/** Kills a process at a seeded point after `anchor` on its stderr (see `_crash_trials.ts`). */
export type KillSomewhere = (
  proc: ReturnType<typeof spawnCli>,
  anchor: RegExp,
  rng: Rng,
  o: { spanMs: number; eventsFile: () => Promise<string | undefined>; maxEvents: number },
) => Promise<boolean>;

/** Runs `workflow` then rolls it back, uninterrupted. */
export async function rollbackReference(
  server: EmulatorServer,
  workflow: string,
): Promise<RollbackReference> {
  server.emulator.reset();
  const initial = server.emulator.state();
  const stateDir = await tempStateDir("tcflow-ref-rollback-");
  try {
    const connect = ["--endpoint-url", server.url, "--state-dir", stateDir, "--json", "--quiet"];
    const run = await spawnCli(["run", workflow, ...connect]).done();
    const runId = runDocument(run.stdout)?.run_id;
    if (run.code !== 0 || runId === undefined) {
      throw new Error(`the reference run of ${workflow} failed: ${run.stderr}`);
    }
    const from = server.emulator.calls().length;
    const rolled = await spawnCli(["rollback", runId, ...connect]).done();
    if (rolled.code !== 0) throw new Error(`the reference rollback failed: ${rolled.stderr}`);
    return {
      final: normalizeState({ state: server.emulator.state() }, initial),
      applied: mutatingCounts(server.emulator.calls().slice(from)).applied,
    };
  } finally {
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
  }
}

/** Rolls back a finished run, killing some rollbacks, until it is `rolled_back`. */
export async function rollbackWithKills(
  server: EmulatorServer,
  o: {
    runId: string;
    stateDir: string;
    initial: unknown;
    ref: RollbackReference;
    rng: Rng;
    spanMs: number;
    killSomewhere: KillSomewhere;
  },
): Promise<RollbackOutcome> {
  const { rng } = o;
  const store = new FileJournalStore(o.stateDir);
  const eventsFile = () => Promise.resolve(`${store.runDir(o.runId)}/events.jsonl`);
  const connect = ["--endpoint-url", server.url, "--state-dir", o.stateDir, "--json"];
  const from = server.emulator.calls().length;
  const outcome: RollbackOutcome = { kills: 0, rollbacks: 0 };
  for (;;) {
    if (outcome.rollbacks >= MAX_ROLLBACKS) {
      return { ...outcome, divergent: `rollback not finished after ${MAX_ROLLBACKS} tries` };
    }
    outcome.rollbacks++;
    const proc = spawnCli(["rollback", o.runId, ...connect]);
    if (outcome.rollbacks <= KILLABLE_ROLLBACKS && rng.chance(0.6)) {
      const killed = await o.killSomewhere(proc, /^rolling back run /, rng, {
        spanMs: o.spanMs,
        eventsFile,
        maxEvents: 12,
      });
      if (killed) {
        outcome.kills++;
        continue;
      }
    }
    const last = await proc.done();
    const status = (runDocument(last.stdout) as { status?: string } | undefined)?.status;
    if (last.code === 0 && status === "rolled_back") break;
    return { ...outcome, divergent: `rollback exited ${last.code} (${status}): ${last.stderr}` };
  }
  const record = await store.read(o.runId);
  const listed = (await store.list()).find((run) => run.runId === o.runId)?.status;
  if (listed !== "rolled_back") {
    return { ...outcome, divergent: `runs lists the run ${listed}, not rolled_back` };
  }
  const { applied } = mutatingCounts(server.emulator.calls().slice(from));
  const twice = appliedTwice(applied, o.ref.applied);
  if (twice.length > 0) {
    return { ...outcome, duplicate: true, divergent: `undo applied twice: ${twice.join(", ")}` };
  }
  const lost = appliedTwice(o.ref.applied, applied);
  if (lost.length > 0) return { ...outcome, divergent: `undo not applied: ${lost.join(", ")}` };
  const final = normalizeState({ state: server.emulator.state() }, o.initial);
  if (final !== o.ref.final) {
    return {
      ...outcome,
      divergent: `state after rollback differs (${record.events.length} events)`,
    };
  }
  return outcome;
}
