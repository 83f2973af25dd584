/**
 * Static types of expressions: the CEL types plus lazily expanded catalog structures.
 *
 * Catalog type strings map as follows: `String`/`Timestamp`/`Binary` → `string`, `Integer` →
 * `int`, `Float` → `double`, `Number` → `number` (int or double), `Boolean` → `bool`, `Any` →
 * `dyn`, a structure name → an {@link ObjectType} whose fields are looked up on demand (catalog
 * structures are recursive), `X[]` → `list(X)`.
 *
 * @module
 */

import type { Structure } from "../catalog/types.ts";
import { suggest } from "../catalog/suggest.ts";
import { isScalarType, parseTypeName } from "../catalog/catalog.ts";
import { findStructureAnyCloud } from "../catalog/clouds.ts";

/** The static type of an expression or of a value an expression reads. */
export type ExprType =
  | { kind: "int" }
  | { kind: "uint" }
  | { kind: "double" }
  /** int or double: the catalog's `Number`, which the SDK does not say more about. */
  | { kind: "number" }
  | { kind: "string" }
  | { kind: "bool" }
  | { kind: "null" }
  | { kind: "bytes" }
  | { kind: "timestamp" }
  | { kind: "duration" }
  /** Anything: no static checks apply. */
  | { kind: "dyn" }
  | { kind: "list"; elem: ExprType }
  | { kind: "map"; key: ExprType; value: ExprType }
  | ObjectType;

/** A record with named, typed fields: a catalog structure, a response, `inputs`, `steps.<id>`. */
export interface ObjectType {
  kind: "object";
  /** e.g. `"apigateway.CreateUsagePlan response"`, `"UsagePlanInfo"`. */
  name: string;
  /** The type of a field, or `undefined` when the object has no such field. Lazy. */
  field(name: string): ExprType | undefined;
  /** Every field name (for "did you mean"). */
  fieldNames(): string[];
  /** Custom message for a missing field, e.g. "step \"bind\" runs after this one". */
  missing?(name: string): string | undefined;
  /**
   * True for the type of a map literal with constant keys (`{"TopicName": t.name}`): it is
   * assignable to any object type that has all its fields (structurally), not only to its own.
   */
  record?: boolean;
}

/** Scalar types without parameters, shared so that they can be compared by identity. */
export const T = {
  int: { kind: "int" },
  uint: { kind: "uint" },
  double: { kind: "double" },
  number: { kind: "number" },
  string: { kind: "string" },
  bool: { kind: "bool" },
  null: { kind: "null" },
  bytes: { kind: "bytes" },
  timestamp: { kind: "timestamp" },
  duration: { kind: "duration" },
  dyn: { kind: "dyn" },
} as const satisfies Record<string, ExprType>;

/** `list(elem)`. */
export function listOf(elem: ExprType): ExprType {
  return { kind: "list", elem };
}

/** `map(key, value)`. */
export function mapOf(key: ExprType, value: ExprType): ExprType {
  return { kind: "map", key, value };
}

/**
 * The type as users read it in messages: `int`, `list(string)`, `map(string, dyn)`, or the
 * object's name (`UsagePlanInfo`).
 */
export function typeToString(t: ExprType): string {
  switch (t.kind) {
    case "list":
      return `list(${typeToString(t.elem)})`;
    case "map":
      return `map(${typeToString(t.key)}, ${typeToString(t.value)})`;
    case "object":
      return t.name;
    default:
      return t.kind;
  }
}

/** True for `int`, `uint`, `double` and `number`. */
export function isNumeric(t: ExprType): boolean {
  return t.kind === "int" || t.kind === "uint" || t.kind === "double" || t.kind === "number";
}

/**
 * Whether a value of type `value` may be used where `target` is expected (a request
 * parameter, a typed input). Rules:
 * - `dyn` is assignable to and from everything;
 * - `int` and `uint` are interchangeable (both are JSON integers; the catalog's `Integer` is
 *   int64 or uint64), and both are assignable to `double` (JSON accepts an integer where a
 *   float is expected) and to `number`;
 * - `number` is assignable to `int`, `uint` and `double` (the catalog's `Number` does not say
 *   which it is, so it is not rejected);
 * - `null` is assignable to `null`, objects, lists and maps (optional structured values);
 * - lists and maps are assignable element-wise; an object is assignable to an object of the
 *   same name; a record (the type of a map literal, see {@link recordOf}) to an object that has
 *   each of its fields with an assignable type; a `map(string, V)` is assignable to any object
 *   (its keys are only known at run time) and an object to a `map(string, V)` when every field
 *   is assignable to `V`.
 */
export function isAssignable(value: ExprType, target: ExprType): boolean {
  return assignable(value, target, 0);
}

function assignable(value: ExprType, target: ExprType, depth: number): boolean {
  if (value.kind === "dyn" || target.kind === "dyn") return true;
  if (depth > 32) return true; // recursive structures: assume the rest matches
  switch (target.kind) {
    case "int":
    case "uint":
      return value.kind === "int" || value.kind === "uint" || value.kind === "number";
    case "double":
    case "number":
      return isNumeric(value);
    case "list":
      return value.kind === "null" ||
        (value.kind === "list" && assignable(value.elem, target.elem, depth + 1));
    case "map":
      if (value.kind === "null") return true;
      if (value.kind === "map") {
        return assignable(value.key, target.key, depth + 1) &&
          assignable(value.value, target.value, depth + 1);
      }
      if (value.kind === "object") {
        if (!assignable(T.string, target.key, depth + 1)) return false;
        return value.fieldNames().every((name) => {
          const f = value.field(name);
          return f === undefined || assignable(f, target.value, depth + 1);
        });
      }
      return false;
    case "object":
      if (value.kind === "null") return true;
      if (value.kind === "object") {
        if (value.name === target.name) return true;
        if (!value.record) return false;
        return value.fieldNames().every((name) => {
          const want = target.field(name);
          const have = value.field(name);
          return want !== undefined && have !== undefined && assignable(have, want, depth + 1);
        });
      }
      return value.kind === "map" && assignable(value.key, T.string, depth + 1);
    default:
      return value.kind === target.kind;
  }
}

/**
 * The least common type of two types (for list literals and ternary branches), or `undefined`
 * when they have none. `null` joins with anything; numbers join as `number`.
 */
export function commonType(a: ExprType, b: ExprType): ExprType | undefined {
  if (a.kind === "dyn" || b.kind === "dyn") return T.dyn;
  if (a.kind === "null") return b;
  if (b.kind === "null") return a;
  if (sameType(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) {
    if (
      (a.kind === "int" || a.kind === "uint") && (b.kind === "int" || b.kind === "uint")
    ) return T.int;
    return T.number;
  }
  if (a.kind === "list" && b.kind === "list") {
    const elem = commonType(a.elem, b.elem);
    return elem === undefined ? undefined : listOf(elem);
  }
  if (a.kind === "object" && b.kind === "object" && (a.record || b.record)) {
    return mapOf(T.string, T.dyn);
  }
  if (a.kind === "map" && b.kind === "map") {
    const key = commonType(a.key, b.key);
    const value = commonType(a.value, b.value);
    return key === undefined || value === undefined ? undefined : mapOf(key, value);
  }
  return undefined;
}

/** Structural equality of types (objects compare by name). */
export function sameType(a: ExprType, b: ExprType): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "list":
      return sameType(a.elem, (b as typeof a).elem);
    case "map":
      return sameType(a.key, (b as typeof a).key) && sameType(a.value, (b as typeof a).value);
    case "object":
      return a.name === (b as typeof a).name;
    default:
      return true;
  }
}

/**
 * An object type with a fixed set of fields (for `inputs`, `steps`, `run`, test doubles).
 *
 * @example
 * ```ts
 * import { objectOf, T } from "./types.ts";
 * const run = objectOf("run", { id: T.string });
 * run.field("id"); // { kind: "string" }
 * ```
 */
export function objectOf(
  name: string,
  fields: Record<string, ExprType>,
  missing?: (n: string) => string | undefined,
): ObjectType {
  const map = new Map(Object.entries(fields));
  const type: ObjectType = {
    kind: "object",
    name,
    field: (n) => map.get(n),
    fieldNames: () => [...map.keys()],
  };
  if (missing) type.missing = missing;
  return type;
}

/**
 * The type of a map literal with constant string keys: an object type named after its fields,
 * e.g. `{TopicName: string, QueueNum: int}`, marked as a record so that it fills any structure
 * with those fields.
 */
export function recordOf(fields: Record<string, ExprType>): ObjectType {
  const shown = Object.entries(fields).map(([k, t]) => `${k}: ${typeToString(t)}`).join(", ");
  const type = objectOf(`{${shown}}`, fields);
  type.record = true;
  return type;
}

/** Looks a structure up by service, version and name (the catalog's `findStructure`). */
export type StructureLookup = (
  service: string,
  version: string,
  name: string,
) => Structure | undefined;

/**
 * Maps a catalog type string (`String`, `Filter[]`, `TopicItem` …) to an {@link ExprType},
 * resolving structures through `lookup`. Structure fields are resolved lazily and cached. An
 * unknown structure name maps to `dyn`.
 */
export function catalogTypeWith(
  lookup: StructureLookup,
  service: string,
  version: string,
  typeName: string,
): ExprType {
  const cache = new Map<string, ExprType>();
  const resolve = (name: string): ExprType => {
    const { base, depth } = parseTypeName(name);
    let t = scalarOrStructure(base);
    for (let i = 0; i < depth; i++) t = listOf(t);
    return t;
  };
  const scalarOrStructure = (base: string): ExprType => {
    if (isScalarType(base)) return scalarType(base);
    const cached = cache.get(base);
    if (cached) return cached;
    const structure = lookup(service, version, base);
    if (!structure) return T.dyn;
    let fields: Map<string, string> | undefined;
    const fieldMap = () => (fields ??= new Map(structure.fields.map((f) => [f.name, f.type])));
    const resolved = new Map<string, ExprType>();
    const type: ObjectType = {
      kind: "object",
      name: structure.name,
      field(n) {
        const known = resolved.get(n);
        if (known) return known;
        const typeName = fieldMap().get(n);
        if (typeName === undefined) return undefined;
        const t = resolve(typeName);
        resolved.set(n, t);
        return t;
      },
      fieldNames: () => [...fieldMap().keys()],
    };
    cache.set(base, type);
    return type;
  };
  return resolve(typeName);
}

/**
 * The expression type of a catalog type string of a service version, with structures from
 * the catalog of the service's cloud (`lib/catalog/clouds.ts`), expanded lazily.
 *
 * @example
 * ```ts
 * import { catalogType, typeToString } from "./types.ts";
 * typeToString(catalogType("trocket", "2023-03-08", "String[]")); // "list(string)"
 * ```
 */
export function catalogType(service: string, version: string, typeName: string): ExprType {
  return catalogTypeWith(findStructureAnyCloud, service, version, typeName);
}

function scalarType(name: string): ExprType {
  switch (name) {
    case "Integer":
      return T.int;
    case "Float":
      return T.double;
    case "Number":
      return T.number;
    case "Boolean":
      return T.bool;
    case "Any":
      return T.dyn;
    default: // String, Timestamp, Binary
      return T.string;
  }
}

/** "unknown field `X` on `Y`, did you mean `Z`?" — shared by the checker and the validator. */
export function missingFieldMessage(type: ObjectType, name: string): string {
  const custom = type.missing?.(name);
  if (custom !== undefined) return custom;
  const guess = suggest(name, type.fieldNames());
  const hint = guess === undefined ? "" : `, did you mean \`${guess}\`?`;
  return `\`${type.name}\` has no field \`${name}\`${hint}`;
}
