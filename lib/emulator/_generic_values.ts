/**
 * Deterministic sample values of catalog types, for the generic emulator's answers (every
 * declared response field filled, derived from names only, never random) and for requests
 * that satisfy an action's required parameters (tests, demos).
 *
 * @module
 */
import { isScalarType, parseTypeName } from "../catalog/catalog.ts";
import type { Field } from "../catalog/types.ts";
import type { StructureLookup } from "./params.ts";

/** Nesting depth past which structures are left out (`null`) or empty (`{}` when required). */
const MAX_DEPTH = 4;

/** The fixed time of generated timestamps (answers must not depend on the wall clock). */
export const SAMPLE_TIME = "2026-01-01 00:00:00";

/** 32-bit FNV-1a of a text, as 8 base-36 characters: stable ids from names. */
export function stableHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(8, "0").slice(-8);
}

/** The id prefix of an id field: `VpcId` → `vpc-`, `InstanceId` → `ins-`, `Id` → `id-`. */
export function idPrefix(name: string): string {
  const noun = name.replace(/Ids?$/, "").replace(/^.*(?=[A-Z][a-z]+$)/, "") || "id";
  return `${noun.toLowerCase().slice(0, 4)}-`;
}

/** True for a field that names a resource id (`VpcId`, `InstanceIds`, `Id`). */
export function isIdName(name: string): boolean {
  return /(^|[a-z])Ids?$/.test(name) || /^Id$/.test(name);
}

const TIME_NAME = /(Time|Date|At)$/;

/** Whether a sample is for an answer (every field) or a request (required fields only). */
export type SampleMode = "response" | "request";

function scalarSample(base: string, field: Field, key: string, mode: SampleMode): unknown {
  switch (base) {
    case "String":
      if (field.enum !== undefined && field.enum.length > 0) return field.enum[0];
      if (isIdName(field.name)) return `${idPrefix(field.name)}${stableHash(key)}`;
      if (TIME_NAME.test(field.name)) return SAMPLE_TIME;
      return mode === "request" ? `${field.name.toLowerCase()}-1` : field.name;
    case "Timestamp":
      return SAMPLE_TIME;
    case "Binary":
      return "";
    case "Integer":
    case "Float":
    case "Number":
      return field.min ?? (mode === "request" ? 1 : 0);
    case "Boolean":
      return false;
    default: // Any
      return {};
  }
}

/**
 * A sample value of `field`'s type. `key` makes ids distinct per place (e.g.
 * `vpc.DescribeVpcs.VpcSet.VpcId`). Answers: every field, arrays empty, structures nested up to
 * {@link MAX_DEPTH}. Requests: required fields only, arrays with one element.
 */
export function sampleOf(
  field: Field,
  lookup: StructureLookup,
  mode: SampleMode,
  key: string,
  depth = 0,
): unknown {
  const { base, depth: arrays } = parseTypeName(field.type);
  if (arrays > 0) {
    if (mode === "response") return [];
    const inner = { ...field, type: field.type.slice(0, -2) };
    return [sampleOf(inner, lookup, mode, key, depth)];
  }
  if (isScalarType(base)) return scalarSample(base, field, key, mode);
  const structure = lookup(base);
  if (structure === undefined) return {};
  if (depth >= MAX_DEPTH) return mode === "response" && !field.required ? null : {};
  return sampleObject(structure.fields, lookup, mode, key, depth + 1);
}

/** Sample values of a list of fields (a request, a response, a structure). */
export function sampleObject(
  fields: readonly Field[],
  lookup: StructureLookup,
  mode: SampleMode,
  key: string,
  depth = 0,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (mode === "request" && !field.required) continue;
    out[field.name] = sampleOf(field, lookup, mode, `${key}.${field.name}`, depth);
  }
  return out;
}
