/**
 * Runtime values of the evaluator, its errors and its resource budget.
 *
 * Values are JSON-like: `bigint` (CEL int), `number` (double), strings, booleans, `null`,
 * arrays, plain objects (maps with string keys), plus `Uint` (CEL uint), `Uint8Array` (bytes),
 * `Date` (timestamp), `Duration` and `Placeholder` (a value not known yet, in a dry run).
 *
 * @module
 */

import type { Pos } from "./value.ts";

/** A value not known yet (dry run): its label says what it stands for. */
export class Placeholder {
  /**
   * Creates a placeholder.
   *
   * @param label what it stands for, e.g. `"<apigateway.CreateUsagePlan.Result.UsagePlanId>"`
   */
  constructor(readonly label: string) {}
  /** The label, so that a placeholder reads well wherever it is printed. */
  toString(): string {
    return this.label;
  }
  /** Placeholders serialize as their label. */
  toJSON(): string {
    return this.label;
  }
}

/** Codes of expression errors (a subset of the diagnostic codes, plus `E_EVAL`). */
export type ExprErrorCode = "E_EXPR" | "E_TYPE" | "E_REF" | "E_EVAL";

/** An expression that cannot be parsed or evaluated. A user error: no stack is shown. */
export class ExprError extends Error {
  /** Always `"ExprError"`. */
  override name = "ExprError";
  /** Offset of the problem in the CEL source, when known. */
  offset?: number;
  /** Length of the offending text, when known. */
  length?: number;
  /** Position of the workflow value holding the expression (set by `resolveValue`). */
  pos?: Pos;
  /**
   * Creates an expression error.
   *
   * @param code the kind of problem: syntax (`E_EXPR`), type (`E_TYPE`), unknown name or field
   *   (`E_REF`), or failure while evaluating (`E_EVAL`)
   * @param message what is wrong, with the value
   * @param where offset and length of the offending text in the CEL source, when known
   */
  constructor(
    readonly code: ExprErrorCode,
    message: string,
    where?: { offset: number; length: number },
  ) {
    super(message);
    if (where) {
      this.offset = where.offset;
      this.length = where.length;
    }
  }
}

/** An evaluation that passed a resource limit: never absorbed by `||`, `&&`, `exists`, `all`. */
export class LimitError extends ExprError {
  override name = "ExprError";
  constructor(message: string, where: { offset: number; length: number }) {
    super("E_EVAL", message, where);
  }
}

/** CEL `uint`: an unsigned 64-bit integer. */
export class Uint {
  constructor(readonly value: bigint) {}
}

/** CEL `duration`, in nanoseconds. */
export class Duration {
  constructor(readonly nanos: bigint) {}
  /** Go/CEL style text: `"90s"`, `"0.5s"`. */
  toString(): string {
    const neg = this.nanos < 0n;
    const abs = neg ? -this.nanos : this.nanos;
    const seconds = abs / 1_000_000_000n;
    const frac = abs % 1_000_000_000n;
    const fracText = frac === 0n ? "" : "." + frac.toString().padStart(9, "0").replace(/0+$/, "");
    return `${neg ? "-" : ""}${seconds}${fracText}s`;
  }
}

export const MIN_INT = -(2n ** 63n);
export const MAX_INT = 2n ** 63n - 1n;
export const MAX_UINT = 2n ** 64n - 1n;

/** Most iterations of macros (`map`, `filter`, `exists` …) in one evaluation. */
export const MAX_ITERATIONS = 1_000_000;
/** Most bytes (roughly) that one evaluation may allocate for new strings and lists. */
export const MAX_RESULT_BYTES = 10 * 1024 * 1024;

/** Counts the work of one evaluation and stops it when a limit is passed. */
export class Budget {
  iterations = 0;
  bytes = 0;
  /** One more macro iteration. */
  iterate(where: { offset: number; length: number }): void {
    if (++this.iterations > MAX_ITERATIONS) {
      throw new LimitError(
        `expression takes too many steps (more than ${MAX_ITERATIONS} macro iterations)`,
        where,
      );
    }
  }
  /** `n` more bytes allocated. */
  alloc(n: number, where: { offset: number; length: number }): void {
    this.bytes += n;
    if (this.bytes > MAX_RESULT_BYTES) {
      throw new LimitError(
        `expression result is too large (more than ${MAX_RESULT_BYTES / 1024 / 1024} MB)`,
        where,
      );
    }
  }
}

/** Runtime kinds of values. */
export type Kind =
  | "int"
  | "uint"
  | "double"
  | "string"
  | "bool"
  | "null"
  | "bytes"
  | "timestamp"
  | "duration"
  | "list"
  | "map"
  | "placeholder";

/** True for a plain object (prototype `Object.prototype` or `null`): a CEL map. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The runtime kind of a value, or `undefined` for values expressions cannot hold. */
export function kindOf(v: unknown): Kind | undefined {
  switch (typeof v) {
    case "bigint":
      return "int";
    case "number":
      return "double";
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "object":
      if (v === null) return "null";
      if (Array.isArray(v)) return "list";
      if (v instanceof Uint) return "uint";
      if (v instanceof Uint8Array) return "bytes";
      if (v instanceof Date) return "timestamp";
      if (v instanceof Duration) return "duration";
      if (v instanceof Placeholder) return "placeholder";
      if (isPlainObject(v)) return "map";
      return undefined;
    default:
      return undefined;
  }
}

/** The own property `key` of a plain object, never an inherited one. */
export function ownField(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Numeric value of an int, uint or double, as bigint when exact, for comparisons. */
function numeric(v: unknown): bigint | number | undefined {
  if (typeof v === "bigint" || typeof v === "number") return v;
  if (v instanceof Uint) return v.value;
  return undefined;
}

/** Three-way comparison of two numbers of any numeric kind (exact for integers). */
function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number" && typeof b === "number") {
    return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  }
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x !== y) return x < y ? -1 : 1;
  // equal as doubles: compare exactly when one side is an integral double
  const d = typeof a === "number" ? a : (b as number);
  if (!Number.isInteger(d) || !Number.isFinite(d)) return 0;
  const i = typeof a === "bigint" ? a : (b as bigint);
  const c = i < BigInt(d) ? -1 : i > BigInt(d) ? 1 : 0;
  return typeof a === "bigint" ? c : -c;
}

/** CEL equality: numbers across kinds, lists and maps deeply, timestamps by instant. */
export function valueEquals(a: unknown, b: unknown): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return compareNumbers(na, nb) === 0;
  if (a === b) return true;
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  switch (ka) {
    case "list": {
      const x = a as unknown[];
      const y = b as unknown[];
      return x.length === y.length && x.every((v, i) => valueEquals(v, y[i]));
    }
    case "map": {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const keys = Object.keys(x);
      if (keys.length !== Object.keys(y).length) return false;
      return keys.every((k) => Object.hasOwn(y, k) && valueEquals(x[k], y[k]));
    }
    case "bytes": {
      const x = a as Uint8Array;
      const y = b as Uint8Array;
      return x.length === y.length && x.every((v, i) => v === y[i]);
    }
    case "timestamp":
      return (a as Date).getTime() === (b as Date).getTime();
    case "duration":
      return (a as Duration).nanos === (b as Duration).nanos;
    default:
      return false;
  }
}

/**
 * Ordering of two values of comparable kinds (numbers of any kind, strings, bools, bytes,
 * timestamps, durations); `undefined` when they cannot be ordered.
 */
export function compareValues(a: unknown, b: unknown): number | undefined {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return compareNumbers(na, nb);
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return undefined;
  switch (ka) {
    case "string":
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case "bool":
      return Number(a) - Number(b);
    case "timestamp":
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case "duration": {
      const x = (a as Duration).nanos;
      const y = (b as Duration).nanos;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case "bytes": {
      const x = a as Uint8Array;
      const y = b as Uint8Array;
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        if (x[i] !== y[i]) return x[i]! - y[i]!;
      }
      return x.length - y.length;
    }
    default:
      return undefined;
  }
}

/** Type name of a value for messages. */
export function describeKind(v: unknown): string {
  return kindOf(v) ?? (v === undefined ? "undefined" : "unsupported value");
}

/**
 * Converts an evaluation result to the JSON-like output: `uint` → bigint, timestamps → ISO
 * text, durations → `"90s"`, bytes → base64 text, maps → plain objects (never copying keys
 * that would touch a prototype).
 */
export function toOutput(v: unknown): unknown {
  if (v instanceof Uint) return v.value;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Duration) return v.toString();
  if (v instanceof Uint8Array) {
    let text = "";
    for (const byte of v) text += String.fromCharCode(byte);
    return btoa(text);
  }
  if (Array.isArray(v)) return v.map(toOutput);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      Object.defineProperty(out, key, {
        value: toOutput(v[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

/** True when `value` is or contains (in lists and maps) a {@link Placeholder}. */
export function containsPlaceholder(value: unknown): boolean {
  if (value instanceof Placeholder) return true;
  if (Array.isArray(value)) return value.some(containsPlaceholder);
  if (isPlainObject(value)) return Object.values(value).some(containsPlaceholder);
  return false;
}
