/**
 * The workflow model: what `parseWorkflow` produces from a YAML file and what validation,
 * planning and the engine consume. Every node keeps its source position.
 *
 * @module
 */

/** A position in the workflow file: 1-based line and column, 0-based offset. */
export interface Pos {
  line: number;
  column: number;
  offset: number;
  /** Length of the source text of the node (at least 1). */
  length: number;
}

/** An embedded `${{ … }}` expression. `source` is the CEL text between the braces. */
export interface ExprPart {
  source: string;
  /** Position of the CEL text itself (after `${{`). */
  pos: Pos;
}

/**
 * A value of the workflow document (in `with:`, `set:`, `outputs:` …).
 * - `expr`: the whole YAML scalar is exactly one expression; the value keeps its type.
 * - `template`: a string with embedded expressions, interpolated as text.
 */
export type ValueNode =
  | { kind: "literal"; value: null | boolean | string | number | bigint; pos: Pos }
  | { kind: "expr"; expr: ExprPart; pos: Pos }
  | { kind: "template"; parts: Array<string | ExprPart>; pos: Pos }
  | { kind: "list"; items: ValueNode[]; pos: Pos }
  | { kind: "map"; entries: MapEntry[]; pos: Pos };

/** One key of a map value. */
export interface MapEntry {
  key: string;
  keyPos: Pos;
  value: ValueNode;
}

/** Types of workflow inputs. */
export type InputType = "string" | "integer" | "number" | "boolean" | "list" | "map" | "any";

/** A declared input under `inputs:`. */
export interface InputDecl {
  name: string;
  type: InputType;
  description?: string;
  /** The default, already converted to the runtime representation (integers as bigint). */
  default?: unknown;
  required: boolean;
  /** Never printed, never journaled in clear. */
  secret: boolean;
  pos: Pos;
}

/** Retry policy, as plain data (durations in milliseconds). */
export interface RetryPolicy {
  /** Total attempts, including the first. */
  attempts: number;
  delayMs: number;
  maxDelayMs: number;
  multiplier: number;
  jitter: "full" | "equal" | "none";
  /** Extra error codes (or prefixes ending in `*`) to retry. */
  on: string[];
}

/** A reference to a cloud action: `trocket.DescribeTopicList`, `huaweicloud/cph.ListEncodeServers`. */
export interface ActionRef {
  provider: "tencentcloud" | "huaweicloud";
  service: string;
  action: string;
  /** The text as written, e.g. `tencentcloud/trocket.DescribeTopicList`. */
  text: string;
  pos: Pos;
}

/** The call part shared by action steps and `undo` blocks. */
export interface CallSpec {
  action: ActionRef;
  /** `version:` as given (else the catalog's newest). */
  version?: string;
  region?: ValueNode;
  with: Extract<ValueNode, { kind: "map" }>;
  /** `untyped: true`: call an action the catalog does not know. */
  untyped: boolean;
}

interface StepBase {
  id: string;
  idPos: Pos;
  /** Markdown prose of the cell. */
  doc?: string;
  when?: ValueNode;
  pos: Pos;
}

/** A step that calls an API action. */
export interface ActionStep extends StepBase, CallSpec {
  kind: "action";
  foreach?: ValueNode;
  /** Concurrent items of a `foreach` (1 when absent). */
  concurrency: number;
  paginate: boolean;
  until?: ValueNode;
  poll?: { intervalMs: number; timeoutMs: number };
  retry?: RetryPolicy;
  timeoutMs?: number;
  onError: "fail" | "continue";
  undo?: CallSpec;
}

/** A pure cell: computed values, no API call. */
export interface SetStep extends StepBase {
  kind: "set";
  set: Extract<ValueNode, { kind: "map" }>;
}

/** A check that fails the run with `message` when false. */
export interface AssertStep extends StepBase {
  kind: "assert";
  assert: ValueNode;
  message?: string;
}

export type Step = ActionStep | SetStep | AssertStep;

/** A parsed workflow file (format version 1). */
export interface Workflow {
  file: string;
  /** The file's text, kept for caret snippets. */
  source: string;
  name: string;
  description?: string;
  region?: string;
  inputs: InputDecl[];
  defaults: { retry?: RetryPolicy; timeoutMs?: number };
  /** UTC cron (5 fields) for `tcflow schedule`. */
  schedule?: string;
  /** Environment variables expressions may read as `env.NAME`. */
  env: string[];
  rollback: "on_failure" | "manual";
  steps: Step[];
  outputs: MapEntry[];
}
