/**
 * Test helpers of the journal tests: a temp state dir and an in-process emulator, `tcflow`
 * commands run in-process against it, and a journaled run through the real executor whose
 * journal sink can die at a chosen event (a crash: nothing after it is written, and the
 * executor stops).
 *
 * @module
 */
import assert from "node:assert/strict";
import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import type { RunEvent, RunSink } from "../lib/journal/events.ts";
import { type RunResult, runWorkflow } from "../lib/engine/executor.ts";
import { createRateLimiter } from "../lib/engine/rate_limiter.ts";
import { createTencentClient } from "../lib/tencent/client.ts";
import { type Deps, systemDeps } from "../lib/deps.ts";
import { FileJournalStore } from "../lib/journal/file_store.ts";
import { runMeta } from "../lib/journal/store.ts";
import { loadWorkflowText } from "../lib/workflow/load.ts";
import { parseInputFlags, secretValues } from "../lib/workflow/inputs.ts";
import { type CliResult, runCli } from "./_cli.ts";

/** The emulator's demo credential. */
export const CREDENTIAL = {
  secretId: DEMO_CREDENTIAL.secretId,
  secretKey: DEMO_CREDENTIAL.secretKey,
};

const ENV = {
  TENCENTCLOUD_SECRET_ID: CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: CREDENTIAL.secretKey,
  TENCENTCLOUD_REGION: "ap-guangzhou",
};

/** The error a crashing sink throws. */
export class Crash extends Error {}

/** When to die: before writing an event, or right after writing it. */
export type CrashAt =
  | { before: (event: RunEvent) => boolean }
  | { after: (event: RunEvent) => boolean };

/** A sink that dies at an event; every later append fails as well. */
export function crashingSink(inner: RunSink, at: CrashAt): RunSink {
  let dead = false;
  return {
    async append(event) {
      if (dead || ("before" in at && at.before(event))) {
        dead = true;
        throw new Crash("killed");
      }
      await inner.append(event);
      if ("after" in at && at.after(event)) {
        dead = true;
        throw new Crash("killed");
      }
    },
  };
}

/** A temp state dir and an emulator. */
export interface Fixture {
  dir: string;
  store: FileJournalStore;
  emulator: ReturnType<typeof createEmulator>;
  fetch: (r: Request) => Promise<Response>;
}

/** A new fixture (a temp dir, a fresh emulator); `fetch` replaces the emulator as the API. */
export async function fixture(fetch?: (r: Request) => Promise<Response>): Promise<Fixture> {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-journal-" });
  const emulator = createEmulator();
  const store = new FileJournalStore(`${dir}/.tcflow`);
  return { dir, store, emulator, fetch: fetch ?? emulator.handle };
}

/** Runs workflow text as `tcflow run` does, journaled under the fixture's state dir. */
export async function journaledRun(
  fx: Fixture,
  text: string,
  o: { runId: string; inputs?: string[]; crash?: CrashAt },
): Promise<RunResult | "crashed"> {
  const file = `${fx.dir}/workflow.yaml`;
  await Deno.writeTextFile(file, text);
  const loaded = loadWorkflowText(text, file);
  assert.ok(loaded.workflow, JSON.stringify(loaded.diagnostics));
  const wf = loaded.workflow;
  const inputs = parseInputFlags(o.inputs ?? [], undefined, wf.inputs);
  const secrets = [...secretValues(inputs, wf.inputs), CREDENTIAL.secretKey];
  const deps: Deps = { ...systemDeps(), fetch: fx.fetch };
  await fx.store.create(
    await runMeta({
      runId: o.runId,
      workflow: wf,
      inputs,
      startedMs: deps.now(),
      secrets,
      region: "ap-guangzhou",
    }),
  );
  const journal = fx.store.sink(o.runId, { secrets });
  try {
    return await runWorkflow(wf, {
      inputs,
      deps,
      client: createTencentClient({ deps, credential: CREDENTIAL }),
      rateLimiter: createRateLimiter({ deps }),
      sink: o.crash ? crashingSink(journal, o.crash) : journal,
      runId: o.runId,
      region: "ap-guangzhou",
      secrets,
    });
  } catch (error) {
    if (error instanceof Crash) return "crashed";
    throw error;
  } finally {
    await fx.store.close(o.runId);
    await lockFreed(fx.store, o.runId);
  }
}

/**
 * Waits (at most 10 s, then fails saying so) until the run's lock is free. A killed process
 * frees it when it exits; a run that "died" in this process closed its lock file, but a
 * subprocess that another test of this process (`deno test --parallel` runs files on threads of
 * one process) is starting meanwhile holds a copy of the descriptor until it execs, and with it
 * the lock: `runs` then read the crashed run as `running` (seen under load, 1 in 3 with a test
 * spawning processes beside it).
 */
async function lockFreed(store: FileJournalStore, runId: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (!(await store.isLocked(runId))) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the lock of run ${runId} was still held 10 s after the run was closed`);
}

/** Runs `tcflow args…` in-process on the fixture's state dir and emulator. */
export function cli(fx: Fixture, args: string[]): Promise<CliResult> {
  const connect = ["run", "resume", "rollback"].includes(args[0] ?? "");
  const extra = connect ? ["--endpoint-url", "http://emulator.test"] : [];
  return runCli([...args, "--state-dir", `${fx.dir}/.tcflow`, ...extra], {
    env: ENV,
    deps: { fetch: fx.fetch },
    cwd: fx.dir,
  });
}

/** The calls of one action the emulator answered without an error (applied). */
export function applied(fx: Fixture, action: string) {
  return fx.emulator.calls().filter((c) => c.action === action && c.outcome === "ok");
}
