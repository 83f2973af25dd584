/**
 * Workflow inputs from the command line: `--input name=value` (repeatable, the value parsed as
 * YAML) and `--inputs file.yaml|json`, checked against the workflow's `inputs:` declarations.
 *
 * Values use the runtime representation of expressions: integers are `bigint`, doubles
 * `number`, lists arrays, maps plain objects. Flags override the file; declared defaults fill
 * the rest. Every problem is a {@link UsageError} (exit 2) naming the flag it came from.
 *
 * @module
 */
import { parse as parseYaml } from "../vendor/yaml.js";
import type { InputDecl, InputType } from "./model.ts";
import { parseJson } from "../json.ts";
import { suggest } from "../catalog/suggest.ts";
import { UsageError } from "../errors.ts";

/** Options of {@link parseInputFlags}. */
export interface InputFlagOptions {
  /** Reads the `--inputs` file (default `Deno.readTextFileSync`). */
  readTextFile?: (path: string) => string;
}

/** Largest `--inputs` file accepted, in bytes of text. */
const MAX_INPUTS_FILE_CHARS = 2 * 1024 * 1024;

const YAML_OPTIONS = {
  intAsBigInt: true,
  uniqueKeys: true,
  maxAliasCount: 100,
  prettyErrors: false,
  // Warnings go to the process's stderr and quote the text (a secret input's value).
  logLevel: "error",
} as const;

/**
 * Builds the inputs of a run from `--input name=value` flag values and an optional
 * `--inputs` file, checked against the declarations.
 *
 * @param flags the values of every `--input` flag, in order (`["taskId=task-1", "n=3"]`)
 * @param inputsFile path of the `--inputs` file, or `undefined`
 * @param decls the workflow's declared inputs
 * @returns one entry per given or defaulted input (integers as bigint)
 * @throws {UsageError} unknown input (with a "did you mean"), malformed flag, unreadable or
 *   invalid file, wrong type, missing required input
 *
 * @example
 * ```ts
 * const inputs = parseInputFlags(["queueNum=8"], undefined, [
 *   { name: "queueNum", type: "integer", required: true, secret: false,
 *     pos: { line: 1, column: 1, offset: 0, length: 1 } },
 * ]);
 * // inputs.queueNum === 8n
 * ```
 */
export function parseInputFlags(
  flags: string[],
  inputsFile: string | undefined,
  decls: InputDecl[],
  options: InputFlagOptions = {},
): Record<string, unknown> {
  const byName = new Map(decls.map((decl) => [decl.name, decl]));
  const names = decls.map((decl) => decl.name);
  const result: Record<string, unknown> = {};

  if (inputsFile !== undefined) {
    const fromFile = readInputsFile(
      inputsFile,
      options.readTextFile ?? Deno.readTextFileSync,
      decls.some((decl) => decl.secret),
    );
    for (const [name, value] of Object.entries(fromFile)) {
      const where = `--inputs ${inputsFile}: input \`${name}\``;
      const decl = byName.get(name);
      if (decl === undefined) throw unknownInput(name, names, `--inputs ${inputsFile}`);
      result[name] = coerce(value, decl, where);
    }
  }

  const seen = new Set<string>();
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(`--input ${flag}: expected name=value (e.g. --input taskId=task-123)`);
    }
    const name = flag.slice(0, eq).trim();
    const text = flag.slice(eq + 1);
    const decl = byName.get(name);
    if (decl === undefined) throw unknownInput(name, names, `--input ${name}`);
    if (seen.has(name)) throw new UsageError(`--input ${name} is given more than once`);
    seen.add(name);
    result[name] = coerce(flagValue(text, decl), decl, `--input ${name}`);
  }

  const missing: string[] = [];
  for (const decl of decls) {
    if (Object.hasOwn(result, decl.name)) continue;
    if (decl.default !== undefined) result[decl.name] = decl.default;
    else if (decl.required) missing.push(decl.name);
  }
  if (missing.length > 0) {
    const list = missing.map((name) => `\`${name}\``).join(", ");
    const example = missing.map((name) => `--input ${name}=VALUE`).join(" ");
    throw new UsageError(
      `missing required input${missing.length > 1 ? "s" : ""} ${list}: give ${example}` +
        ` or put ${missing.length > 1 ? "them" : "it"} in an --inputs file`,
    );
  }
  return result;
}

/**
 * The text forms of every secret input's value (strings, and the scalars inside lists and
 * maps), for redaction: these must never reach output, logs, errors or journals.
 *
 * @example
 * ```ts
 * const pos = { line: 1, column: 1, offset: 0, length: 1 };
 * const decls = [{ name: "apiKey", type: "string" as const, required: true, secret: true, pos }];
 * secretValues({ apiKey: "k-123" }, decls); // ["k-123"]
 * ```
 */
export function secretValues(inputs: Record<string, unknown>, decls: InputDecl[]): string[] {
  const out = new Set<string>();
  const walk = (value: unknown): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value === "object") return Object.values(value).forEach(walk);
    // A boolean only tests; every other value is a secret whatever its length (a short one is
    // found as a whole value, never inside other text: see lib/redaction.ts).
    if (typeof value === "boolean") return;
    const text = String(value);
    if (text !== "") out.add(text);
  };
  for (const decl of decls) {
    if (decl.secret && Object.hasOwn(inputs, decl.name)) walk(inputs[decl.name]);
  }
  return [...out];
}

function unknownInput(name: string, names: string[], where: string): UsageError {
  const hint = suggest(name, names);
  const known = names.length > 0
    ? ` (declared: ${names.join(", ")})`
    : " (the workflow declares no inputs)";
  return new UsageError(
    `${where}: the workflow has no input \`${name}\`${
      hint ? `; did you mean \`${hint}\`?` : known
    }`,
  );
}

/** A flag's text as a value: YAML, except that a `string` input keeps the raw text. */
function flagValue(text: string, decl: InputDecl): unknown {
  if (decl.type === "string") {
    // Only a quoted scalar is unquoted: `!x`, `&a b`, `|` are text as typed, not YAML syntax.
    if (!/^\s*(["']).*\1\s*$/s.test(text)) return text;
    try {
      const parsed = parseYaml(text, YAML_OPTIONS);
      return typeof parsed === "string" ? parsed : text;
    } catch {
      return text;
    }
  }
  try {
    return parseYaml(text, YAML_OPTIONS) ?? null;
  } catch (error) {
    // (A parser's message may quote the text: never for a secret.)
    const why = decl.secret ? "" : `: ${firstLine(error)}`;
    throw new UsageError(`--input ${decl.name}: the value is not valid YAML${why}`);
  }
}

function readInputsFile(
  path: string,
  read: (path: string) => string,
  holdsSecrets: boolean,
): Record<string, unknown> {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    throw new UsageError(`--inputs ${path}: cannot read the file: ${firstLine(error)}`);
  }
  if (text.length > MAX_INPUTS_FILE_CHARS) {
    throw new UsageError(`--inputs ${path}: the file is larger than 2 MB`);
  }
  let value: unknown;
  try {
    value = /\.json$/i.test(path) ? parseJson(text, "bigint") : parseYaml(text, YAML_OPTIONS);
  } catch (error) {
    const kind = /\.json$/i.test(path) ? "JSON" : "YAML";
    if (error instanceof RangeError) {
      throw new UsageError(`--inputs ${path}: the ${kind} is nested too deeply`);
    }
    // A parser's message may quote the file's text, which may hold a secret input.
    const why = holdsSecrets ? "" : `: ${firstLine(error)}`;
    throw new UsageError(`--inputs ${path}: not valid ${kind}${why}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(
      `--inputs ${path}: expected a mapping of input names to values, got ${describe(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

/** Checks a value against the declared type, converting integers to bigint. */
function coerce(value: unknown, decl: InputDecl, where: string): unknown {
  const fail = (): never => {
    throw new UsageError(
      `${where} must be ${article(decl.type)}: got ${describe(value, decl.secret)}`,
    );
  };
  const clean = normalize(value, where);
  switch (decl.type) {
    case "string":
      return typeof clean === "string" ? clean : fail();
    case "integer":
      if (typeof clean === "bigint") return clean;
      // An integral double beyond 2^53 (`1e30`) is no exact integer: never rounded into one.
      if (typeof clean === "number" && Number.isInteger(clean)) throw outOfRange(where, clean);
      return fail();
    case "number":
      return typeof clean === "bigint" || (typeof clean === "number" && Number.isFinite(clean))
        ? clean
        : fail();
    case "boolean":
      return typeof clean === "boolean" ? clean : fail();
    case "list":
      return Array.isArray(clean) ? clean : fail();
    case "map":
      return clean !== null && typeof clean === "object" && !Array.isArray(clean) ? clean : fail();
    case "any":
      return clean;
  }
}

/**
 * The integers of 64 bits: signed (an expression `int`) or unsigned (Tencent Cloud's `Integer`
 * goes up to uint64, e.g. ids).
 */
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function outOfRange(where: string, value: bigint | number): UsageError {
  return new UsageError(
    `${where}: ${value} is outside the 64-bit integer range (${INT64_MIN} to ${UINT64_MAX})`,
  );
}

/**
 * Makes a parsed value JSON-like: exact integral numbers become bigint (inside lists and maps
 * too), integers beyond 64 bits and keys that could reach an object prototype
 * are refused.
 */
function normalize(value: unknown, where: string): unknown {
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "bigint" && (value < INT64_MIN || value > UINT64_MAX)) {
    throw outOfRange(where, value);
  }
  if (Array.isArray(value)) return value.map((item) => normalize(item, where));
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === "__proto__" || key === "constructor" || key === "prototype") {
        throw new UsageError(`${where}: the key \`${key}\` is not allowed`);
      }
      out[key] = normalize(item, where);
    }
    return out;
  }
  return value;
}

function article(type: InputType): string {
  switch (type) {
    case "integer":
      return "an integer";
    case "any":
      return "any value";
    default:
      return `a ${type}`;
  }
}

function describe(value: unknown, secret = false): string {
  const kind = value === null
    ? "null"
    : Array.isArray(value)
    ? "list"
    : typeof value === "bigint"
    ? "integer"
    : typeof value === "object"
    ? "map"
    : typeof value;
  if (secret || value === null || typeof value === "object") return kind;
  const text = String(value);
  return `${kind} ${typeof value === "string" ? JSON.stringify(text) : text}`.slice(0, 80);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
