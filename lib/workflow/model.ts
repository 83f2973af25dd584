/**
 * The workflow model: what `parseWorkflow` produces from a YAML file and what validation,
 * planning and the engine consume. Every node keeps its source position.
 *
 * @module
 */

import type { ExprPart, MapEntry, Pos, ValueNode } from "../expr/value.ts";

export type { ExprPart, MapEntry, Pos, ValueNode };

/** Types of workflow inputs. */
export type InputType = "string" | "integer" | "number" | "boolean" | "list" | "map" | "any";

/** A declared input under `inputs:`. */
export interface InputDecl {
  /** The input's name: the key under `inputs:`, read in expressions as `inputs.<name>`. */
  name: string;
  /** The declared type (`string` when not given). */
  type: InputType;
  /** `description:` as written. */
  description?: string;
  /** The default, already converted to the runtime representation (integers as bigint). */
  default?: unknown;
  /**
   * Whether a value must be given: `required:` when set, else true exactly when there is no
   * default.
   */
  required: boolean;
  /** Never printed, never journaled in clear. */
  secret: boolean;
  /** Position of the input's key. */
  pos: Pos;
}

/** Retry policy, as plain data (durations in milliseconds). */
export interface RetryPolicy {
  /** Total attempts, including the first. */
  attempts: number;
  /** Delay before the first retry, in milliseconds; later delays grow by `multiplier`. */
  delayMs: number;
  /** Upper bound of any single delay, in milliseconds. */
  maxDelayMs: number;
  /** Factor applied to the delay after each attempt (at least 1). */
  multiplier: number;
  /**
   * Randomization of each delay: `full` (0 to the delay), `equal` (half fixed, half random) or
   * `none`.
   */
  jitter: "full" | "equal" | "none";
  /** Extra error codes (or prefixes ending in `*`) to retry. */
  on: string[];
}

/** A reference to a cloud action: `trocket.DescribeTopicList`, `huaweicloud/cph.ListEncodeServers`. */
export interface ActionRef {
  /**
   * The cloud: `tencentcloud` (also when no prefix is written), `huaweicloud`, or another
   * prefix; validation reports a cloud that `lib/catalog/clouds.ts` does not know.
   */
  provider: string;
  /** The service name, e.g. `trocket`. */
  service: string;
  /** The action (or Huawei operation) name, e.g. `DescribeTopicList`. */
  action: string;
  /** The text as written, e.g. `tencentcloud/trocket.DescribeTopicList`. */
  text: string;
  /** Position of the `action:` value. */
  pos: Pos;
}

/** The call part shared by action steps and `undo` blocks. */
export interface CallSpec {
  /** The action to call (`action:`). */
  action: ActionRef;
  /** `version:` as given (else the catalog's newest). */
  version?: string;
  /** `region:` override of the workflow's region. */
  region?: ValueNode;
  /** The request parameters (`with:`), a map whose values may hold expressions. */
  with: Extract<ValueNode, { kind: "map" }>;
  /** `untyped: true`: call an action the catalog does not know. */
  untyped: boolean;
}

/** Fields shared by every step kind. */
export interface StepBase {
  /** The step id (`id:`), unique in the workflow: `[a-z][a-z0-9_]*`. */
  id: string;
  /** Position of the `id:` value. */
  idPos: Pos;
  /** Markdown prose of the cell. */
  doc?: string;
  /** `when:` condition: the step is skipped when it evaluates to false. */
  when?: ValueNode;
  /** Position of the step in the `steps:` list. */
  pos: Pos;
}

/** A step that calls an API action. */
export interface ActionStep extends StepBase, CallSpec {
  /** Discriminant of {@link Step}. */
  kind: "action";
  /**
   * `foreach:` expression giving a list: the step runs once per item, with `item` and `index`
   * bound.
   */
  foreach?: ValueNode;
  /** Concurrent items of a `foreach` (1 when absent). */
  concurrency: number;
  /**
   * `paginate: true`: follow the action's pages to the end, in its own paging style, and
   * concatenate the list field (default false).
   */
  paginate: boolean;
  /** `until:` condition: the action is re-run every `poll.intervalMs` until it is true. */
  until?: ValueNode;
  /**
   * `poll:` of an `until` step, in milliseconds (engine default when absent: every 5 s, for at most
   * 10 min).
   */
  poll?: { intervalMs: number; timeoutMs: number };
  /** `retry:` of this step; when absent, `defaults.retry` of the workflow applies. */
  retry?: RetryPolicy;
  /** `timeout:` of each request, in milliseconds; when absent, `defaults.timeoutMs` applies. */
  timeoutMs?: number;
  /**
   * `on_error:`: `fail` (the default) stops the run, `continue` records the failure and goes on.
   */
  onError: "fail" | "continue";
  /** `undo:` compensation call, run by rollback when this step succeeded. */
  undo?: CallSpec;
}

/** A pure cell: computed values, no API call. */
export interface SetStep extends StepBase {
  /** Discriminant of {@link Step}. */
  kind: "set";
  /** The computed values (`set:`): the step's outputs. */
  set: Extract<ValueNode, { kind: "map" }>;
}

/** A check that fails the run with `message` when false. */
export interface AssertStep extends StepBase {
  /** Discriminant of {@link Step}. */
  kind: "assert";
  /** The condition (`assert:`); the run fails when it is false. */
  assert: ValueNode;
  /** `message:` of the failure. */
  message?: string;
}

/**
 * A step of a workflow: an API call, a `set` cell or an `assert` check (discriminated by `kind`).
 */
export type Step = ActionStep | SetStep | AssertStep;

/**
 * A schedule's `on_failure:` hook: a webhook that receives the run summary as a JSON POST, or a
 * command that reads it on stdin; tried `1 + retries` times, waiting `backoffMs`, then twice
 * that, and so on.
 */
export type FailureHook =
  & ({ webhook: string; command?: undefined } | { command: string[]; webhook?: undefined })
  & { retries: number; backoffMs: number };

/** A parsed workflow file (format version 1). */
export interface Workflow {
  /** The file name given to the loader; diagnostics name it. */
  file: string;
  /** The file's text, kept for caret snippets. */
  source: string;
  /** `name:` of the workflow. */
  name: string;
  /** `description:` as written. */
  description?: string;
  /** Default region of every step (`region:`). */
  region?: string;
  /** Declared inputs (`inputs:`), in file order. */
  inputs: InputDecl[];
  /** `defaults:` of every action step: retry policy and request timeout in milliseconds. */
  defaults: { retry?: RetryPolicy; timeoutMs?: number };
  /** Cron (5 fields) for `tcflow schedule`, in `timezone` (UTC when absent). */
  schedule?: string;
  /** IANA time zone of `schedule` (`Asia/Shanghai`). */
  timezone?: string;
  /** What `tcflow schedule` does when a scheduled run fails (`on_failure:`). */
  onFailure?: FailureHook;
  /** Environment variables expressions may read as `env.NAME`. */
  env: string[];
  /**
   * `rollback:`: `on_failure` runs the `undo` blocks automatically when the run fails; `manual`
   * (the default) only on `tcflow rollback`.
   */
  rollback: "on_failure" | "manual";
  /** The steps, in file order (the order they run). */
  steps: Step[];
  /** The workflow's outputs (`outputs:`), evaluated after the last step. */
  outputs: MapEntry[];
}
