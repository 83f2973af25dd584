/**
 * The run journal's store interface. A run is a {@link RunMeta} written once at the start and
 * an append-only list of {@link RunEvent}s. The default store keeps files under the state dir
 * (`file_store.ts`); `pg_store.ts` keeps them in PostgreSQL for many runners; both implement this
 * same interface (`create`/`open`/`append`/`close`/`read`/`list`), nothing else changes.
 *
 * Writers: one process at a time may write a run. `create` and `open` take the run's writer
 * lock (held until `close`, or until the process dies), and `append` refuses a run that this
 * store has not opened. Readers (`read`, `list`, reports) need no lock.
 *
 * Secrets: events are redacted by the executor before they reach a store, and
 * {@link journalSink} redacts once more with the secrets it is given; {@link runMeta} redacts
 * the inputs by the same rules ({@link redactedInputs}). A store never sees a secret value.
 *
 * @module
 */
import { REDACTED, type RunEvent, type RunSink } from "./events.ts";
import type { InputDecl, Workflow } from "../workflow/model.ts";
import { secretValues } from "../workflow/inputs.ts";
import { secretRedactor } from "../redaction.ts";

/** Version of the journal's file format, in every {@link RunMeta}. */
export const JOURNAL_FORMAT = 2;

/** What is known of a run when it starts. Written once, never changed. */
export interface RunMeta {
  /** {@link JOURNAL_FORMAT} of the writer. */
  format: number;
  /** The run id (`run.id` in expressions), also the name the run is stored under. */
  runId: string;
  /** The workflow's `name`. */
  workflow: string;
  /** Absolute path of the workflow file. */
  file: string;
  /**
   * The workflow file's text at the start of the run: `resume` and `rollback` run this text,
   * even when the file has changed since.
   */
  workflowSource: string;
  /** SHA-256 (hex) of {@link workflowSource}, to tell whether the file changed since. */
  workflowSha256: string;
  /** Start of the run, milliseconds since the epoch. */
  startedMs: number;
  /** Input values with every secret input replaced by `***` (integers as bigint). */
  inputs: Record<string, unknown>;
  /** Names of the secret inputs: `resume`/`rollback` ask for their values again. */
  secretInputNames: string[];
  /**
   * The run's default region (`--region`, `TENCENTCLOUD_REGION` or the profile), when there
   * was one: `resume` and `rollback` use it, so the rest of a run goes where it started.
   */
  region?: string;
  /**
   * Where the run sent its calls (never credentials): `resume`, `rollback` and
   * `notebook --run` go to the same target without repeating flags.
   */
  target?: RunTarget;
}

/**
 * Where a run sends its calls, as recorded in its {@link RunMeta}: the in-process emulator
 * (whose state is kept in the state dir), an endpoint URL (without any user or password part),
 * regional endpoints, a TCCLI profile. Never credentials.
 */
export interface RunTarget {
  /** `--emulator`: the in-process emulator. */
  emulator?: true;
  /** `--endpoint-url` or `TCFLOW_ENDPOINT_URL`. */
  endpointUrl?: string;
  /** `--regional-endpoints`. */
  regionalEndpoints?: true;
  /** `--profile`: the TCCLI profile credentials were read from (its name, not its keys). */
  profile?: string;
  /** `--region`: it replaced the workflow's `region:` for the whole run. */
  region?: string;
}

/**
 * A run's status as listed: `running` while a writer holds it, `interrupted` when none does,
 * `rolled_back` once a compensation undid everything it applied, `damaged` when its journal
 * cannot be trusted (see {@link RunSummary.damaged}), `queued` when submitted to a database
 * store and not yet claimed by a worker.
 */
export type RunStatus =
  | "queued"
  | "running"
  | "interrupted"
  | "succeeded"
  | "failed"
  | "uncertain"
  | "rolled_back"
  | "damaged";

/** One line of `tcflow runs`. */
export interface RunSummary {
  /** The run id. */
  runId: string;
  /** The workflow's `name`. */
  workflow: string;
  /** Absolute path of the workflow file. */
  file: string;
  /** Where the run stands. */
  status: RunStatus;
  /** Start of the run, milliseconds since the epoch. */
  startedMs: number;
  /** Start to the last event (wall clock, across resumes). */
  durationMs: number;
  /** Number of steps per status (`succeeded`, `failed`, `uncertain`, `skipped`, `pending`…). */
  steps: Record<string, number>;
  /**
   * Why the run is `damaged` (a record in the middle of its journal does not check, its meta
   * is missing or damaged): then `workflow`, `file` and `startedMs` are what could be read
   * (empty and the id's time when the meta is unreadable), and `steps` is empty.
   */
  damaged?: string;
  /** Who writes or last wrote the run (a database store: the CLI process or worker). */
  owner?: string;
}

/** Everything recorded of a run. */
export interface RunRecord {
  /** What was known when the run started. */
  meta: RunMeta;
  /** Its events, in the order they were appended. */
  events: RunEvent[];
  /** 1 when a torn last record (a write cut by a crash) was ignored, else 0. */
  ignoredLines: number;
  /** Whether some process holds the run's writer lock right now. */
  locked: boolean;
}

/** Codes of {@link JournalError}. */
export type JournalErrorCode =
  | "E_RUN_NOT_FOUND"
  | "E_RUN_EXISTS"
  | "E_RUN_LOCKED"
  | "E_RUN_NOT_OPEN"
  /** A database writer whose lease another writer took over: it records nothing more. */
  | "E_RUN_FENCED"
  | "E_RUN_ID"
  | "E_RUN_DAMAGED"
  | "E_STORAGE"
  | "E_JOURNAL"
  /** The store itself cannot be used: unreachable database, refused login, newer schema. */
  | "E_STORE";

/** A journal problem, as data. */
export class JournalError extends Error {
  readonly code: JournalErrorCode;
  readonly runId: string;
  /** The bare reason (of `E_RUN_DAMAGED`: what does not check), else the message. */
  readonly reason: string;
  constructor(
    code: JournalErrorCode,
    runId: string,
    message: string,
    options?: ErrorOptions & { reason?: string },
  ) {
    super(message, options);
    this.name = "JournalError";
    this.code = code;
    this.runId = runId;
    this.reason = options?.reason ?? message;
  }
}

/** Where runs are kept. */
export interface JournalStore {
  /**
   * Records a new run and takes its writer lock.
   *
   * @throws {JournalError} `E_RUN_EXISTS`, `E_RUN_ID` (unsafe id), `E_STORAGE` (cannot write:
   *   a full disk, an unwritable state dir; the message names the path)
   */
  create(meta: RunMeta): Promise<void>;
  /**
   * Takes the writer lock of an existing run (to resume or roll it back).
   *
   * @throws {JournalError} `E_RUN_NOT_FOUND`, `E_RUN_LOCKED` (another writer holds it),
   *   `E_RUN_DAMAGED`
   */
  open(runId: string): Promise<void>;
  /**
   * Appends one event durably: when the promise resolves, the event survives a crash.
   * Concurrent appends are written one after the other, in call order.
   *
   * @throws {JournalError} `E_RUN_NOT_OPEN` when this store did not create or open the run,
   *   `E_STORAGE` when the event cannot be written (the run then takes no more events)
   */
  append(runId: string, event: RunEvent): Promise<void>;
  /** Waits for pending appends and releases the writer lock. */
  close(runId: string): Promise<void>;
  /**
   * Reads a run. Nothing is guessed: a journal that does not check (other than a torn last
   * record) is refused.
   *
   * @throws {JournalError} `E_RUN_NOT_FOUND`, `E_RUN_DAMAGED` (the message says why)
   */
  read(runId: string): Promise<RunRecord>;
  /**
   * Every run, oldest first. A damaged run is listed with status `damaged` and the reason;
   * one run never makes the list fail.
   */
  list(): Promise<RunSummary[]>;
  /** Where the runs are, for messages (a directory, or a database URL without its password). */
  readonly location: string;
  /** Releases the store's connections (a database store); the store is not used after it. */
  end?(): Promise<void>;
}

/**
 * A {@link RunSink} that appends to a run of a store (the run must be created or opened).
 * Every event is redacted with `secrets` first; `names` (the run's, `runNames` of
 * `lib/workflow/names.ts`) are never rewritten as keys of its data (an input's name holding a
 * piece of a secret).
 *
 * @example
 * ```ts
 * import { MemoryJournalStore } from "./memory_store.ts";
 * import { journalSink, runMeta } from "./store.ts";
 * import { loadWorkflowText } from "../workflow/load.ts";
 * import { runWorkflow } from "../engine/executor.ts";
 * import { createRateLimiter } from "../engine/rate_limiter.ts";
 * import { createTencentClient } from "../tencent/client.ts";
 * import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
 * import { systemDeps } from "../deps.ts";
 *
 * const emulator = createEmulator();
 * const deps = { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) };
 * const { workflow } = loadWorkflowText(
 *   "tcflow: 1\nname: t\nregion: ap-guangzhou\nsteps:\n" +
 *     "  - id: topics\n    action: trocket.DescribeTopicList\n    with: { InstanceId: rmq-2x9f8k1p }\n",
 *   "t.yaml",
 * );
 * const store = new MemoryJournalStore();
 * const meta = await runMeta({ runId: "run-1", workflow: workflow!, inputs: {}, startedMs: deps.now() });
 * await store.create(meta);
 * await runWorkflow(workflow!, {
 *   inputs: {},
 *   deps,
 *   client: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
 *   rateLimiter: createRateLimiter({ deps }),
 *   runId: meta.runId,
 *   sink: journalSink(store, meta.runId),
 * });
 * await store.close(meta.runId);
 * console.log((await store.read("run-1")).events.at(-1)?.type); // "run-finished"
 * ```
 */
export function journalSink(
  store: Pick<JournalStore, "append">,
  runId: string,
  options: { secrets?: Iterable<string>; names?: Iterable<string> } = {},
): RunSink {
  // The record rules of lib/redaction.ts: a record's own keys and ids (type, runId, stepId,
  // status…) are never rewritten, so a secret PIN inside the run id's date, or a secret word
  // like `succeeded`, cannot damage the journal; data and messages are redacted.
  const redact = secretRedactor(options.secrets ?? [], new Set(options.names ?? []));
  return { append: (event) => store.append(runId, redact(event) as RunEvent) };
}

/** Options of {@link runMeta}. */
export interface RunMetaOptions {
  runId: string;
  /** The loaded workflow (its `file` is made absolute with `cwd` when relative). */
  workflow: Pick<Workflow, "name" | "file" | "source" | "inputs">;
  inputs: Record<string, unknown>;
  startedMs: number;
  /** Base of a relative `workflow.file`. */
  cwd?: string;
  /** Secret values besides secret inputs (keys, tokens) to redact from the recorded inputs. */
  secrets?: Iterable<string>;
  /** The run's default region (from the command line, environment or profile). */
  region?: string | undefined;
  /** Where the run sends its calls (recorded unless empty). */
  target?: RunTarget | undefined;
}

/**
 * Inputs as a run's records show them (`meta.json`, the database run row, a notebook's cells and
 * report): a secret input is `***` as a whole, and the rest is redacted by the rules of every
 * record (`lib/redaction.ts`) with the secret inputs' values and `secrets`: a copy of a secret
 * of any length standing as a whole value is `***`, one of 3 characters or more inside text is
 * too, and the input names (the author's) are never rewritten; a value that only looks like a
 * key is kept.
 *
 * @example
 * ```ts
 * import { redactedInputs } from "./store.ts";
 * const decls = [
 *   { name: "pin", type: "string", secret: true },
 *   { name: "copy", type: "string", secret: false },
 * ] as unknown as Parameters<typeof redactedInputs>[1]; // only name and secret are read
 * redactedInputs({ pin: "ge", copy: "ge" }, decls); // { pin: "***", copy: "***" }
 * ```
 */
export function redactedInputs(
  inputs: Record<string, unknown>,
  decls: readonly InputDecl[],
  secrets: Iterable<string> = [],
): Record<string, unknown> {
  const secretNames = new Set(decls.filter((decl) => decl.secret).map((decl) => decl.name));
  const shown: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(inputs)) {
    shown[name] = secretNames.has(name) ? REDACTED : value;
  }
  const redact = secretRedactor(
    [...secrets, ...secretValues(inputs, [...decls])],
    new Set([...decls.map((decl) => decl.name), ...Object.keys(inputs)]),
  );
  return (redact({ inputs: shown }, "record") as { inputs: Record<string, unknown> }).inputs;
}

/**
 * The {@link RunMeta} of a run that starts: inputs redacted by {@link redactedInputs}.
 *
 * @example
 * ```ts
 * import { runMeta } from "./store.ts";
 * import { loadWorkflowText } from "../workflow/load.ts";
 *
 * const { workflow } = loadWorkflowText(
 *   "tcflow: 1\nname: t\ninputs:\n  pin: { type: string, secret: true }\nsteps:\n" +
 *     "  - id: s\n    set: { ok: true }\n",
 *   "t.yaml",
 * );
 * const meta = await runMeta({ runId: "run-1", workflow: workflow!, inputs: { pin: "1234" }, startedMs: 0 });
 * console.log(meta.inputs); // { pin: "***" }
 * ```
 */
export async function runMeta(options: RunMetaOptions): Promise<RunMeta> {
  const { workflow } = options;
  const secretInputNames = workflow.inputs.filter((decl) => decl.secret).map((decl) => decl.name);
  return {
    format: JOURNAL_FORMAT,
    runId: options.runId,
    workflow: workflow.name,
    file: absolutePath(workflow.file, options.cwd),
    workflowSource: workflow.source,
    workflowSha256: await sha256Hex(workflow.source),
    startedMs: options.startedMs,
    inputs: redactedInputs(options.inputs, workflow.inputs, options.secrets),
    secretInputNames,
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.target !== undefined && Object.keys(options.target).length > 0
      ? { target: options.target }
      : {}),
  };
}

/** SHA-256 of a text, as hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function absolutePath(file: string, cwd: string | undefined): string {
  if (file.startsWith("/") || /^[A-Za-z]:[\\/]/.test(file) || cwd === undefined) return file;
  return `${cwd.replace(/\/+$/, "")}/${file}`;
}
