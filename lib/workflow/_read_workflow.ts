/**
 * Private helper of `parse.ts` and `load_file.ts`: reads a workflow file (YAML, format
 * version 1) into the model of `model.ts`, keeping the source position of every node, and
 * reports every structural problem at once. The YAML is composed by `_yaml_events.ts`, or,
 * for the files it leaves (errors, tags, several documents…), by a composer given by the
 * caller: `parse.ts` passes the `yaml` package's; {@link readWorkflowLazily} imports it only
 * when a file needs it, so that `tcflow validate` of a plain file never loads the package.
 *
 * YAML is read safely: files over 2 MB, more than 100 aliases, values nested deeper than 64
 * levels, duplicate keys, custom tags and multiple documents are `E_YAML` errors.
 *
 * @module
 */
import type { Diagnostic } from "./diagnostic.ts";
import type { Pos, Workflow } from "./model.ts";
import { parseCron } from "./cron.ts";
import { readOnFailure } from "./_on_failure.ts";
import { isTimeZone } from "./cron_zone.ts";
import { describeValue, MAX_DEPTH, YamlReader } from "./_yaml_reader.ts";
import { readInputs, ValueReader } from "./_fields.ts";
import { readSteps } from "./_steps.ts";
import { maskExpressions } from "./_mask.ts";
import { isMap, LineIndex, type YamlNode } from "./_yaml_tree.ts";
import { composeEvents } from "./_yaml_events.ts";
import type { DocumentResult } from "./_yaml_document.ts";

/** Largest workflow file accepted, in bytes of UTF-8. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/** What {@link readWorkflow} (and `parseWorkflow`) returns. */
export interface ParseResult {
  /**
   * The workflow, whenever the file is a YAML mapping, even when `diagnostics` has errors
   * (so that validation can report more problems). Callers must check `diagnostics`.
   */
  workflow?: Workflow;
  /** Every problem found while parsing (YAML, shape, durations, cron, retry bounds). */
  diagnostics: Diagnostic[];
  /**
   * Ids of steps too broken to be part of `workflow.steps` (for example no `action`, `set`
   * or `assert`); validation treats references to them as untyped instead of unknown.
   */
  brokenStepIds: string[];
}

const TOP_KEYS = [
  "tcflow",
  "name",
  "description",
  "region",
  "inputs",
  "defaults",
  "schedule",
  "timezone",
  "on_failure",
  "env",
  "rollback",
  "steps",
  "outputs",
] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Environment variables that hold credentials: an expression must never read them (`env:`
 * refuses them with `E_SECRET_ENV`), so no workflow can print, send or journal a key. Among
 * tcflow's own: the seal key of submitted secret inputs and the store URL (its password).
 */
const CREDENTIAL_ENV =
  /^(TENCENTCLOUD_|HUAWEICLOUD_SDK_)|SECRET|TOKEN|PASSWORD|^TCFLOW_(SEAL_KEY|STORE)$/i;

/** Composes what `_yaml_events.ts` leaves: `text` is the masked `source`. */
export type DocumentComposer = (text: string, source: string, file: string) => DocumentResult;

/**
 * Reads the text of a workflow file, importing the `yaml` package only when the file needs
 * it. Never throws: every problem is a diagnostic.
 */
export async function readWorkflowLazily(source: string, file: string): Promise<ParseResult> {
  const first = composeFast(source, file);
  if ("diagnostics" in first) return first;
  if (first.root !== undefined) return readComposed(source, file, first.text, { root: first.root });
  const { composeDocument } = await import("./_yaml_document.ts");
  return readComposed(source, file, first.text, composeDocument(first.text, source, file));
}

/** Reads the text of a workflow file; `composeDocument` composes what the fast path leaves. */
export function readWorkflow(
  source: string,
  file: string,
  composeDocument: DocumentComposer,
): ParseResult {
  const first = composeFast(source, file);
  if ("diagnostics" in first) return first;
  if (first.root !== undefined) return readComposed(source, file, first.text, { root: first.root });
  return readComposed(source, file, first.text, composeDocument(first.text, source, file));
}

/**
 * The size checks, then the fast composer: the masked text and its tree (`root` undefined
 * when the fast path leaves the file), or the result of a file too big or too deep.
 */
function composeFast(
  source: string,
  file: string,
): ParseResult | { text: string; root: YamlNode | null | undefined } {
  const early = checkSize(source, file);
  if (early !== undefined) return { diagnostics: [early], brokenStepIds: [] };
  const text = maskExpressions(source);
  return { text, root: composeEvents(text) };
}

/** Reads a composed workflow file into the model; `text` is the masked source. */
function readComposed(
  source: string,
  file: string,
  text: string,
  composed: DocumentResult,
): ParseResult {
  if (composed.diagnostics !== undefined) {
    return { diagnostics: composed.diagnostics, brokenStepIds: [] };
  }
  const r = new YamlReader(source, file, new LineIndex(text));
  const start = r.at(0, 1);
  const root = r.deref(composed.root);
  if (root === null || !isMap(root)) {
    r.report(
      "E_SCHEMA",
      "a workflow file is a YAML mapping with at least `tcflow: 1`, `name` and `steps`",
      start,
    );
    return { diagnostics: r.diagnostics, brokenStepIds: [] };
  }
  const entries = r.entries(root);
  r.checkKeys(entries, TOP_KEYS, "the workflow");
  const get = (key: string) => entries.find((entry) => entry.key === key);
  const v = new ValueReader(r);

  const version = get("tcflow");
  if (version === undefined) {
    r.report("E_VERSION", "missing `tcflow: 1` (the workflow format version)", start);
  } else {
    const value = r.value(version.node, version.keyPos);
    if (!(value.kind === "literal" && (value.value === 1n || value.value === "1"))) {
      r.report(
        "E_VERSION",
        `unsupported format version ${
          value.kind === "literal" ? `\`${String(value.value)}\`` : describeValue(value)
        }: this tcflow reads \`tcflow: 1\``,
        value.pos,
      );
    }
  }

  const nameEntry = get("name");
  let name = "";
  if (nameEntry === undefined) r.report("E_SCHEMA", "missing `name` of the workflow", start);
  else name = v.nonEmptyString(nameEntry, "`name`") ?? "";

  const workflow: Workflow = {
    file,
    source,
    name,
    inputs: [],
    defaults: {},
    env: [],
    rollback: "manual",
    steps: [],
    outputs: [],
  };
  const description = get("description");
  if (description) {
    const text = v.string(description, "`description`");
    if (text !== undefined) workflow.description = text;
  }
  const region = get("region");
  if (region) {
    const text = v.nonEmptyString(region, "`region`");
    if (text !== undefined) workflow.region = text;
  }
  const inputs = get("inputs");
  if (inputs) workflow.inputs = readInputs(r, v, inputs);
  const defaults = get("defaults");
  if (defaults) workflow.defaults = readDefaults(r, v, defaults.node, defaults.keyPos);
  const schedule = get("schedule");
  if (schedule) {
    const text = v.string(schedule, "`schedule`");
    if (text !== undefined) {
      const cron = parseCron(text);
      if ("error" in cron) r.report("E_CRON", cron.error, r.pos(schedule.node, schedule.keyPos));
      else workflow.schedule = text;
    }
  }
  const timezone = get("timezone");
  if (timezone) {
    const text = v.string(timezone, "`timezone`");
    if (text !== undefined && !isTimeZone(text)) {
      r.report(
        "E_TIMEZONE",
        `unknown time zone "${text}": give an IANA name like Asia/Shanghai or UTC`,
        r.pos(timezone.node, timezone.keyPos),
      );
    } else if (text !== undefined) workflow.timezone = text;
  }
  const onFailure = get("on_failure");
  if (onFailure) {
    const hook = readOnFailure(r, v, onFailure);
    if (hook !== undefined) workflow.onFailure = hook;
    if (get("schedule") === undefined) {
      r.report(
        "E_SCHEMA",
        "`on_failure` is for scheduled runs: it goes with `schedule:` (a failed `tcflow run` " +
          "exits 1)",
        onFailure.keyPos,
      );
    }
  }
  const env = get("env");
  if (env) workflow.env = readEnv(r, env.node, env.keyPos);
  const rollback = get("rollback");
  if (rollback) {
    const mode = v.oneOf(rollback, "`rollback`", ["on_failure", "manual"] as const);
    if (mode !== undefined) workflow.rollback = mode;
  }

  let brokenStepIds: string[] = [];
  const steps = get("steps");
  if (steps === undefined) r.report("E_SCHEMA", "missing `steps` (a list of steps)", start);
  else {
    const result = readSteps(r, v, steps, workflow.defaults.retry);
    workflow.steps = result.steps;
    brokenStepIds = result.brokenStepIds;
  }

  const outputs = get("outputs");
  if (outputs) {
    const map = r.mapValue(outputs.node, outputs.keyPos, "`outputs`");
    if (map) workflow.outputs = map.entries;
  }
  const diagnostics = r.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { workflow, diagnostics, brokenStepIds };
}

function readDefaults(
  r: YamlReader,
  v: ValueReader,
  node: YamlNode | null,
  keyPos: Pos,
): Workflow["defaults"] {
  const result: Workflow["defaults"] = {};
  const map = r.deref(node);
  if (map === null || !isMap(map)) {
    r.report(
      "E_SCHEMA",
      "`defaults` must be a mapping of `retry` and `timeout`",
      r.pos(node, keyPos),
    );
    return result;
  }
  const entries = r.entries(map);
  r.checkKeys(entries, ["retry", "timeout"], "`defaults`");
  for (const entry of entries) {
    if (entry.key === "retry") {
      const retry = v.retry(entry, undefined);
      if (retry) result.retry = retry;
    } else if (entry.key === "timeout") {
      const timeoutMs = v.duration(entry, "`defaults.timeout`");
      if (timeoutMs !== undefined) result.timeoutMs = timeoutMs;
    }
  }
  return result;
}

function readEnv(r: YamlReader, node: YamlNode | null, keyPos: Pos): string[] {
  const value = r.value(node, keyPos);
  if (value.kind !== "list") {
    r.report("E_SCHEMA", "`env` must be a list of environment variable names", value.pos);
    return [];
  }
  const names: string[] = [];
  for (const item of value.items) {
    if (item.kind === "literal" && typeof item.value === "string" && ENV_NAME.test(item.value)) {
      if (CREDENTIAL_ENV.test(item.value)) {
        r.report(
          "E_SECRET_ENV",
          `\`env\` must not list \`${item.value}\`: it holds a credential, which a workflow ` +
            "never reads (give secrets as inputs declared `secret: true`)",
          item.pos,
        );
      } else names.push(item.value);
    } else {
      r.report(
        "E_SCHEMA",
        "`env` lists environment variable names like `DEPLOY_STAGE`",
        item.pos,
      );
    }
  }
  return names;
}

function checkSize(source: string, file: string): Diagnostic | undefined {
  const bytes = source.length > MAX_SOURCE_BYTES / 3
    ? new TextEncoder().encode(source).length
    : source.length;
  if (bytes > MAX_SOURCE_BYTES) {
    return {
      code: "E_YAML",
      message: `the file is too large (${bytes} bytes; at most ${MAX_SOURCE_BYTES})`,
      file,
      line: 1,
      column: 1,
      severity: "error",
      length: 1,
    };
  }
  const deep = flowTooDeep(source);
  if (deep !== undefined) {
    const before = source.slice(0, deep);
    const line = before.split("\n").length;
    const column = deep - (before.lastIndexOf("\n") + 1) + 1;
    return {
      code: "E_YAML",
      message: `values are nested deeper than ${MAX_DEPTH} levels`,
      file,
      line,
      column,
      severity: "error",
      length: 1,
    };
  }
  return undefined;
}

/** Offset where `[`/`{` nesting exceeds {@link MAX_DEPTH}, outside quotes and comments. */
function flowTooDeep(source: string): number | undefined {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quote !== "") {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === "#" && (i === 0 || /\s/.test(source[i - 1]!))) {
      const end = source.indexOf("\n", i);
      if (end < 0) break;
      i = end;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s\[{,:]/.test(source[i - 1]!))) {
      quote = c;
    } else if (c === "[" || c === "{") {
      depth++;
      if (depth > MAX_DEPTH) return i;
    } else if (c === "]" || c === "}") {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}
