/**
 * The credentials an answer carries by the catalog: the text of every response field marked
 * `secret` (documented as a key, password, token, private key, PSK or credential; see
 * `tools/catalog/secret_fields.ts`), at any depth of the action's structures.
 *
 * @module
 */
import { findStructureShape, isScalarType, parseTypeName } from "./catalog.ts";
import type { ActionSpec, Field } from "./types.ts";

/** Deepest structure nesting followed (structures may refer to themselves). */
const MAX_DEPTH = 32;

/**
 * The strings of `outputs` (an action's response, or a list of them for `foreach`) held by
 * fields the catalog marks secret (every string inside a structure so marked).
 *
 * @example
 * ```ts
 * import { findAction } from "./catalog.ts";
 * import { catalogCredentialsIn } from "./credentials.ts";
 * const spec = findAction("cam", "CreateAccessKey");
 * catalogCredentialsIn(spec, { AccessKey: { AccessKeyId: "AKID1", SecretAccessKey: "s3cr3t" } });
 * // ["s3cr3t"]
 * ```
 */
export function catalogCredentialsIn(spec: ActionSpec | undefined, outputs: unknown): string[] {
  if (spec === undefined) return [];
  const found: string[] = [];
  const every = (value: unknown): void => {
    if (typeof value === "string") found.push(value);
    else if (Array.isArray(value)) value.forEach(every);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(every);
  };
  const walk = (value: unknown, fields: Field[], depth: number): void => {
    if (depth > MAX_DEPTH || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) return value.forEach((item) => walk(item, fields, depth));
    const record = value as Record<string, unknown>;
    for (const field of fields) {
      if (!Object.hasOwn(record, field.name)) continue;
      const item = record[field.name];
      if (field.secret) {
        every(item);
        continue;
      }
      const { base } = parseTypeName(field.type);
      if (isScalarType(base)) continue;
      const structure = findStructureShape(spec.service, spec.version, base);
      if (structure !== undefined) walk(item, structure.fields, depth + 1);
    }
  };
  walk(outputs, spec.outputs, 0);
  return found;
}

const fieldNamesCache = new WeakMap<ActionSpec, Set<string>>();

/**
 * The names of an action's request and response fields, at any depth of its structures: the
 * keys its requests and answers are made of (`RequestId` included), which no secret makes.
 *
 * @example
 * ```ts
 * import { findAction } from "./catalog.ts";
 * import { catalogFieldNames } from "./credentials.ts";
 * catalogFieldNames(findAction("trocket", "DescribeTopicList")).has("TotalCount"); // true
 * ```
 */
export function catalogFieldNames(spec: ActionSpec | undefined): Set<string> {
  if (spec === undefined) return new Set();
  const cached = fieldNamesCache.get(spec);
  if (cached !== undefined) return cached;
  const names = new Set<string>(["RequestId", "Response"]);
  const seen = new Set<string>();
  const walk = (fields: Field[], depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const field of fields) {
      names.add(field.name);
      const { base } = parseTypeName(field.type);
      if (isScalarType(base) || seen.has(base)) continue;
      seen.add(base);
      const structure = findStructureShape(spec.service, spec.version, base);
      if (structure !== undefined) walk(structure.fields, depth + 1);
    }
  };
  walk(spec.inputs, 0);
  walk(spec.outputs, 0);
  fieldNamesCache.set(spec, names);
  return names;
}
