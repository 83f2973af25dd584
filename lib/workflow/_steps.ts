/**
 * Private helper of `parse.ts`: reads `steps:` (action, set and assert steps, `undo` blocks).
 *
 * @module
 */
import { isMap, isSeq, type YamlNode } from "./_yaml_tree.ts";
import type {
  ActionRef,
  ActionStep,
  CallSpec,
  Pos,
  RetryPolicy,
  Step,
  ValueNode,
} from "./model.ts";
import { describeValue, type YamlEntry, type YamlReader } from "./_yaml_reader.ts";
import type { ValueReader } from "./_fields.ts";
import { DEFAULT_POLL } from "./defaults.ts";

const COMMON_KEYS = ["id", "doc", "when"] as const;
const CALL_KEYS = ["action", "version", "region", "with", "untyped"] as const;
const ACTION_KEYS = [
  ...CALL_KEYS,
  "foreach",
  "concurrency",
  "paginate",
  "until",
  "poll",
  "retry",
  "timeout",
  "on_error",
  "undo",
] as const;
const ALL_KEYS = [...COMMON_KEYS, ...ACTION_KEYS, "set", "assert", "message"];
const KINDS = ["action", "set", "assert"] as const;
/** Largest `concurrency` of a `foreach`. */
export const MAX_CONCURRENCY = 100;
/** Poll settings when `until` is given without `poll`. */

/** `[<cloud>/]<service>.<Action>`; whether the cloud is known is checked by validation. */
const ACTION_NAME = /^(?:([a-z][a-z0-9-]*)\/)?([a-z][a-z0-9_-]*)\.([A-Za-z][A-Za-z0-9_]*)$/;

/** Reads the `steps:` list. Steps too broken to model are left out; their ids are returned. */
export function readSteps(
  r: YamlReader,
  v: ValueReader,
  entry: YamlEntry,
  defaultRetry: RetryPolicy | undefined,
): { steps: Step[]; brokenStepIds: string[] } {
  const steps: Step[] = [];
  const brokenStepIds: string[] = [];
  const node = r.deref(entry.node);
  const listPos = r.pos(node, entry.keyPos);
  if (node === null || !isSeq(node)) {
    const value = r.value(entry.node, entry.keyPos);
    r.report(
      "E_SCHEMA",
      `\`steps\` must be a list of steps, got ${describeValue(value)}`,
      value.pos,
    );
    return { steps, brokenStepIds };
  }
  if (node.items.length === 0) r.report("E_SCHEMA", "`steps` is empty", listPos);
  for (const item of node.items) {
    const stepNode = r.deref(item);
    const pos = r.pos(stepNode, listPos);
    if (stepNode === null || !isMap(stepNode)) {
      r.report("E_SCHEMA", "a step must be a mapping with an `id`", pos);
      continue;
    }
    const result = readStep(r, v, stepNode, pos, defaultRetry);
    if ("step" in result) steps.push(result.step);
    else if (result.id !== undefined) brokenStepIds.push(result.id);
  }
  return { steps, brokenStepIds };
}

function readStep(
  r: YamlReader,
  v: ValueReader,
  node: YamlNode,
  pos: Pos,
  defaultRetry: RetryPolicy | undefined,
): { step: Step } | { id?: string } {
  const entries = r.entries(node);
  r.checkKeys(entries, ALL_KEYS, "a step");
  const get = (key: string) => entries.find((entry) => entry.key === key);
  const idEntry = get("id");
  if (idEntry === undefined) {
    r.report("E_SCHEMA", "this step has no `id`", r.at(pos.offset, 1));
    return {};
  }
  const id = v.string(idEntry, "a step `id`", "E_BAD_ID");
  if (id === undefined) return {};
  const base = { id, idPos: r.pos(idEntry.node, idEntry.keyPos), pos };
  const kinds = KINDS.filter((kind) => get(kind) !== undefined);
  if (kinds.length !== 1) {
    r.report(
      "E_SCHEMA",
      kinds.length === 0
        ? `step \`${id}\` needs one of \`action\`, \`set\` or \`assert\``
        : `step \`${id}\` has ${kinds.map((k) => `\`${k}\``).join(" and ")}; a step is one of them`,
      base.idPos,
    );
    return { id };
  }
  const kind = kinds[0]!;
  const allowed: readonly string[] = kind === "action"
    ? [...COMMON_KEYS, ...ACTION_KEYS]
    : kind === "set"
    ? [...COMMON_KEYS, "set"]
    : [...COMMON_KEYS, "assert", "message"];
  for (const entry of entries) {
    if (ALL_KEYS.includes(entry.key) && !allowed.includes(entry.key)) {
      r.report(
        "E_SCHEMA",
        `\`${entry.key}\` is not allowed on ${kind} step \`${id}\``,
        entry.keyPos,
      );
    }
  }
  const common: { doc?: string; when?: ValueNode } = {};
  const doc = get("doc");
  if (doc) {
    const text = v.string(doc, "`doc`");
    if (text !== undefined) common.doc = text;
  }
  const when = get("when");
  if (when) common.when = r.value(when.node, when.keyPos);

  if (kind === "set") {
    const setEntry = get("set")!;
    const set = r.mapValue(setEntry.node, setEntry.keyPos, "`set`");
    if (set === undefined) return { id };
    return { step: { kind: "set", ...base, ...common, set } };
  }
  if (kind === "assert") {
    const assertEntry = get("assert")!;
    const step: Step = {
      kind: "assert",
      ...base,
      ...common,
      assert: r.value(assertEntry.node, assertEntry.keyPos),
    };
    const message = get("message");
    if (message) {
      const text = v.string(message, "`message`");
      if (text !== undefined) step.message = text;
    }
    return { step };
  }
  const call = readCall(r, v, entries, pos);
  if (call === undefined) return { id };
  const step: ActionStep = {
    kind: "action",
    ...base,
    ...common,
    ...call,
    concurrency: 1,
    paginate: false,
    onError: "fail",
  };
  readModifiers(r, v, step, get, defaultRetry);
  return { step };
}

function readModifiers(
  r: YamlReader,
  v: ValueReader,
  step: ActionStep,
  get: (key: string) => YamlEntry | undefined,
  defaultRetry: RetryPolicy | undefined,
): void {
  const foreach = get("foreach");
  if (foreach) step.foreach = r.value(foreach.node, foreach.keyPos);
  const concurrency = get("concurrency");
  if (concurrency) {
    const n = v.number(concurrency, "`concurrency`", {
      min: 1,
      max: MAX_CONCURRENCY,
      integer: true,
    });
    if (n !== undefined) step.concurrency = n;
    if (!foreach) r.report("E_SCHEMA", "`concurrency` needs `foreach`", concurrency.keyPos);
  }
  const paginate = get("paginate");
  if (paginate) step.paginate = v.bool(paginate, "`paginate`") ?? false;
  const until = get("until");
  if (until) step.until = r.value(until.node, until.keyPos);
  const poll = get("poll");
  if (poll) {
    if (!until) r.report("E_SCHEMA", "`poll` needs `until`", poll.keyPos);
    const settings = readPoll(r, v, poll);
    if (settings) step.poll = settings;
  } else if (until) {
    step.poll = { ...DEFAULT_POLL };
  }
  const retry = get("retry");
  if (retry) {
    const policy = v.retry(retry, defaultRetry);
    if (policy) step.retry = policy;
  }
  const timeout = get("timeout");
  if (timeout) {
    const ms = v.duration(timeout, "`timeout`");
    if (ms !== undefined) step.timeoutMs = ms;
  }
  const onError = get("on_error");
  if (onError) {
    step.onError = v.oneOf(onError, "`on_error`", ["fail", "continue"] as const) ?? "fail";
  }
  const undo = get("undo");
  if (undo) {
    const node = r.deref(undo.node);
    const pos = r.pos(undo.node, undo.keyPos);
    if (node === null || !isMap(node)) {
      r.report("E_SCHEMA", "`undo` must be a mapping with an `action` and its `with`", pos);
    } else {
      const entries = r.entries(node);
      r.checkKeys(entries, CALL_KEYS, "`undo`");
      const call = readCall(r, v, entries, pos);
      if (call) step.undo = call;
    }
  }
}

function readPoll(r: YamlReader, v: ValueReader, entry: YamlEntry) {
  const node = r.deref(entry.node);
  if (node === null || !isMap(node)) {
    r.report(
      "E_SCHEMA",
      "`poll` must be a mapping like { interval: 5s, timeout: 10m }",
      r.pos(entry.node, entry.keyPos),
    );
    return undefined;
  }
  const entries = r.entries(node);
  r.checkKeys(entries, ["interval", "timeout"], "`poll`");
  const settings = { ...DEFAULT_POLL };
  for (const field of entries) {
    const ms = field.key === "interval" || field.key === "timeout"
      ? v.duration(field, `\`poll.${field.key}\``)
      : undefined;
    if (ms === undefined) continue;
    if (field.key === "interval") settings.intervalMs = ms;
    else settings.timeoutMs = ms;
  }
  return settings;
}

/** Reads the call part of an action step or an `undo` block. */
function readCall(
  r: YamlReader,
  v: ValueReader,
  entries: YamlEntry[],
  pos: Pos,
): CallSpec | undefined {
  const get = (key: string) => entries.find((entry) => entry.key === key);
  const actionEntry = get("action");
  if (actionEntry === undefined) {
    r.report("E_SCHEMA", "missing `action` (`service.Action`)", r.at(pos.offset, 1));
    return undefined;
  }
  const action = readActionRef(r, v, actionEntry);
  let ok = action !== undefined;
  const withEntry = get("with");
  const withMap = withEntry
    ? r.mapValue(withEntry.node, withEntry.keyPos, "`with`")
    : { kind: "map" as const, entries: [], pos: action?.pos ?? pos };
  if (withMap === undefined) ok = false;
  if (!ok) return undefined;
  const call: CallSpec = { action: action!, with: withMap!, untyped: false };
  const version = get("version");
  if (version) {
    const text = v.string(version, "`version`", "E_UNKNOWN_VERSION");
    if (text !== undefined) call.version = text;
  }
  const region = get("region");
  if (region) call.region = r.value(region.node, region.keyPos);
  const untyped = get("untyped");
  if (untyped) call.untyped = v.bool(untyped, "`untyped`") ?? false;
  return call;
}

function readActionRef(r: YamlReader, v: ValueReader, entry: YamlEntry): ActionRef | undefined {
  const text = v.string(entry, "`action`", "E_UNKNOWN_ACTION");
  if (text === undefined) return undefined;
  const pos = r.pos(entry.node, entry.keyPos);
  const match = ACTION_NAME.exec(text.trim());
  if (match === null) {
    r.report(
      "E_UNKNOWN_ACTION",
      `\`${text}\` is not an action name: write \`service.Action\`, e.g. \`trocket.DescribeTopicList\``,
      pos,
    );
    return undefined;
  }
  const provider = (match[1] ?? "tencentcloud") as ActionRef["provider"];
  return { provider, service: match[2]!, action: match[3]!, text, pos };
}
