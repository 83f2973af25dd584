/**
 * Request parameter checks against the catalog, as Tencent Cloud's API gateway does them:
 * required parameters present (`MissingParameter`), no unknown names (`UnknownParameter`),
 * values of the declared type, inside structures and arrays too (`InvalidParameterValue`).
 * Also turns the flat `Name.N.Field` string parameters of v1 (GET / form) requests into
 * typed JSON values.
 *
 * @module
 */
import { isScalarType, parseTypeName } from "../catalog/catalog.ts";
import type { Field, Structure } from "../catalog/types.ts";
import { ApiError } from "./service.ts";

/** Finds a structure of the action's service version by name. */
export type StructureLookup = (name: string) => Structure | undefined;

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "bigint") return `integer ${value}`;
  if (typeof value === "number") return `${Number.isInteger(value) ? "integer" : "float"} ${value}`;
  if (typeof value === "string") return `string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value;
}

function typeError(path: string, type: string, value: unknown): ApiError {
  return new ApiError(
    "InvalidParameterValue",
    `The value type of parameter \`${path}\` is not valid: expected ${type}, got ${
      describe(value)
    }.`,
  );
}

/**
 * Checks `params` against the action's input fields. Throws {@link ApiError} on the first
 * problem found (as the real service does). `null` counts as absent.
 */
export function checkParams(
  inputs: readonly Field[],
  params: unknown,
  lookup: StructureLookup,
): void {
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    throw new ApiError("InvalidParameter", "The request body must be a JSON object.");
  }
  checkObject(inputs, params as Record<string, unknown>, lookup, "");
}

function checkObject(
  fields: readonly Field[],
  value: Record<string, unknown>,
  lookup: StructureLookup,
  prefix: string,
): void {
  const byName = new Map(fields.map((field) => [field.name, field]));
  for (const name of Object.keys(value)) {
    if (!byName.has(name)) {
      throw new ApiError(
        "UnknownParameter",
        `The parameter \`${prefix}${name}\` is not recognized.`,
      );
    }
  }
  for (const field of fields) {
    const v = value[field.name];
    const path = `${prefix}${field.name}`;
    if (v === undefined || v === null) {
      if (field.required) {
        throw new ApiError(
          "MissingParameter",
          `The request is missing a required parameter \`${path}\`.`,
        );
      }
      continue;
    }
    checkValue(field.type, v, lookup, path);
  }
}

function checkValue(type: string, value: unknown, lookup: StructureLookup, path: string): void {
  const { base, depth } = parseTypeName(type);
  if (depth > 0) {
    if (!Array.isArray(value)) throw typeError(path, type, value);
    const inner = type.slice(0, -2);
    value.forEach((item, index) => {
      if (item === null || item === undefined) throw typeError(`${path}.${index}`, inner, item);
      checkValue(inner, item, lookup, `${path}.${index}`);
    });
    return;
  }
  switch (base) {
    case "Any":
      return;
    case "String":
    case "Timestamp":
    case "Binary":
      if (typeof value !== "string") throw typeError(path, base, value);
      return;
    case "Integer":
      if (typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))) {
        return;
      }
      throw typeError(path, base, value);
    case "Float":
    case "Number":
      if (typeof value === "bigint" || (typeof value === "number" && Number.isFinite(value))) {
        return;
      }
      throw typeError(path, base, value);
    case "Boolean":
      if (typeof value !== "boolean") throw typeError(path, base, value);
      return;
  }
  const structure = lookup(base);
  if (structure === undefined) return; // unknown structure in the catalog: accept as Any
  if (typeof value !== "object" || Array.isArray(value)) throw typeError(path, base, value);
  checkObject(structure.fields, value as Record<string, unknown>, lookup, `${path}.`);
}

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
