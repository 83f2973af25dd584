/**
 * Shared machinery of the crash trials and the fault suite (`test/crash_test.ts`,
 * `test/faults_test.ts`, `tools/proof_crash.ts`, `tools/proof_faults.ts`): the real `cli.ts` as
 * a subprocess against an emulator served over loopback in this process, SIGKILL at seeded
 * points, and the comparison of final emulator states with generated ids and timestamps mapped.
 *
 * @module
 */
import type { CallRecord } from "../lib/emulator/emulator.ts";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { type EmulatorServer, serveEmulator } from "../lib/emulator/server.ts";
import { FileJournalStore } from "../lib/journal/file_store.ts";
import { parseJson, stringifyJson } from "../lib/json.ts";
import { ROOT, TASK_PERMISSIONS } from "./_cli.ts";
import { createRng, type Rng } from "./_random.ts";

export { createRng, type Rng };

export { ROOT };

/** The workflows the trials run (each creates resources without a ClientToken). */
export const TRIAL_WORKFLOWS = [
  "workflows/apigateway-provisioning.yaml",
  "workflows/rocketmq-smooth-migration.yaml",
  // A foreach of creates without ClientToken (kills between and during items), a paginated
  // read (kills between pages) and an undo per item (the rollback trials).
  "test/crash/usage-plans.yaml",
  // A create, an until poll that is false for 3 rounds (kills between and during polls), a
  // foreach of creates on what it made; an undo per change (the rollback trials).
  "test/crash/instance-poll.yaml",
] as const;

/** The environment of the subprocesses: the emulator's demo credential, no colour. */
export const CLI_ENV: Record<string, string> = {
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
  TENCENTCLOUD_REGION: "ap-guangzhou",
  NO_COLOR: "1",
};

/** A running `cli.ts` subprocess. */
export interface CliProcess {
  child: Deno.ChildProcess;
  /** Resolves with the first stderr line matching `re` (undefined if the process ended first). */
  waitForLine(re: RegExp): Promise<string | undefined>;
  /** Waits for the end: exit code, whole stdout and stderr, whether it was killed. */
  done(): Promise<{ code: number; stdout: string; stderr: string; killed: boolean }>;
  kill(): void;
}

/** Starts `deno run <the tcflow task's permissions> cli.ts args…`, stderr and stdout read as they come. */
export function spawnCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): CliProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...TASK_PERMISSIONS, `${ROOT}cli.ts`, ...args],
    cwd: options.cwd ?? ROOT,
    env: { ...CLI_ENV, ...options.env },
    clearEnv: false,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  let stdout = "";
  let killed = false;
  const waiters: { re: RegExp; resolve: (line: string | undefined) => void }[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>, onText: (text: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) onText(decoder.decode(chunk, { stream: true }));
  };
  const stderrDone = pump(child.stderr, (text) => {
    stderr += text;
    const lines = stderr.split("\n");
    for (const waiter of [...waiters]) {
      const line = lines.find((l) => waiter.re.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const stdoutDone = pump(child.stdout, (text) => void (stdout += text));
  const finished = (async () => {
    const status = await child.status;
    await Promise.all([stderrDone, stdoutDone]).catch(() => {});
    for (const waiter of waiters.splice(0)) waiter.resolve(undefined);
    return { code: status.code, stdout, stderr, killed };
  })();
  return {
    child,
    waitForLine(re) {
      const line = stderr.split("\n").find((l) => re.test(l));
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((resolve) => waiters.push({ re, resolve }));
    },
    done: () => finished,
    kill() {
      try {
        child.kill("SIGKILL");
        killed = true;
      } catch {
        // already gone
      }
    },
  };
}

/** Reads actions: never change state (PRODUCT.md section 5). */
const READ_PREFIXES = ["Describe", "List", "Get", "Query", "Check", "Inquiry"];

/** True for an action that changes state. */
export function isMutatingAction(action: string): boolean {
  return !READ_PREFIXES.some((prefix) => action.startsWith(prefix));
}

/**
 * How many times each mutating action reached the emulator's handler and was applied (outcome
 * `ok`, or `cut-after`: applied, then the connection was dropped), and how many times it was
 * received at all (any outcome after the signature check).
 */
export function mutatingCounts(
  calls: CallRecord[],
): { applied: Record<string, number>; received: Record<string, number> } {
  const applied: Record<string, number> = {};
  const received: Record<string, number> = {};
  for (const call of calls) {
    if (!isMutatingAction(call.action)) continue;
    const key = `${call.service}.${call.action}`;
    received[key] = (received[key] ?? 0) + 1;
    if (call.outcome === "ok" || call.outcome === "cut-after") {
      applied[key] = (applied[key] ?? 0) + 1;
    }
  }
  return { applied, received };
}

const ID_RE = /\b[a-zA-Z]+-[0-9a-z]{8}\b/g;
const TIME_RES = [
  /\b\d{14}[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b/g, // API Gateway release version names
  /\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b/g, // request ids
  /\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?Z?\b/g, // timestamps
];
const TIME_KEY_RE = /(Time|Date|At|Ms|Timestamp)$/;

/**
 * A state with generated ids mapped to `<prefix#n>` (numbered in a canonical order, the same
 * for equal states), timestamps to `<time>`, arrays sorted and keys ordered, as JSON text.
 * Ids present in `initial` (the emulator's seeded data) are kept as they are.
 */
export function normalizeState(value: unknown, initial: unknown): string {
  const keep = new Set(stringifyJson(initial).match(ID_RE) ?? []);
  const untimed = (text: string) => TIME_RES.reduce((t, re) => t.replace(re, "<time>"), text);
  const erase = (text: string) =>
    untimed(text).replace(ID_RE, (id) => (keep.has(id) ? id : "<id>"));
  const canon = (v: unknown, key: string, eraseIds: boolean): unknown => {
    if (typeof v === "string") return eraseIds ? erase(v) : untimed(v);
    if ((typeof v === "number" || typeof v === "bigint") && TIME_KEY_RE.test(key)) {
      return Number(v) > 1e11 ? "<time>" : v;
    }
    if (Array.isArray(v)) {
      const items = v.map((item) => ({
        item: canon(item, key, eraseIds),
        sortKey: stringifyJson(canon(item, key, true)),
      }));
      items.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
      return items.map((entry) => entry.item);
    }
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        out[eraseIds ? erase(k) : untimed(k)] = canon(
          (v as Record<string, unknown>)[k],
          k,
          eraseIds,
        );
      }
      return out;
    }
    return v;
  };
  const sorted = stringifyJson(canon(value, "", false));
  const names = new Map<string, string>();
  const counters = new Map<string, number>();
  const named = sorted.replace(ID_RE, (id) => {
    if (keep.has(id)) return id;
    let name = names.get(id);
    if (name === undefined) {
      const prefix = id.slice(0, id.indexOf("-"));
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      name = `<${prefix}#${n}>`;
      names.set(id, name);
    }
    return name;
  });
  // Arrays whose items differed only by generated ids (the APIs of a release, in the order
  // they happened to be created) are in order once the ids have names.
  const resort = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      return v.map(resort).map((item) => ({ item, key: stringifyJson(item) }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((e) => e.item);
    }
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, resort(item)]));
    }
    return v;
  };
  return stringifyJson(resort(parseJson(named, "auto")));
}

/** What an uninterrupted run of a workflow leaves behind. */
export interface Reference {
  workflow: string;
  /** Normalized `{state, outputs}`. */
  final: string;
  applied: Record<string, number>;
  /** Real time of the run (ms), from its first to its last journal event. */
  runMs: number;
}

/** Starts the emulator server the trials share (rate limits off: the trials are about crashes). */
export function startEmulator(): Promise<EmulatorServer> {
  return serveEmulator({ port: 0, rateScale: Infinity });
}

/** A fresh state directory. */
export function tempStateDir(prefix: string): Promise<string> {
  return Deno.makeTempDir({ prefix });
}

/** The run document printed by `run --json` / `resume --json`, if there is one. */
export function runDocument(stdout: string): RunDocument | undefined {
  try {
    return parseJson(stdout, "auto") as RunDocument;
  } catch {
    return undefined;
  }
}

/** The `run --json` document (PRODUCT.md section 10). */
export interface RunDocument {
  run_id: string;
  status: "succeeded" | "failed" | "uncertain" | "rolled_back";
  outputs: Record<string, unknown>;
  steps: {
    id: string;
    status: string;
    attempts: number;
    error?: { code: string; message: string };
  }[];
}

/** Runs a workflow uninterrupted on a freshly reset emulator. */
export async function reference(server: EmulatorServer, workflow: string): Promise<Reference> {
  server.emulator.reset();
  const initial = server.emulator.state();
  const stateDir = await tempStateDir("tcflow-ref-");
  const out = await spawnCli([
    "run",
    workflow,
    "--endpoint-url",
    server.url,
    "--state-dir",
    stateDir,
    "--json",
    "--quiet",
  ]).done();
  const doc = runDocument(out.stdout);
  if (out.code !== 0 || doc?.status !== "succeeded") {
    throw new Error(`the reference run of ${workflow} failed (exit ${out.code}): ${out.stderr}`);
  }
  const store = new FileJournalStore(stateDir);
  const [run] = await store.list();
  const { events } = await store.read(run!.runId);
  await Deno.remove(stateDir, { recursive: true });
  return {
    workflow,
    final: normalizeState({ state: server.emulator.state(), outputs: doc.outputs }, initial),
    applied: mutatingCounts(server.emulator.calls()).applied,
    runMs: Math.max(1, (events.at(-1)?.timeMs ?? 0) - (events[0]?.timeMs ?? 0)),
  };
}

/** Actions applied more often than in the reference run: created (or bound…) twice. */
export function appliedTwice(
  applied: Record<string, number>,
  ref: Record<string, number>,
): string[] {
  return Object.entries(applied)
    .filter(([action, n]) => n > (ref[action] ?? 0))
    .map(([action, n]) => `${action} ×${n} (reference ×${ref[action] ?? 0})`);
}

/** A text table with a header row. */
export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padStart(widths[i]!)).join("  ")).join("\n") +
    "\n";
}
