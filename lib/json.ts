/**
 * Lossless JSON: integers stay exact to 64 bits and beyond.
 *
 * Tencent Cloud's `Integer` is up to unsigned 64-bit, which a JS number cannot hold. Parsing
 * reads each number's source text (JSON.parse source access) and returns integers as
 * `bigint`; serializing writes `bigint` as plain JSON digits (JSON.rawJSON).
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

/** Parses JSON text, keeping integers exact. Throws `SyntaxError` like `JSON.parse`. */
export function parseJson(text: string, ints: IntegerMode = "bigint"): unknown {
  return JSON.parse(
    text,
    // deno-lint-ignore no-explicit-any
    function (this: unknown, _key: string, value: unknown, context?: SourceContext): any {
      if (typeof value !== "number" || context?.source === undefined) return value;
      const source = context.source;
      if (!INTEGER.test(source)) return value;
      if (ints === "bigint") return BigInt(source);
      return Number.isSafeInteger(value) ? value : BigInt(source);
    } as (key: string, value: unknown) => unknown,
  );
}

/** `JSON.rawJSON` (ES2025), not yet in TypeScript's lib. */
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** Serializes a value to JSON, writing `bigint` as exact digits. */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v) => (typeof v === "bigint" ? rawJson(v.toString()) : v),
    indent,
  );
}
