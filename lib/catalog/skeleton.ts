/**
 * `tcflow actions describe <action> --skeleton`: a YAML step with every parameter of an
 * action, required ones first, each with a typed example value and its documentation.
 *
 * @module
 */
import { stringify } from "yaml";
import { findStructureAnyCloud } from "./clouds.ts";
import { isScalarType, parseTypeName } from "./catalog.ts";
import type { ActionSpec, Field } from "./types.ts";

/** Nested structures are expanded down to this depth (catalog structures can be recursive). */
const MAX_DEPTH = 4;

/**
 * The YAML text of one workflow step calling `spec`, with every parameter filled in with an
 * example value of its type (`""`, `0`, `false`, lists of one item, nested structures).
 *
 * @example
 * ```ts
 * import { findAction } from "./catalog.ts";
 * import { stepSkeleton } from "./skeleton.ts";
 * console.log(stepSkeleton(findAction("trocket", "DescribeTopicList")!));
 * ```
 */
export function stepSkeleton(spec: ActionSpec): string {
  const inputs = [...spec.inputs].sort((a, b) => Number(b.required) - Number(a.required));
  const withBlock: Record<string, unknown> = {};
  for (const field of inputs) {
    withBlock[field.name] = exampleValue(spec, field.type, field, 0);
  }
  const step = {
    id: snakeCase(spec.name),
    action: `${spec.service}.${spec.name}`,
    version: spec.version,
    ...(spec.pagination ? { paginate: true } : {}),
    with: withBlock,
  };
  const yaml = stringify([step], { lineWidth: 0 });
  const notes = inputs.map((f) =>
    `#   ${f.name}: ${f.type}${f.required ? ", required" : ""}${f.doc ? ` — ${f.doc}` : ""}`
  );
  return [
    `# ${spec.service}.${spec.name} ${spec.version}${spec.doc ? `: ${spec.doc}` : ""}`,
    ...(notes.length > 0 ? ["# Parameters:", ...notes] : []),
    yaml.trimEnd(),
    "",
  ].join("\n");
}

function exampleValue(
  spec: ActionSpec,
  type: string,
  field: Field | undefined,
  depth: number,
): unknown {
  const { base, depth: arrays } = parseTypeName(type);
  let value: unknown;
  if (isScalarType(base)) {
    value = scalarExample(base, field);
  } else if (depth >= MAX_DEPTH) {
    value = {};
  } else {
    const structure = findStructureAnyCloud(spec.service, spec.version, base);
    const object: Record<string, unknown> = {};
    for (const f of structure?.fields ?? []) {
      object[f.name] = exampleValue(spec, f.type, f, depth + 1);
    }
    value = object;
  }
  for (let i = 0; i < arrays; i++) value = [value];
  return value;
}

function scalarExample(base: string, field: Field | undefined): unknown {
  if (field?.enum && field.enum.length > 0) return field.enum[0];
  switch (base) {
    case "Integer":
    case "Number":
      return field?.min ?? 0;
    case "Float":
      return 0.0;
    case "Boolean":
      return false;
    case "Any":
      return null;
    default:
      return "";
  }
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}
