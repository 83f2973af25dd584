/**
 * The dry run (`tcflow plan`, `tcflow run --dry-run`): every step with its action, version,
 * region, whether it mutates, and the exact JSON bodies it would send. Outputs of steps that
 * are not executed are typed placeholders (`<apigateway.CreateUsagePlan.Result.UsagePlanId>`),
 * so later steps still resolve. Pure: no request is sent unless `liveReads` is given a
 * `call` function, and even then only read-only actions are called.
 *
 * @module
 */
import { actionLabelOf, findActionAnyCloud, serviceOfRef } from "../catalog/clouds.ts";
import { Placeholder } from "../expr/evaluate.ts";
import { containsPlaceholder, resolveValue } from "../expr/resolve.ts";
import type { ActionSpec } from "../catalog/types.ts";
import { firstPage } from "../catalog/pager.ts";
import { credentialsIn, secretDeriver, SecretSet, type ValueObserver } from "../secrets.ts";
import type { ActionStep, CallSpec, Step, ValueNode, Workflow } from "./model.ts";
import { isRecord } from "../json.ts";
import { runNames } from "./names.ts";

/** Calls a read-only action for real (`--live-reads`); returns the `Response` without `RequestId`. */
export type LiveReadCall = (call: {
  service: string;
  action: string;
  version: string;
  region: string;
  params: Record<string, unknown>;
}) => Promise<Record<string, unknown>>;

/** Options of {@link planWorkflow}. */
export interface PlanOptions {
  /** Input values, already checked and with defaults applied (see `lib/workflow/inputs.ts`). */
  inputs: Record<string, unknown>;
  /** Values of the inputs marked `secret: true` (see `secretValues` in `lib/workflow/inputs.ts`): shown as `***`. */
  secrets?: string[];
  /** Region when neither the step nor the workflow gives one (`--region`). */
  region?: string;
  /** Run id shown as `run.id` (a placeholder when absent). */
  runId?: string;
  /** Environment variables of the workflow's `env:` allow-list. */
  env?: Record<string, string>;
  /** The time `now` stands for (epoch ms); a placeholder `<now>` when absent (the run's start). */
  nowMs?: number;
  /** Execute read-only actions for real through this function (`--live-reads`). */
  liveReads?: LiveReadCall;
  /**
   * Steps that already ran (notebook cells): their real outputs are used instead of
   * placeholders, so later steps plan with real values.
   */
  known?: Record<string, { outputs: unknown; status: string; request_id?: string }>;
}

/** One step of a plan. `action`, `version` and `region` are `null` for `set` and `assert` steps. */
export interface PlannedStep {
  /** The step id. */
  id: string;
  /** `action`, `set` or `assert`. */
  kind: Step["kind"];
  /** `service.Action` (`huaweicloud/service.Operation` for Huawei Cloud). */
  action: string | null;
  /** The API version the call would use (the catalog's newest unless pinned). */
  version: string | null;
  /** The region the call would go to. */
  region: string | null;
  /** Whether the action changes something (anything but `Describe*`, `List*`, `Get*` …). */
  mutating: boolean;
  /** The JSON body of every call the step would make (one per `foreach` item). */
  requests: unknown[];
  /** `"run"`, `"skipped"` (its `when` is false) or `"unknown"` (depends on a result not known yet). */
  when: "run" | "skipped" | "unknown";
  /** True when the step was really executed (`--live-reads`). */
  live: boolean;
  /** `paginate: true`: the request shown is the first page's. */
  paginate: boolean;
  /** The compensation a rollback would send, when the step has an `undo` block. */
  undo?: { action: string; version: string; requests: unknown[] };
  /** `set` steps: the computed values; `assert` steps: the condition's value. */
  values?: unknown;
  /** A problem met while resolving this step (an expression that failed on known values). */
  error?: { code: string; message: string };
}

/** The result of a dry run (PRODUCT.md section 10, `plan --json`). */
export interface Plan {
  /** Always `"planned"`. */
  status: "planned";
  /** The workflow's `name`. */
  workflow: string;
  /** Every step, in file order. */
  steps: PlannedStep[];
  /** The workflow's `outputs`, resolved where possible (placeholders otherwise). */
  outputs: Record<string, unknown>;
}

/**
 * Plans a validated workflow: resolves every expression that can be resolved and returns the
 * requests each step would send. Never sends a mutating request.
 *
 * @example
 * ```ts
 * import { loadWorkflowText } from "./load.ts";
 * import { planWorkflow } from "./plan.ts";
 * const { workflow } = loadWorkflowText(
 *   "tcflow: 1\nname: t\nregion: ap-guangzhou\nsteps:\n" +
 *     "  - id: t\n    action: trocket.DescribeTopicList\n    with: { InstanceId: rmq-1 }\n",
 *   "t.yaml",
 * );
 * const plan = await planWorkflow(workflow!, { inputs: {} });
 * plan.steps[0]!.requests; // [{ InstanceId: "rmq-1" }]
 * ```
 */
export async function planWorkflow(wf: Workflow, options: PlanOptions): Promise<Plan> {
  const steps: Record<string, unknown> = {};
  // Declared defaults fill the inputs not given (the CLI has applied them already).
  const inputs: Record<string, unknown> = {};
  for (const decl of wf.inputs) {
    if (decl.default !== undefined) inputs[decl.name] = decl.default;
  }
  Object.assign(inputs, options.inputs);
  const vars: Record<string, unknown> = {
    inputs,
    steps,
    run: { id: options.runId ?? new Placeholder("<run.id>") },
    env: options.env ?? {},
    now: options.nowMs === undefined ? new Placeholder("<now>") : new Date(options.nowMs),
  };
  // The secrets given, and text that expressions make from them (shown as `***` too).
  const secrets = new SecretSet(options.secrets ?? []);
  secrets.addNames(runNames(wf));
  const context: PlanContext = { ...options, secretSet: secrets, observe: secretDeriver(secrets) };
  const planned: PlannedStep[] = [];
  for (const step of wf.steps) {
    const result = await planStep(wf, step, vars, context);
    const known = options.known?.[step.id];
    steps[step.id] = known === undefined ? result.scope : {
      outputs: known.outputs,
      status: known.status,
      request_id: known.request_id ?? "",
    };
    planned.push(secrets.redact(result.planned));
  }
  const outputs: Record<string, unknown> = {};
  for (const entry of wf.outputs) {
    outputs[entry.key] = tryResolve(entry.value, vars, context.observe).value;
  }
  return {
    status: "planned",
    workflow: wf.name,
    steps: planned,
    outputs: toJsonValue(secrets.redact(outputs, "data")) as Record<string, unknown>,
  };
}

/** The options, the plan's secrets, and what sees each evaluated `${{ }}` (to derive secrets). */
interface PlanContext extends PlanOptions {
  secretSet: SecretSet;
  observe: ValueObserver;
}

interface StepPlan {
  planned: PlannedStep;
  /** What later steps see as `steps.<id>`. */
  scope: { outputs: unknown; status: unknown; request_id: unknown };
}

async function planStep(
  wf: Workflow,
  step: Step,
  vars: Record<string, unknown>,
  options: PlanContext,
): Promise<StepPlan> {
  const base = { id: step.id, kind: step.kind, live: false, paginate: false };
  const condition = step.when === undefined ? true : tryResolve(step.when, vars);
  const when = condition === true
    ? "run"
    : isPlaceholderResult(condition)
    ? "unknown"
    : (condition as { value: unknown }).value === false
    ? "skipped"
    : "run";
  const status = when === "skipped" ? "skipped" : new Placeholder(`<steps.${step.id}.status>`);
  const requestId = new Placeholder(`<steps.${step.id}.request_id>`);

  if (step.kind === "set") {
    const values: Record<string, unknown> = {};
    let error: PlannedStep["error"];
    for (const entry of step.set.entries) {
      const resolved = tryResolve(entry.value, vars, options.observe);
      values[entry.key] = resolved.value;
      error ??= resolved.error;
    }
    return {
      planned: localPlan(base, when, values, error),
      scope: { outputs: values, status, request_id: requestId },
    };
  }

  if (step.kind === "assert") {
    const resolved = tryResolve(step.assert, vars);
    return {
      planned: localPlan(base, when, resolved.value, resolved.error),
      scope: { outputs: {}, status, request_id: requestId },
    };
  }

  return await planAction(wf, step, vars, options, { base, when, status, requestId });
}

/** The plan of a step that sends nothing (`set`, `assert`): what it computes, as far as known. */
function localPlan(
  base: { id: string; kind: Step["kind"]; live: boolean; paginate: boolean },
  when: PlannedStep["when"],
  values: unknown,
  error: PlannedStep["error"],
): PlannedStep {
  return {
    ...base,
    action: null,
    version: null,
    region: null,
    mutating: false,
    requests: [],
    when,
    values: toJsonValue(values),
    ...(error ? { error } : {}),
  };
}

async function planAction(
  wf: Workflow,
  step: ActionStep,
  vars: Record<string, unknown>,
  options: PlanContext,
  ctx: {
    base: Pick<PlannedStep, "id" | "kind" | "live" | "paginate">;
    when: PlannedStep["when"];
    status: unknown;
    requestId: unknown;
  },
): Promise<StepPlan> {
  const spec = specOf(step);
  const version = spec?.version ?? step.version ?? "";
  const label = actionLabel(step.action);
  const region = regionOf(step, wf, vars, options);
  const mutating = spec?.mutating ?? !isReadOnlyName(step.action.action);
  let error: PlannedStep["error"];

  // The items of a `foreach`: the real list when it is known, else one placeholder item.
  let items: Array<{ item: unknown; index: unknown }> = [{ item: undefined, index: undefined }];
  let itemsKnown = true;
  if (step.foreach !== undefined) {
    const list = tryResolve(step.foreach, vars);
    error ??= list.error;
    if (Array.isArray(list.value)) {
      items = list.value.map((item, index) => ({ item, index: BigInt(index) }));
    } else {
      itemsKnown = false;
      items = [{ item: new Placeholder("<item>"), index: new Placeholder("<index>") }];
    }
  }

  const requests: Array<Record<string, unknown>> = [];
  for (const { item, index } of items) {
    const scope = step.foreach === undefined ? vars : { ...vars, item, index };
    const body = tryResolve(step.with, scope, options.observe);
    error ??= body.error;
    const request = isPlainRecord(body.value) ? { ...body.value } : {};
    if (mutating && spec?.clientToken === true && request.ClientToken === undefined) {
      // The run sends one, derived from the run id, the step and the item (the same on every
      // retry and on resume): shown, not hidden.
      request.ClientToken = new Placeholder("<ClientToken: tcf-… of the run, step and item>");
    }
    requests.push(
      step.paginate && spec?.pagination ? firstPage(spec.pagination, request).request : request,
    );
  }

  // `--live-reads`: run read-only actions for real, so later steps see real outputs.
  let outputs: unknown;
  let live = false;
  const canRunLive = options.liveReads !== undefined && !mutating && ctx.when === "run" &&
    itemsKnown && requests.every((request) => !containsPlaceholder(request));
  if (canRunLive && options.liveReads) {
    const call = options.liveReads;
    const results = [];
    for (const params of requests) {
      results.push(
        await call({
          service: serviceOfRef(step.action),
          action: step.action.action,
          version,
          region,
          params,
        }),
      );
    }
    outputs = step.foreach === undefined ? results[0] : results;
    live = true;
    // Credentials in a real answer (an API key's secret) are shown as `***` like secret inputs.
    options.secretSet.add(credentialsIn(outputs, spec));
  } else {
    const placeholder = new Placeholder(`<${label}>`);
    outputs = step.foreach === undefined
      ? placeholder
      : itemsKnown
      ? items.map((_, index) => new Placeholder(`<${label}[${index}]>`))
      : new Placeholder(`<${label}[]>`);
  }

  const planned: PlannedStep = {
    ...ctx.base,
    action: label,
    version,
    region,
    mutating,
    requests: requests.map(toJsonValue),
    when: ctx.when,
    live,
    paginate: step.paginate,
    ...(error ? { error } : {}),
  };
  const scope = { outputs, status: ctx.status, request_id: ctx.requestId };
  if (step.undo) planned.undo = planUndo(step, step.undo, vars, scope, items, options.observe);
  return { planned, scope };
}

/** The undo block's requests, resolved as if its step had succeeded (with placeholders). */
function planUndo(
  step: ActionStep,
  undo: CallSpec,
  vars: Record<string, unknown>,
  scope: StepPlan["scope"],
  items: Array<{ item: unknown; index: unknown }>,
  observe: ValueObserver,
): NonNullable<PlannedStep["undo"]> {
  const spec = findActionAnyCloud(serviceOfRef(undo.action), undo.action.action, undo.version);
  const withOwnStep = { ...vars, steps: { ...(vars.steps as object), [step.id]: scope } };
  const requests = items.map(({ item, index }) => {
    const scopeVars = step.foreach === undefined ? withOwnStep : { ...withOwnStep, item, index };
    return toJsonValue(tryResolve(undo.with, scopeVars, observe).value);
  });
  return {
    action: actionLabel(undo.action),
    version: spec?.version ?? undo.version ?? "",
    requests,
  };
}

/** `service.Action`, or `huaweicloud/service.Operation` for Huawei Cloud. */
function actionLabel(ref: ActionStep["action"]): string {
  return actionLabelOf(ref);
}

function specOf(step: ActionStep): ActionSpec | undefined {
  if (step.untyped) return undefined;
  return findActionAnyCloud(serviceOfRef(step.action), step.action.action, step.version);
}

function regionOf(
  step: ActionStep,
  wf: Workflow,
  vars: Record<string, unknown>,
  options: PlanOptions,
): string {
  if (step.region !== undefined) {
    const value = tryResolve(step.region, vars).value;
    if (typeof value === "string") return value;
    if (value instanceof Placeholder) return value.label;
  }
  return wf.region ?? options.region ?? "";
}

const READ_ONLY = /^(Describe|List|Get|Query|Check|Inquiry)/;

function isReadOnlyName(action: string): boolean {
  return READ_ONLY.test(action);
}

/** Resolves a value, turning a runtime failure into an error entry and a placeholder value. */
function tryResolve(
  node: ValueNode,
  vars: Record<string, unknown>,
  observe?: ValueObserver,
): { value: unknown; error?: { code: string; message: string } } {
  try {
    return { value: resolveValue(node, vars, observe) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    return {
      value: new Placeholder("<error>"),
      error: { code: typeof code === "string" ? code : "E_EVAL", message },
    };
  }
}

function isPlaceholderResult(result: unknown): boolean {
  return typeof result === "object" && result !== null &&
    (result as { value?: unknown }).value instanceof Placeholder;
}

/** A JSON object that is not a placeholder. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && !(value instanceof Placeholder);
}

/** Placeholders become their label; everything else is kept (bigints stay exact). */
function toJsonValue(value: unknown): unknown {
  if (value instanceof Placeholder) return value.label;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isPlainRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}
