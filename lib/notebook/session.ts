/**
 * A notebook session, without any UI: the workflow as numbered cells (one per step) with their
 * status and results, run one at a time. The terminal REPL (`terminal.ts`) and the Jupyter
 * helper (`jupyter.ts`) are views of it.
 *
 * Every cell run is a short session of the executor (`runWorkflow`) under the notebook's run
 * id: the cells already run are passed as `resume` (recorded outputs reused, never sent
 * again) and `stopAfter` stops after the cell. Events go to the journal, so reopening the run
 * (`tcflow notebook --run <run-id>`) restores every result; the session's state is a fold of
 * those events (`replay`), so a live session and a reopened one are built the same way.
 *
 * The journal holds what the cells did: the executor's skips of cells a run does not touch are
 * left out, and a run's `run-finished` is kept only when it failed or every cell is done (a
 * notebook with cells still to run reads as interrupted, and `tcflow resume` continues it).
 *
 * Stale cells: a finished cell is stale when an input it reads (directly) differs from the
 * value it ran with, or a cell it reads is stale or ran again after it (so staleness flows
 * transitively through step references). Stale cells keep their results until run again.
 *
 * @module
 */
import { suggest } from "../catalog/suggest.ts";
import { parseInputFlags, secretValues } from "../workflow/inputs.ts";
import type { Deps } from "../deps.ts";
import type { RunEvent } from "../journal/events.ts";
import {
  type RecordedStep,
  type RunOptions,
  type RunResult,
  runWorkflow,
} from "../engine/executor.ts";
import type { RateLimiter } from "../engine/rate_limiter.ts";
import { rollbackWorkflow, stepsToUndo, type UndoResult } from "../engine/rollback.ts";
import { evaluateExpr } from "../expr/evaluate.ts";
import { SecretSet } from "../secrets.ts";
import { replay, resumeState, type RunState } from "../journal/replay.ts";
import { newRunId } from "../journal/run_id.ts";
import {
  journalSink,
  type JournalStore,
  redactedInputs,
  type RunMeta,
  runMeta,
  type RunRecord,
  type RunTarget,
} from "../journal/store.ts";
import { renderHtml } from "../report/html.ts";
import { renderMarkdown } from "../report/markdown.ts";
import type { Workflow } from "../workflow/model.ts";
import { type Plan, type PlannedStep, type PlanOptions, planWorkflow } from "../workflow/plan.ts";
import { type Cell, type CellStatus, deriveCells, latestInputs, scanEvents } from "./_cells.ts";
import { type CellDeps, directDeps, transitiveSteps } from "./_deps.ts";
import { runNames } from "../workflow/names.ts";

export type { Cell, CellStatus } from "./_cells.ts";

/** What a run of cells did. */
export interface CellRun {
  /** The cells that ran (or were skipped by their `when`), in order, in their new state. */
  cells: Cell[];
  /** The executor's result of this run. */
  result: RunResult;
  /**
   * With `rollback: on_failure`, when a cell failed: the cells that {@link
   * NotebookSession.rollback} would undo, newest first (the notebook never undoes by itself).
   */
  rollbackOffered?: string[];
}

/** What a rollback of cells did. */
export interface RollbackRun {
  /** Every compensation call, in the order they ran. */
  undone: UndoResult[];
  /** The cells it touched, in their new state (`rolled_back` when every undo succeeded). */
  cells: Cell[];
}

/** Codes of {@link NotebookError}. */
export type NotebookErrorCode =
  | "E_NO_CELL"
  | "E_NO_INPUT"
  | "E_UNCERTAIN"
  | "E_NOTHING_TO_RUN"
  | "E_BUSY"
  | "E_CLOSED"
  | "E_NOTHING_TO_UNDO"
  | "E_INTERRUPTED"
  | "E_EXPR"
  | "E_CELL_FAILED";

/** A notebook command that cannot be done, as data (shown to the user without a stack). */
export class NotebookError extends Error {
  /** Stable code of the problem, e.g. `E_NO_CELL`. */
  readonly code: NotebookErrorCode;
  /** Creates a notebook error with its code and a message for the user. */
  constructor(code: NotebookErrorCode, message: string) {
    super(message);
    this.name = "NotebookError";
    this.code = code;
  }
}

/** Options of {@link NotebookSession.create} and {@link NotebookSession.reopen}. */
export interface SessionOptions {
  /** The workflow whose steps are the cells. */
  workflow: Workflow;
  /** Input values, checked, with defaults (see `parseInputFlags`). */
  inputs: Record<string, unknown>;
  /** Time, randomness and network. */
  deps: Deps;
  /** The client that sends the cells' API calls. */
  client: RunOptions["client"];
  /** Client-side rate limiter shared by the cells' calls. */
  rateLimiter: RateLimiter;
  /** Where the session is journaled; without one it lives in memory only. */
  store?: JournalStore;
  /** Values never shown (secret keys, tokens); secret inputs are added automatically. */
  secrets?: string[];
  /** Region when neither the step nor the workflow gives one. */
  region?: string;
  /** Values of the workflow's `env:` allow-list. */
  env?: Record<string, string>;
  /** Base of a relative workflow path in the journal. */
  cwd?: string;
  /** Called with every event of a cell run (redacted), e.g. to print progress. */
  onEvent?: (event: RunEvent) => void;
}

const DONE: ReadonlySet<CellStatus> = new Set(["succeeded", "skipped"]);

/** A notebook over one workflow and one run id. */
export class NotebookSession {
  /** The workflow (as last loaded: {@link reload} replaces it). */
  get workflow(): Workflow {
    return this.#workflow;
  }
  #workflow: Workflow;
  /** Event position after which each step's definition changed (by {@link reload}). */
  readonly #changed = new Map<string, number>();
  /** The run id (the journal's). */
  readonly runId: string;
  /** The run's meta (as journaled). */
  readonly meta: RunMeta;
  readonly #options: SessionOptions;
  readonly #events: RunEvent[];
  #deps: Map<string, CellDeps>;
  /** Event position after which each secret input was changed by `setInput`. */
  readonly #secretChanged = new Map<string, number>();
  #inputs: Record<string, unknown>;
  #busy = false;
  #closed = false;
  #running: AbortController | undefined;

  private constructor(options: SessionOptions, meta: RunMeta, events: RunEvent[]) {
    this.#options = options;
    this.#workflow = options.workflow;
    this.runId = meta.runId;
    this.meta = meta;
    this.#events = events;
    this.#inputs = { ...options.inputs };
    this.#deps = directDeps(options.workflow);
  }

  /**
   * Starts a notebook on a new run (journaled in `store` when given).
   *
   * @example
   * ```ts
   * import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
   * import { createRateLimiter } from "../engine/rate_limiter.ts";
   * import { createTencentClient } from "../tencent/client.ts";
   * import { systemDeps } from "../deps.ts";
   * import { loadWorkflowText } from "../workflow/load.ts";
   *
   * const emulator = createEmulator();
   * const deps = { ...systemDeps(), fetch: (r: Request) => emulator.handle(r) };
   * const { workflow } = loadWorkflowText(
   *   "tcflow: 1\nname: t\nregion: ap-guangzhou\nsteps:\n  - id: topics\n" +
   *     "    action: trocket.DescribeTopicList\n    with: { InstanceId: rmq-2x9f8k1p }\n",
   *   "t.yaml",
   * );
   * const nb = await NotebookSession.create({
   *   workflow: workflow!,
   *   inputs: {},
   *   deps,
   *   client: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
   *   rateLimiter: createRateLimiter({ deps }),
   * });
   * const run = await nb.runNext();
   * console.log(run?.cells[0]?.status); // "succeeded"
   * await nb.close();
   * ```
   */
  static async create(
    options: SessionOptions & { runId?: string; target?: RunTarget },
  ): Promise<NotebookSession> {
    const runId = options.runId ?? newRunId(options.deps);
    const meta = await runMeta({
      runId,
      workflow: options.workflow,
      inputs: options.inputs,
      startedMs: options.deps.now(),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      secrets: options.secrets ?? [],
      region: options.region,
      target: options.target,
    });
    await options.store?.create(meta);
    return new NotebookSession(options, meta, []);
  }

  /**
   * Reopens a journaled run: every recorded result is restored, nothing is sent. The inputs
   * are the ones of the run's last cell run (secret inputs come from `options.inputs`).
   *
   * @throws {JournalError} `E_RUN_LOCKED` when another process writes the run
   */
  static async reopen(options: SessionOptions & { record: RunRecord }): Promise<NotebookSession> {
    const { record } = options;
    await options.store?.open(record.meta.runId);
    const inputs = { ...options.inputs };
    const secretNames = new Set(record.meta.secretInputNames);
    const latest = latestInputs(record.events) ?? record.meta.inputs;
    for (const decl of options.workflow.inputs) {
      if (!secretNames.has(decl.name) && Object.hasOwn(latest, decl.name)) {
        inputs[decl.name] = latest[decl.name];
      }
    }
    return new NotebookSession({ ...options, inputs }, record.meta, [...record.events]);
  }

  /** The current input values. */
  get inputs(): Readonly<Record<string, unknown>> {
    return this.#inputs;
  }

  /** Every event of the run so far (redacted), journal order. */
  get events(): readonly RunEvent[] {
    return this.#events;
  }

  /** Every cell, in order, with its current status. */
  cells(): Cell[] {
    return deriveCells({
      workflow: this.workflow,
      reads: this.#deps,
      state: this.#state(),
      events: this.#events,
      inputs: redactedInputs(this.#inputs, this.workflow.inputs, this.#secrets()),
      secretChanged: this.#secretChanged,
      changed: this.#changed,
    });
  }

  /**
   * Takes the workflow as edited (re-read from its file): a cell whose step changed becomes
   * stale (its results are kept until it runs again), new steps are new cells, removed ones
   * go; a newly declared input takes its default.
   *
   * @returns the cells that became stale, were added, were removed
   * @throws {NotebookError} `E_BUSY` while a cell runs
   */
  reload(workflow: Workflow): { stale: string[]; added: string[]; removed: string[] } {
    if (this.#busy) throw new NotebookError("E_BUSY", "a cell is running");
    const before = new Map(this.#workflow.steps.map((s) => [s.id, fingerprint(s)]));
    const staleBefore = new Set(
      this.cells().filter((c) => c.status === "stale").map((c) => c.id),
    );
    const added: string[] = [];
    for (const step of workflow.steps) {
      const old = before.get(step.id);
      if (old === undefined) added.push(step.id);
      else if (old !== fingerprint(step)) this.#changed.set(step.id, this.#events.length + 0.5);
    }
    const ids = new Set(workflow.steps.map((s) => s.id));
    const removed = [...before.keys()].filter((id) => !ids.has(id));
    for (const decl of workflow.inputs) {
      if (!Object.hasOwn(this.#inputs, decl.name) && decl.default !== undefined) {
        this.#inputs = { ...this.#inputs, [decl.name]: decl.default };
      }
    }
    this.#workflow = workflow;
    this.#deps = directDeps(workflow);
    const stale = this.cells()
      .filter((c) => c.status === "stale" && !staleBefore.has(c.id))
      .map((c) => c.id);
    return { stale, added, removed };
  }

  /**
   * A cell by id or 1-based number (`"topics"`, `"4"`, `4`).
   *
   * @throws {NotebookError} `E_NO_CELL`, with a "did you mean"
   */
  cell(idOrN: string | number): Cell {
    const cells = this.cells();
    const text = String(idOrN).trim();
    const found = /^\d+$/.test(text)
      ? cells[Number(text) - 1]
      : cells.find((cell) => cell.id === text);
    if (found !== undefined) return found;
    const hint = /^\d+$/.test(text) ? undefined : suggest(
      text,
      cells.map((c) => c.id),
    );
    throw new NotebookError(
      "E_NO_CELL",
      `no cell ${JSON.stringify(text)}${hint ? `; did you mean ${hint}?` : ""} ` +
        `(cells 1-${cells.length}: ${cells.map((c) => c.id).join(", ")})`,
    );
  }

  /**
   * Runs the next cell that has not run (or is stale or failed), with the cells it reads.
   * Returns `undefined` when every cell is done.
   *
   * @throws {NotebookError} `E_UNCERTAIN` when the next cell is uncertain (use {@link retry})
   */
  async runNext(): Promise<CellRun | undefined> {
    const next = this.cells().find((cell) => !DONE.has(cell.status));
    if (next === undefined) return undefined;
    if (next.status === "uncertain") throw uncertainError(next);
    return await this.run(next.id);
  }

  /**
   * Runs one cell (again, if it ran), and first every cell it reads that is not done (pending,
   * stale or failed). Cells it does not read are not run; cells below it are untouched.
   *
   * @throws {NotebookError} `E_NO_CELL`; `E_UNCERTAIN` when a cell it reads is uncertain
   */
  async run(idOrN: string | number): Promise<CellRun> {
    return await this.#runCell(this.cell(idOrN).id, false);
  }

  /**
   * Runs every cell that is not done, in order, until one fails. Returns `undefined` when
   * every cell is done.
   *
   * @throws {NotebookError} `E_UNCERTAIN` when a cell is uncertain
   */
  async runAll(): Promise<CellRun | undefined> {
    const todo = this.cells().filter((cell) => !DONE.has(cell.status));
    const uncertain = todo.find((cell) => cell.status === "uncertain");
    if (uncertain !== undefined) throw uncertainError(uncertain);
    if (todo.length === 0) return undefined;
    return await this.#execute(new Set(todo.map((cell) => cell.id)), undefined, new Set());
  }

  /**
   * Runs the last cell that failed or is uncertain (an uncertain cell is sent again: check
   * first that it was not applied), or the one interrupted while running.
   *
   * @throws {NotebookError} `E_NOTHING_TO_RUN` when no cell failed
   */
  async retry(): Promise<CellRun> {
    const scan = scanEvents(this.#events);
    const candidates = this.cells().filter((cell) =>
      cell.status === "failed" || cell.status === "uncertain" || cell.status === "running"
    );
    candidates.sort((a, b) => (scan.finishSeq.get(b.id) ?? 0) - (scan.finishSeq.get(a.id) ?? 0));
    const last = candidates[0];
    if (last === undefined) {
      throw new NotebookError("E_NOTHING_TO_RUN", "no cell failed: nothing to retry");
    }
    return await this.#runCell(last.id, true);
  }

  /**
   * Marks a cell skipped: runs pass over it until it is run by name. The skip is journaled, so
   * it survives reopening the notebook.
   */
  async skip(idOrN: string | number): Promise<Cell> {
    const cell = this.cell(idOrN);
    if (this.#closed) throw new NotebookError("E_CLOSED", "the notebook is closed");
    if (this.#busy) throw new NotebookError("E_BUSY", "a cell is running");
    const event: RunEvent = {
      type: "step-skipped",
      timeMs: this.#options.deps.now(),
      stepId: cell.id,
      reason: "user",
    };
    await this.#record(event, this.#journal());
    return this.cell(cell.id);
  }

  /**
   * Undoes what the cells applied, newest first, or only one cell's (`rollback <id>`): the
   * `undo` blocks of succeeded cells not undone yet. Each compensation is journaled and passed
   * to `onEvent` as it happens; an undone cell becomes `rolled_back` (run it again to redo it).
   *
   * @throws {NotebookError} `E_NOTHING_TO_UNDO`; `E_NO_CELL`; `E_INTERRUPTED`
   */
  async rollback(idOrN?: string | number): Promise<RollbackRun> {
    const only = idOrN === undefined ? undefined : this.cell(idOrN).id;
    const { recorded, undo } = stepsToUndo(this.#state());
    const left = this.#undoable(undo).filter((id) => only === undefined || id === only);
    if (left.length === 0) {
      throw new NotebookError(
        "E_NOTHING_TO_UNDO",
        only === undefined
          ? "nothing to undo: no succeeded cell with an undo block left"
          : `nothing to undo in cell ${only}: it has no undo block, did not succeed or was undone`,
      );
    }
    const targets = Object.fromEntries(left.map((id) => [id, undo[id]!]));
    return await this.#exclusive(async (signal) => {
      const o = this.#options;
      const journal = this.#journal();
      const sink = {
        append: async (event: RunEvent) => {
          // A rollback of one cell, with other cells still applied, does not roll the run back.
          if (
            event.type === "rollback-finished" && event.status === "rolled_back" &&
            this.#undoable(stepsToUndo(this.#state()).undo).length > 0
          ) return;
          await this.#record(event, journal);
        },
      };
      const undone = await rollbackWorkflow(this.workflow, {
        recorded,
        undo: targets,
        inputs: this.#inputs,
        deps: o.deps,
        client: o.client,
        rateLimiter: o.rateLimiter,
        sink,
        runId: this.runId,
        nowMs: this.meta.startedMs,
        secrets: this.#secrets(),
        signal,
        ...(o.region !== undefined ? { region: o.region } : {}),
        ...(o.env !== undefined ? { env: o.env } : {}),
      });
      const touched = new Set(undone.map((r) => r.stepId));
      return { undone, cells: this.cells().filter((cell) => touched.has(cell.id)) };
    });
  }

  /**
   * Evaluates a CEL expression against the run, as a step's `${{ }}` would see it:
   * `inputs`, `steps.<id>.outputs` (of the cells that succeeded), `run.id`, `env`. Secret
   * values are never shown.
   *
   * @throws {NotebookError} `E_EXPR` with the expression's error
   */
  eval(expression: string): unknown {
    const secrets = new SecretSet(this.#secrets());
    const steps: Record<string, unknown> = {};
    for (const cell of this.cells()) {
      if (cell.status !== "succeeded" && cell.status !== "stale") continue;
      steps[cell.id] = {
        outputs: cell.outputs,
        status: cell.status === "stale" ? "succeeded" : cell.status,
        request_id: cell.requestId ?? "",
      };
    }
    try {
      const value = evaluateExpr(expression, {
        inputs: this.#inputs,
        steps,
        run: { id: this.runId },
        env: this.#options.env ?? {},
        now: new Date(this.meta.startedMs),
      });
      return secrets.redact(value);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new NotebookError("E_EXPR", secrets.redact(message));
    }
  }

  /** Stops the cell (or rollback) that is running: it ends as interrupted (`retry` runs it). */
  interrupt(): boolean {
    if (this.#running === undefined) return false;
    this.#running.abort(
      new NotebookError("E_INTERRUPTED", "interrupted: the cell stopped (`retry` runs it again)"),
    );
    return true;
  }

  /**
   * Sets an input from its text (parsed as YAML, like `--input name=value`) and returns the
   * ids of the cells that became stale.
   *
   * @throws {NotebookError} `E_NO_INPUT`; {UsageError} a value of the wrong type
   */
  setInput(name: string, valueText: string): string[] {
    const decl = this.workflow.inputs.find((d) => d.name === name);
    if (decl === undefined) {
      const names = this.workflow.inputs.map((d) => d.name);
      const hint = suggest(name, names);
      throw new NotebookError(
        "E_NO_INPUT",
        `the workflow has no input ${JSON.stringify(name)}${
          hint ? `; did you mean ${hint}?` : ` (inputs: ${names.join(", ") || "none"})`
        }`,
      );
    }
    const before = new Set(this.cells().filter((c) => c.status === "stale").map((c) => c.id));
    const parsed = parseInputFlags([`${name}=${valueText}`], undefined, [
      { ...decl, required: false },
    ]);
    this.#inputs = { ...this.#inputs, [name]: parsed[name] };
    if (decl.secret) this.#secretChanged.set(name, this.#events.length + 0.5);
    return this.cells()
      .filter((c) => c.status === "stale" && !before.has(c.id))
      .map((c) => c.id);
  }

  /**
   * The dry run of one cell: its action, region and exact request bodies, nothing sent.
   * Outputs of cells that succeeded are their real outputs; the others are typed placeholders.
   */
  async plan(idOrN: string | number): Promise<{ plan: Plan; step: PlannedStep }> {
    const cell = this.cell(idOrN);
    const o = this.#options;
    const known: NonNullable<PlanOptions["known"]> = {};
    for (const c of this.cells()) {
      if (c.status !== "succeeded" || c.id === cell.id) continue;
      known[c.id] = {
        outputs: c.outputs,
        status: c.status,
        ...(c.requestId !== undefined ? { request_id: c.requestId } : {}),
      };
    }
    const plan = await planWorkflow(this.workflow, {
      inputs: this.#inputs,
      secrets: this.#secrets(),
      runId: this.runId,
      known,
      ...(o.region !== undefined ? { region: o.region } : {}),
      ...(o.env !== undefined ? { env: o.env } : {}),
    });
    const step = plan.steps.find((s) => s.id === cell.id)!;
    return { plan, step };
  }

  /** The run as a report (the same as `tcflow report`): Markdown or self-contained HTML. */
  report(format: "markdown" | "html" = "markdown"): string {
    const record: RunRecord = {
      meta: this.meta,
      events: [...this.#events],
      ignoredLines: 0,
      locked: false,
    };
    // The inputs as they are now (after `set`), redacted like the journal's.
    const options = { inputs: redactedInputs(this.#inputs, this.workflow.inputs, this.#secrets()) };
    return format === "html" ? renderHtml(record, options) : renderMarkdown(record, options);
  }

  /** Releases the journal's writer lock. The session cannot run cells afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#options.store?.close(this.runId);
  }

  #secrets(): string[] {
    return [
      ...(this.#options.secrets ?? []),
      ...secretValues(this.#inputs, this.workflow.inputs),
    ];
  }

  #state(): RunState {
    return replay(this.#events, {
      runId: this.runId,
      workflow: this.meta.workflow,
      file: this.meta.file,
      startedMs: this.meta.startedMs,
      inputs: this.meta.inputs,
    });
  }

  /** The cells with something left to undo (in `undo`, with an undo block), newest first. */
  #undoable(undo: Record<string, "step" | number[]>): string[] {
    return this.workflow.steps
      .filter((step) => step.kind === "action" && step.undo !== undefined && undo[step.id])
      .map((step) => step.id)
      .reverse();
  }

  #journal() {
    const o = this.#options;
    return o.store !== undefined
      ? journalSink(o.store, this.runId, {
        secrets: this.#secrets(),
        names: runNames(this.workflow),
      })
      : undefined;
  }

  async #record(event: RunEvent, journal: { append(e: RunEvent): Promise<void> } | undefined) {
    this.#events.push(event);
    await journal?.append(event);
    this.#options.onEvent?.(event);
  }

  /** Runs `work` alone (one cell run or rollback at a time), interruptible by {@link interrupt}. */
  async #exclusive<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#closed) throw new NotebookError("E_CLOSED", "the notebook is closed");
    if (this.#busy) throw new NotebookError("E_BUSY", "a cell is running");
    this.#busy = true;
    const controller = new AbortController();
    this.#running = controller;
    try {
      return await work(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      this.#busy = false;
      this.#running = undefined;
    }
  }

  async #runCell(id: string, retrying: boolean): Promise<CellRun> {
    const byId = new Map(this.cells().map((cell) => [cell.id, cell]));
    const targets = new Set([id]);
    for (const dep of transitiveSteps(this.workflow, this.#deps, id)) {
      const cell = byId.get(dep)!;
      if (DONE.has(cell.status)) continue;
      if (cell.status === "uncertain") throw uncertainError(cell);
      targets.add(dep);
    }
    return await this.#execute(targets, id, retrying ? new Set([id]) : new Set());
  }

  /** Runs the `targets` (and nothing else) through the executor, up to `stopAfter`. */
  async #execute(
    targets: Set<string>,
    stopAfter: string | undefined,
    retrying: Set<string>,
  ): Promise<CellRun> {
    return await this.#exclusive(async (signal) => {
      const state = this.#state();
      const resume: Record<string, RecordedStep> = {};
      const records = new Map(state.steps.map((s) => [s.id, s]));
      for (const cell of this.cells()) {
        if (targets.has(cell.id)) continue;
        const record = records.get(cell.id);
        const reuse = cell.status === "succeeded" || cell.status === "stale";
        resume[cell.id] = reuse && record?.status === "succeeded"
          ? {
            status: "succeeded",
            outputs: record.outputs,
            attempts: record.attempts,
            ...(record.requestId !== undefined ? { request_id: record.requestId } : {}),
            ...(record.sealed !== undefined ? { sealed: record.sealed } : {}),
          }
          : { status: "skipped", outputs: null };
      }
      const inFlight = state.inFlight.filter((id) => targets.has(id) && !retrying.has(id));
      // A `foreach` cell in flight goes on item by item: its succeeded items are not sent again
      // and an item in flight is uncertain unless it is safe to repeat.
      const journaledItems = resumeState(state).items;
      const resumeItems = Object.fromEntries(
        inFlight.flatMap((id) => {
          const items = journaledItems.get(id);
          return items === undefined ? [] : [[id, items] as const];
        }),
      );
      const o = this.#options;
      const secrets = this.#secrets();
      const journal = this.#journal();
      const ran: string[] = [];
      const sink = {
        append: async (event: RunEvent) => {
          // Cells that this run does not touch keep what they had: the executor's
          // "not reached" and "done earlier" skips are not part of the notebook's record.
          if (event.type === "step-skipped" && event.reason !== "when") return;
          // A run that stopped after a cell with cells still to run is not finished: without
          // its `run-finished` it reads as interrupted, so `tcflow resume` can continue it.
          if (
            event.type === "run-finished" && event.status === "succeeded" &&
            !this.cells().every((cell) => DONE.has(cell.status))
          ) return;
          if (
            event.type === "step-succeeded" || event.type === "step-failed" ||
            event.type === "step-uncertain" || event.type === "step-skipped"
          ) ran.push(event.stepId);
          await this.#record(event, journal);
        },
      };
      // The notebook never undoes by itself: a failure stops and `rollback` is offered.
      const result = await runWorkflow({ ...this.workflow, rollback: "manual" }, {
        inputs: this.#inputs,
        deps: o.deps,
        client: o.client,
        rateLimiter: o.rateLimiter,
        sink,
        runId: this.runId,
        nowMs: this.meta.startedMs,
        secrets,
        resume,
        signal,
        ...(stopAfter !== undefined ? { stopAfter } : {}),
        ...(inFlight.length > 0 ? { inFlight, resumeItems } : {}),
        ...(o.region !== undefined ? { region: o.region } : {}),
        ...(o.env !== undefined ? { env: o.env } : {}),
      });
      const cells = this.cells().filter((cell) => ran.includes(cell.id));
      const run: CellRun = { cells, result };
      if (result.status === "failed" && this.workflow.rollback === "on_failure") {
        const offered = this.#undoable(stepsToUndo(this.#state()).undo);
        if (offered.length > 0) run.rollbackOffered = offered;
      }
      return run;
    });
  }
}

function uncertainError(cell: Cell): NotebookError {
  return new NotebookError(
    "E_UNCERTAIN",
    `cell ${cell.n} (${cell.id}) is uncertain: it may have been applied. Check, then "retry" ` +
      `(or "run ${cell.id}") to send it again`,
  );
}

/** A step's definition without its positions in the file (moving a step is no change). */
function fingerprint(step: unknown): string {
  return JSON.stringify(
    step,
    (key, value) =>
      key === "pos" || key.endsWith("Pos")
        ? undefined
        : typeof value === "bigint"
        ? `${value}n`
        : value,
  );
}
