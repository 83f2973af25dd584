/**
 * Private helper of `parse.ts`: typed reading of workflow fields (strings, booleans,
 * durations, retry policies, input declarations) with their diagnostics.
 *
 * @module
 */
import { isMap, type YamlNode } from "./_yaml_tree.ts";
import { suggest } from "../catalog/suggest.ts";
import type { DiagnosticCode } from "./diagnostic.ts";
import type { InputDecl, InputType, RetryPolicy, ValueNode } from "./model.ts";
import { DEFAULT_RETRY } from "./defaults.ts";
import { parseDuration } from "./duration.ts";
import { describeValue, type YamlEntry, type YamlReader } from "./_yaml_reader.ts";

/** Bounds of retry policies (checked at validation time, `E_RETRY`). */
export const RETRY_BOUNDS = {
  attempts: { min: 1, max: 20 },
  delayMs: { min: 0, max: 600_000 },
  maxDelayMs: { min: 0, max: 3_600_000 },
  multiplier: { min: 1, max: 10 },
} as const;

const RETRY_KEYS = ["attempts", "delay", "max_delay", "multiplier", "jitter", "on"] as const;
const JITTERS = ["full", "equal", "none"] as const;
const ERROR_CODE = /^[A-Za-z][A-Za-z0-9_.]*\*?$|^\*$/;
const INPUT_TYPES: readonly InputType[] = [
  "string",
  "integer",
  "number",
  "boolean",
  "list",
  "map",
  "any",
];
const INPUT_KEYS = ["type", "description", "default", "required", "secret"] as const;
const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads typed scalar fields; reports `E_SCHEMA` (or the given code) on a wrong value. */
export class ValueReader {
  constructor(readonly r: YamlReader) {}

  /** The literal value of a field (no expressions), or `undefined` after a report. */
  literal(entry: YamlEntry, what: string, code: DiagnosticCode = "E_SCHEMA") {
    const value = this.r.value(entry.node, entry.keyPos);
    if (value.kind === "literal") return value;
    this.r.report(
      code,
      `${what} cannot be ${describeValue(value)}${
        value.kind === "expr" || value.kind === "template"
          ? " (it is read before anything runs)"
          : ""
      }`,
      value.pos,
    );
    return undefined;
  }

  /** A string field. */
  string(entry: YamlEntry, what: string, code: DiagnosticCode = "E_SCHEMA"): string | undefined {
    const value = this.literal(entry, what, code);
    if (value === undefined) return undefined;
    if (typeof value.value === "string") return value.value;
    this.r.report(code, `${what} must be a string, got ${describeValue(value)}`, value.pos);
    return undefined;
  }

  /** A string field that must not be empty (nor only spaces). */
  nonEmptyString(entry: YamlEntry, what: string): string | undefined {
    const value = this.literal(entry, what);
    if (value === undefined) return undefined;
    if (typeof value.value !== "string") {
      this.r.report("E_SCHEMA", `${what} must be a string, got ${describeValue(value)}`, value.pos);
      return undefined;
    }
    if (value.value.trim() === "") {
      this.r.report("E_SCHEMA", `${what} must not be empty`, value.pos);
      return undefined;
    }
    return value.value;
  }

  /** A boolean field. */
  bool(entry: YamlEntry, what: string): boolean | undefined {
    const value = this.literal(entry, what);
    if (value === undefined) return undefined;
    if (typeof value.value === "boolean") return value.value;
    this.r.report(
      "E_SCHEMA",
      `${what} must be true or false, got ${describeValue(value)}`,
      value.pos,
    );
    return undefined;
  }

  /** A number field (integer or not) within bounds. */
  number(
    entry: YamlEntry,
    what: string,
    bounds: { min: number; max: number; integer?: boolean },
    code: DiagnosticCode = "E_SCHEMA",
  ): number | undefined {
    const value = this.literal(entry, what, code);
    if (value === undefined) return undefined;
    const v = value.value;
    const ok = typeof v === "bigint" || (typeof v === "number" && !bounds.integer);
    if (!ok) {
      this.r.report(
        code,
        `${what} must be ${bounds.integer ? "an integer" : "a number"}, got ${
          describeValue(value)
        }`,
        value.pos,
      );
      return undefined;
    }
    const n = Number(v);
    if (!(n >= bounds.min && n <= bounds.max)) {
      this.r.report(
        code,
        `${what} must be between ${bounds.min} and ${bounds.max}, got ${v}`,
        value.pos,
      );
      return undefined;
    }
    return n;
  }

  /** One of a fixed set of words. */
  oneOf<T extends string>(
    entry: YamlEntry,
    what: string,
    options: readonly T[],
    code: DiagnosticCode = "E_SCHEMA",
  ): T | undefined {
    const text = this.string(entry, what, code);
    if (text === undefined) return undefined;
    if ((options as readonly string[]).includes(text)) return text as T;
    const hint = suggest(text, options);
    this.r.report(
      code,
      `${what} must be ${options.map((o) => `\`${o}\``).join(" or ")}, got \`${text}\`${
        hint ? `; did you mean \`${hint}\`?` : ""
      }`,
      this.r.pos(entry.node, entry.keyPos),
    );
    return undefined;
  }

  /** A duration field (`5s`, `1h30m`) in milliseconds; `E_DURATION` when bad. */
  duration(entry: YamlEntry, what: string, options: { allowZero?: boolean } = {}) {
    const value = this.literal(entry, what, "E_DURATION");
    if (value === undefined) return undefined;
    const v = value.value;
    if (typeof v === "bigint" || typeof v === "number") {
      this.r.report(
        "E_DURATION",
        `${what} needs a unit: \`${v}s\` or \`${v}ms\`? (durations look like 500ms, 5s, 10m, 1h30m)`,
        value.pos,
      );
      return undefined;
    }
    const ms = typeof v === "string" ? parseDuration(v) : undefined;
    if (ms === undefined) {
      this.r.report(
        "E_DURATION",
        `${what} is not a duration: ${
          describeValue(value)
        } (durations look like 500ms, 5s, 10m, 1h30m)`,
        value.pos,
      );
      return undefined;
    }
    if (ms === 0 && !options.allowZero) {
      this.r.report("E_DURATION", `${what} must be longer than 0`, value.pos);
      return undefined;
    }
    return ms;
  }

  /** A retry policy (`attempts`, `delay`, `max_delay`, `multiplier`, `jitter`, `on`) over `base`. */
  retry(entry: YamlEntry, base: RetryPolicy | undefined): RetryPolicy | undefined {
    const r = this.r;
    const node = r.deref(entry.node);
    if (node === null || !isMap(node)) {
      const value = r.value(entry.node, entry.keyPos);
      r.report(
        "E_RETRY",
        `\`retry\` must be a mapping like { attempts: 3, delay: 1s }, got ${describeValue(value)}`,
        value.pos,
      );
      return undefined;
    }
    const policy: RetryPolicy = { ...(base ?? DEFAULT_RETRY), on: [...(base ?? DEFAULT_RETRY).on] };
    const entries = r.entries(node);
    r.checkKeys(entries, RETRY_KEYS, "`retry`");
    let ok = true;
    const set = <K extends keyof RetryPolicy>(key: K, value: RetryPolicy[K] | undefined) => {
      if (value === undefined) ok = false;
      else policy[key] = value;
    };
    let delayEntry: YamlEntry | undefined;
    let maxEntry: YamlEntry | undefined;
    for (const field of entries) {
      switch (field.key) {
        case "attempts":
          set(
            "attempts",
            this.number(
              field,
              "`retry.attempts`",
              { ...RETRY_BOUNDS.attempts, integer: true },
              "E_RETRY",
            ),
          );
          break;
        case "delay":
          delayEntry = field;
          set("delayMs", this.boundedDuration(field, "`retry.delay`", RETRY_BOUNDS.delayMs.max));
          break;
        case "max_delay":
          maxEntry = field;
          set(
            "maxDelayMs",
            this.boundedDuration(field, "`retry.max_delay`", RETRY_BOUNDS.maxDelayMs.max),
          );
          break;
        case "multiplier":
          set(
            "multiplier",
            this.number(field, "`retry.multiplier`", RETRY_BOUNDS.multiplier, "E_RETRY"),
          );
          break;
        case "jitter":
          set("jitter", this.oneOf(field, "`retry.jitter`", JITTERS, "E_RETRY"));
          break;
        case "on":
          set("on", this.errorCodes(field));
          break;
      }
    }
    if (ok && policy.maxDelayMs < policy.delayMs) {
      const at = maxEntry ?? delayEntry ?? entry;
      r.report(
        "E_RETRY",
        `\`retry.max_delay\` (${policy.maxDelayMs}ms) is shorter than \`retry.delay\` (${policy.delayMs}ms)`,
        r.pos(at.node, at.keyPos),
      );
      ok = false;
    }
    return ok ? policy : undefined;
  }

  private boundedDuration(entry: YamlEntry, what: string, maxMs: number): number | undefined {
    const ms = this.duration(entry, what, { allowZero: true });
    if (ms !== undefined && ms > maxMs) {
      this.r.report(
        "E_RETRY",
        `${what} is too long (at most ${maxMs / 1000}s)`,
        this.r.pos(entry.node, entry.keyPos),
      );
      return undefined;
    }
    return ms;
  }

  private errorCodes(entry: YamlEntry): string[] | undefined {
    const value = this.r.value(entry.node, entry.keyPos);
    const items: ValueNode[] = value.kind === "list" ? value.items : [value];
    const codes: string[] = [];
    for (const item of items) {
      if (
        item.kind === "literal" && typeof item.value === "string" && ERROR_CODE.test(item.value)
      ) {
        codes.push(item.value);
      } else {
        this.r.report(
          "E_RETRY",
          `\`retry.on\` lists error codes like \`ResourceInUse\` or prefixes like \`FailedOperation.*\`, got ${
            describeValue(item)
          }`,
          item.pos,
        );
        return undefined;
      }
    }
    return codes;
  }
}

/** Reads `inputs:`: a mapping of name → `{type, description, default, required, secret}` or a type name. */
export function readInputs(r: YamlReader, v: ValueReader, entry: YamlEntry): InputDecl[] {
  const map = r.deref(entry.node);
  if (map === null || !isMap(map)) {
    const value = r.value(entry.node, entry.keyPos);
    if (value.kind === "literal" && value.value === null) return [];
    r.report(
      "E_SCHEMA",
      `\`inputs\` must be a mapping of input names, got ${describeValue(value)}`,
      value.pos,
    );
    return [];
  }
  const decls: InputDecl[] = [];
  for (const input of r.entries(map)) {
    if (!INPUT_NAME.test(input.key)) {
      r.report(
        "E_INPUT",
        `\`${input.key}\` is not a valid input name (letters, digits and _)`,
        input.keyPos,
      );
      continue;
    }
    const decl = readInput(r, v, input);
    if (decl) decls.push(decl);
  }
  return decls;
}

function readInput(r: YamlReader, v: ValueReader, input: YamlEntry): InputDecl | undefined {
  const decl: InputDecl = {
    name: input.key,
    type: "string",
    required: true,
    secret: false,
    pos: input.keyPos,
  };
  const node = r.deref(input.node);
  if (node === null || !isMap(node)) {
    // Shorthand `name: integer`.
    const type = inputType(r, v, input);
    if (type === undefined) return undefined;
    decl.type = type;
    return decl;
  }
  const fields = r.entries(node);
  r.checkKeys(fields, INPUT_KEYS, `input \`${input.key}\``);
  let typed = false;
  let ok = true;
  let requiredGiven: boolean | undefined;
  let defaultNode: ValueNode | undefined;
  for (const field of fields) {
    if (field.key === "type") {
      const type = inputType(r, v, field);
      if (type === undefined) ok = false;
      else {
        decl.type = type;
        typed = true;
      }
    } else if (field.key === "description") {
      const text = v.string(field, "an input's `description`");
      if (text !== undefined) decl.description = text;
    } else if (field.key === "required") {
      requiredGiven = v.bool(field, "`required`");
    } else if (field.key === "secret") {
      decl.secret = v.bool(field, "`secret`") ?? false;
    } else if (field.key === "default") {
      defaultNode = r.value(field.node, field.keyPos);
    }
  }
  if (!ok) return undefined;
  if (defaultNode !== undefined) {
    const value = toPlain(r, defaultNode);
    if (value === INVALID) return undefined;
    if (!typed) decl.type = inferType(value);
    if (!matchesType(value, decl.type)) {
      // A secret's default is never shown, not even in a diagnostic.
      const got = decl.secret ? "a value that is not shown (secret)" : describeValue(defaultNode);
      r.report(
        "E_INPUT",
        `the default of input \`${decl.name}\` must be ${
          decl.type === "integer" ? "an" : "a"
        } ${decl.type}, got ${got}`,
        defaultNode.pos,
      );
      return undefined;
    }
    decl.default = value;
  }
  decl.required = requiredGiven ?? defaultNode === undefined;
  return decl;
}

function inputType(r: YamlReader, v: ValueReader, entry: YamlEntry): InputType | undefined {
  const text = v.string(entry, "an input's `type`", "E_INPUT");
  if (text === undefined) return undefined;
  if ((INPUT_TYPES as readonly string[]).includes(text)) return text as InputType;
  const hint = suggest(text, INPUT_TYPES) ??
    ({ int: "integer", bool: "boolean", float: "number" } as Record<string, string>)[text];
  r.report(
    "E_INPUT",
    `unknown input type \`${text}\`${hint ? `; did you mean \`${hint}\`?` : ""} (one of ${
      INPUT_TYPES.join(", ")
    })`,
    r.pos(entry.node, entry.keyPos),
  );
  return undefined;
}

const INVALID = Symbol("invalid");

/** A literal YAML value as plain data (integers as bigint); expressions are not allowed. */
function toPlain(r: YamlReader, node: ValueNode): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "list": {
      const items = node.items.map((item) => toPlain(r, item));
      return items.includes(INVALID) ? INVALID : items;
    }
    case "map": {
      const entries = node.entries.map((entry) => [entry.key, toPlain(r, entry.value)] as const);
      return entries.some(([, value]) => value === INVALID) ? INVALID : Object.fromEntries(entries);
    }
    default:
      r.report("E_INPUT", "an input's `default` cannot hold expressions", node.pos);
      return INVALID;
  }
}

function inferType(value: unknown): InputType {
  if (typeof value === "string") return "string";
  if (typeof value === "bigint") return "integer";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  if (Array.isArray(value)) return "list";
  if (value !== null && typeof value === "object") return "map";
  return "any";
}

/** Whether a plain value (integers as bigint) fits an input type. */
export function matchesType(value: unknown, type: InputType): boolean {
  switch (type) {
    case "any":
      return true;
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "bigint";
    case "number":
      return typeof value === "bigint" || typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "list":
      return Array.isArray(value);
    case "map":
      return value !== null && typeof value === "object" && !Array.isArray(value);
  }
}

/** Whether `node` is a YAML mapping (re-exported for the step reader). */
export function isMapping(node: YamlNode | null): boolean {
  return node !== null && isMap(node);
}
