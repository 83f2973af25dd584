/**
 * Lossless JSON: integers stay exact to 64 bits and beyond.
 *
 * Tencent Cloud's `Integer` is up to unsigned 64-bit, which a JS number cannot hold. Parsing
 * returns integer literals as `bigint` (exact: numbers a double cannot tell apart are read from
 * their source text, JSON.parse source access); serializing writes `bigint` as plain JSON digits
 * (JSON.rawJSON).
 *
 * @module
 */

/** How integers are returned by {@link parseJson}. */
export type IntegerMode =
  /** every integer as bigint (what expressions use: CEL `int`) */
  | "bigint"
  /** safe integers as number, larger ones as bigint */
  | "auto";

type SourceContext = { source?: string };

const INTEGER = /^-?\d+$/;

/** `JSON.rawJSON` (ES2025), not yet in TypeScript's lib. */
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/**
 * A number token whose value alone does not say what its source was: a fraction or an exponent
 * (`3.0` and `3e0` parse to the integer 3, which is not an integer literal), or 16 digits and
 * more (beyond 2^53 a double is not exact). Number tokens start a value: at the start of the
 * text or after `:`, `[` or `,`. Inside strings the pattern may also match; that only costs the
 * slower, source-reading parse.
 */
const AMBIGUOUS_NUMBER = /(?:^|[:[,])\s*-?(?:\d{16}|\d+[.eE])/;

/**
 * 16 digits and more, or an exponent of 3 digits and more, right after where a value starts (see
 * {@link AMBIGUOUS_NUMBER}): an integer a double cannot hold, or a number that may overflow to
 * infinity or underflow to zero.
 */
const LONG_NUMBER = /(?:^|[:[,])\s*-?(?:\d{16}|[\d.]+[eE][+-]?\d{3})/;

/**
 * A JSON number that no double holds: it overflows to infinity (`1e999`) or underflows to zero
 * (`1e-999`). It keeps its source text, and serializes as exactly that text (not `null`, as
 * `JSON.stringify(Infinity)` would), so an answer that carries one reaches the journal, reports
 * and `--json` output unchanged.
 *
 * @example
 * ```ts
 * import { JsonNumber, parseJson, stringifyJson } from "./json.ts";
 * const value = parseJson('{"Size": 1e999}') as { Size: JsonNumber };
 * console.log(value.Size instanceof JsonNumber, stringifyJson(value)); // true {"Size":1e999}
 * ```
 */
export class JsonNumber {
  /** @param text the number's JSON source text, e.g. `1e999` */
  constructor(readonly text: string) {}
  /** The source text. */
  toString(): string {
    return this.text;
  }
  /** The source text as raw JSON, so that any `JSON.stringify` writes it unchanged. */
  toJSON(): unknown {
    return rawJson(this.text);
  }
}

/** Whether a double parsed from `source` lost it: infinite, or zero from non-zero digits. */
function outOfRange(value: number, source: string): boolean {
  if (!Number.isFinite(value)) return true;
  return value === 0 && /[1-9]/.test(source.replace(/[eE].*$/, ""));
}

/**
 * Parses JSON text, keeping integers exact, and a number no double holds (`1e999`) as a
 * {@link JsonNumber} with its text. Throws `SyntaxError` like `JSON.parse`.
 *
 * When no number token is ambiguous (every one is an integer literal of at most 15 digits, which
 * a double holds exactly), the text is parsed natively and the numbers converted afterwards;
 * otherwise each number's source text is read (JSON.parse source access, several times slower).
 */
export function parseJson(text: string, ints: IntegerMode = "bigint"): unknown {
  if (ints === "auto") {
    return LONG_NUMBER.test(text) ? parseWithSource(text, ints) : JSON.parse(text);
  }
  return AMBIGUOUS_NUMBER.test(text)
    ? parseWithSource(text, ints)
    : numbersToBigint(JSON.parse(text));
}

/** Every number of a freshly parsed value as `bigint`, in place (all are exact integers). */
function numbersToBigint(value: unknown): unknown {
  if (typeof value === "number") return BigInt(value);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item !== null && (typeof item === "number" || typeof item === "object")) {
        value[i] = numbersToBigint(item);
      }
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  // Own keys only; an own "__proto__" (JSON.parse makes one) is written as a data property.
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item !== null && (typeof item === "number" || typeof item === "object")) {
      record[key] = numbersToBigint(item);
    }
  }
  return record;
}

/**
 * Parses with every number's source text at hand: integer literals become exact `bigint`. The
 * slow path of {@link parseJson}, and its reference in the tests.
 */
export function parseWithSource(text: string, ints: IntegerMode): unknown {
  return JSON.parse(
    text,
    // deno-lint-ignore no-explicit-any
    function (this: unknown, _key: string, value: unknown, context?: SourceContext): any {
      if (typeof value !== "number" || context?.source === undefined) return value;
      const source = context.source;
      if (!INTEGER.test(source)) return outOfRange(value, source) ? new JsonNumber(source) : value;
      if (ints === "bigint") return BigInt(source);
      return Number.isSafeInteger(value) ? value : BigInt(source);
    } as (key: string, value: unknown) => unknown,
  );
}

/** Serializes a value to JSON, writing `bigint` as exact digits. */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v) => (typeof v === "bigint" ? rawJson(v.toString()) : v),
    indent,
  );
}

/** Whether `value` is a JSON object (not `null`, not an array, not a {@link JsonNumber}). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    !(value instanceof JsonNumber);
}
