/**
 * Request parameter checks against the catalog, as Tencent Cloud's API gateway does them:
 * required parameters present (`MissingParameter`), no unknown names (`UnknownParameter`),
 * values of the declared type, inside structures and arrays too, and inside the documented
 * enumeration or range where there is one (`InvalidParameterValue`).
 * The typed client checks a call with it before sending; the emulator checks what it receives.
 *
 * @module
 */
import { ParamError } from "../errors.ts";
import { parseTypeName } from "./catalog.ts";
import type { Field, Structure } from "./types.ts";

/** Finds a structure of the action's service version by name. */
export type StructureLookup = (name: string) => Structure | undefined;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "bigint") return `integer ${value}`;
  if (typeof value === "number") return `${Number.isInteger(value) ? "integer" : "float"} ${value}`;
  if (typeof value === "string") return `string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value;
}

function typeError(path: string, type: string, value: unknown): ParamError {
  return new ParamError(
    "InvalidParameterValue",
    `The value type of parameter \`${path}\` is not valid: expected ${type}, got ${
      describe(value)
    }.`,
  );
}

/**
 * Checks `params` against the action's input fields. Throws {@link ParamError} on the first
 * problem found (as the real service does). `null` counts as absent.
 */
export function checkParams(
  inputs: readonly Field[],
  params: unknown,
  lookup: StructureLookup,
): void {
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    throw new ParamError("InvalidParameter", "The request body must be a JSON object.");
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
      throw new ParamError(
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
        throw new ParamError(
          "MissingParameter",
          `The request is missing a required parameter \`${path}\`.`,
        );
      }
      continue;
    }
    checkValue(field.type, v, lookup, path, field);
  }
}

/**
 * A value outside the documented enumeration or range of a Tencent Cloud parameter (a number's
 * bounds; Huawei's `min`/`max` of a string are its length, checked by its own emulator).
 */
function documented(field: Field | undefined, path: string, value: unknown): void {
  if (field === undefined) return;
  if (field.enum !== undefined && typeof value === "string" && !field.enum.includes(value)) {
    throw new ParamError(
      "InvalidParameterValue",
      `The value of parameter \`${path}\` is not valid: must be one of ${
        field.enum.join(", ")
      }: got ${JSON.stringify(value.slice(0, 40))}.`,
    );
  }
  if (typeof value !== "number" && typeof value !== "bigint") return;
  const n = Number(value);
  if ((field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max)) {
    throw new ParamError(
      "InvalidParameterValue",
      `The value of parameter \`${path}\` is not valid: must be between ${field.min ?? "-∞"} and ${
        field.max ?? "∞"
      }: got ${value}.`,
    );
  }
}

function checkValue(
  type: string,
  value: unknown,
  lookup: StructureLookup,
  path: string,
  field?: Field,
): void {
  const { base, depth } = parseTypeName(type);
  if (depth > 0) {
    if (!Array.isArray(value)) throw typeError(path, type, value);
    const inner = type.slice(0, -2);
    value.forEach((item, index) => {
      if (item === null || item === undefined) throw typeError(`${path}.${index}`, inner, item);
      checkValue(inner, item, lookup, `${path}.${index}`, field);
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
      documented(field, path, value);
      return;
    case "Integer":
      if (typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))) {
        documented(field, path, value);
        return;
      }
      throw typeError(path, base, value);
    case "Float":
    case "Number":
      if (typeof value === "bigint" || (typeof value === "number" && Number.isFinite(value))) {
        documented(field, path, value);
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

/** {@link checkParams} as data: the first problem (its code and message), or `undefined`. */
export function paramProblem(
  inputs: readonly Field[],
  params: unknown,
  lookup: StructureLookup,
): { code: string; message: string } | undefined {
  try {
    checkParams(inputs, params, lookup);
    return undefined;
  } catch (error) {
    if (error instanceof ParamError) return { code: error.code, message: error.message };
    throw error;
  }
}
