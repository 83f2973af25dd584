/**
 * Turns the flat `Name.N.Field` string parameters of v1 (GET / form) requests into typed JSON
 * values. The checks themselves are the product's (`lib/catalog/params.ts`).
 *
 * @module
 */
import { isScalarType, parseTypeName } from "../catalog/catalog.ts";
import type { Field } from "../catalog/types.ts";
import type { StructureLookup } from "../catalog/params.ts";

export { checkParams, paramProblem, type StructureLookup } from "../catalog/params.ts";

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Public parameters of v1 requests, which are not action parameters. */
export const V1_PUBLIC_PARAMS = new Set([
  "Action",
  "Version",
  "Region",
  "Timestamp",
  "Nonce",
  "SecretId",
  "Signature",
  "SignatureMethod",
  "Token",
  "Language",
  "RequestClient",
]);

/**
 * Turns v1 flat parameters (`Filters.0.Name=x`, `Limit=10`, all strings) into typed JSON
 * following the action's declared types. Public parameters are dropped. Strings that cannot
 * be read as the declared type are left as they are, so {@link checkParams} reports them.
 */
export function unflattenV1(
  inputs: readonly Field[],
  flat: Record<string, string>,
  lookup: StructureLookup,
): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(flat)) {
    if (V1_PUBLIC_PARAMS.has(key)) continue;
    const parts = key.split(".");
    let node: Record<string, unknown> = tree;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = text;
        return;
      }
      const next = node[part];
      if (next === undefined || typeof next !== "object" || next === null) {
        node[part] = {};
      }
      node = node[part] as Record<string, unknown>;
    });
  }
  return coerceObject(inputs, tree, lookup);
}

function coerceObject(
  fields: readonly Field[],
  value: Record<string, unknown>,
  lookup: StructureLookup,
): Record<string, unknown> {
  const byName = new Map(fields.map((field) => [field.name, field]));
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const field = byName.get(name);
    out[name] = field === undefined ? v : coerce(field.type, v, lookup);
  }
  return out;
}

function coerce(type: string, value: unknown, lookup: StructureLookup): unknown {
  const { base, depth } = parseTypeName(type);
  if (depth > 0) {
    // `{ "0": …, "1": … }` from `Name.0`, `Name.1`.
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.every(([k]) => INTEGER_TEXT.test(k))) return value;
    const inner = type.slice(0, -2);
    return entries
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, item]) => coerce(inner, item, lookup));
  }
  if (typeof value === "string") {
    switch (base) {
      case "Integer": {
        if (!INTEGER_TEXT.test(value)) return value;
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : BigInt(value);
      }
      case "Float":
      case "Number":
        return NUMBER_TEXT.test(value) ? Number(value) : value;
      case "Boolean":
        return value === "true" ? true : value === "false" ? false : value;
      default:
        return value;
    }
  }
  if (isScalarType(base) || value === null || typeof value !== "object" || Array.isArray(value)) {
    return value;
  }
  const structure = lookup(base);
  return structure === undefined
    ? value
    : coerceObject(structure.fields, value as Record<string, unknown>, lookup);
}
