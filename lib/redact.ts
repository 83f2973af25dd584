/**
 * Redaction: the text that replaces secrets and a deep-copying redactor. No imports; the
 * journal, the engine, reports and the secret tracking (`secrets.ts`) use it.
 *
 * @module
 */

/** The text that replaces secrets. */
export const REDACTED = "***";

/**
 * A function that returns a deep copy of a value with every occurrence of any secret replaced
 * by `***` (in strings, object keys included; a number whose digits are a secret becomes `***`).
 * Plain objects and arrays are copied; other objects (placeholders, dates) are kept as they are.
 * Secrets shorter than 3 characters are ignored.
 *
 * @example
 * ```ts
 * redactor(["s3cr3t"])({ Key: "id:s3cr3t" }); // { Key: "id:***" }
 * ```
 */
export function redactor(secrets: Iterable<string>): <T>(value: T) => T {
  const list = [...new Set([...secrets].filter((s) => s.length >= 3))]
    .sort((a, b) => b.length - a.length);
  if (list.length === 0) return <T>(value: T) => value;
  const pattern = new RegExp(list.map(escapeRegExp).join("|"), "g");
  const exact = new Set(list);
  const text = (s: string) => s.replace(pattern, REDACTED);
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (typeof value === "number" || typeof value === "bigint") {
      return exact.has(String(value)) ? REDACTED : value;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === "object" && isPlain(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[text(key)] = walk(item);
      return out;
    }
    return value;
  };
  return <T>(value: T) => walk(value) as T;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
