/**
 * `tcflow actions describe <action> --skeleton`: a YAML step with every parameter of an
 * action. Required parameters hold a typed placeholder (`<String>`, `<Integer>`, `[<String>]`)
 * that `tcflow validate` refuses until it is replaced (see {@link isPlaceholder}); optional
 * ones are commented out with an example value of their type; each carries its documentation.
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import { findStructureAnyCloud, loadDocsAnyCloud } from "./clouds.ts";
import { isScalarType, parseTypeName } from "./catalog.ts";
import type { ActionSpec, Field } from "./types.ts";

/** Nested structures are expanded down to this depth (catalog structures can be recursive). */
const MAX_DEPTH = 4;

const PLACEHOLDER = /^<[A-Z][A-Za-z0-9]*(\[\])*>$/;

/**
 * Whether a string is a skeleton's placeholder of a required value (`<String>`, `<Integer>`,
 * `<Filter>`): validation reports it as a parameter still to give.
 *
 * @example
 * ```ts
 * isPlaceholder("<String>"); // true
 * isPlaceholder("rmq-1");    // false
 * ```
 */
export function isPlaceholder(value: unknown): boolean {
  return typeof value === "string" && PLACEHOLDER.test(value);
}

/**
 * The YAML text of one workflow step calling `spec`: required parameters with typed
 * placeholders (nested required fields too), optional ones commented out with an example.
 *
 * @example
 * ```ts
 * import { findAction } from "./catalog.ts";
 * import { stepSkeleton } from "./skeleton.ts";
 * const text = stepSkeleton(findAction("trocket", "DescribeTopicList")!);
 * console.log(text.includes("InstanceId: <String>")); // true
 * console.log(text.includes("# Limit: 0")); // true
 * ```
 */
export function stepSkeleton(spec: ActionSpec): string {
  loadDocsAnyCloud(spec.service, spec.version);
  const inputs = spec.inputs;
  const lines = [
    `# ${spec.service}.${spec.name} ${spec.version}${spec.doc ? `: ${oneLine(spec.doc)}` : ""}`,
    "# Replace each <Type> placeholder (validate refuses them); uncomment the optional",
    "# parameters you need.",
    `- id: ${snakeCase(spec.name)}`,
    `  action: ${spec.service}.${spec.name}`,
    `  version: "${spec.version}"`,
    ...(spec.pagination ? ["  paginate: true"] : []),
  ];
  if (inputs.length === 0) lines.push("  with: {}");
  else {
    lines.push("  with:");
    lines.push(...fieldLines(spec, inputs, "    ", 0));
  }
  return lines.join("\n") + "\n";
}

/** The lines of a mapping's fields: required ones filled, optional ones commented out. */
function fieldLines(spec: ActionSpec, fields: readonly Field[], indent: string, depth: number) {
  const lines: string[] = [];
  for (const field of [...fields].sort((a, b) => Number(b.required) - Number(a.required))) {
    const note = `  # ${field.type}${field.doc ? `: ${oneLine(field.doc)}` : ""}`;
    if (!field.required) {
      const example = stringifyJson(exampleValue(spec, field.type, field, depth + 1));
      lines.push(`${indent}# ${field.name}: ${example}${note}`);
      continue;
    }
    const said = field.description !== undefined;
    const typeNote = said ? `  # ${field.type}` : note;
    if (field.description !== undefined) {
      // The whole documentation above a required field: its enumeration, its range.
      const about = field.description.split("\n");
      lines.push(...about.slice(0, 12).map((line) => `${indent}# ${line}`));
      if (about.length > 12) lines.push(`${indent}# …`);
    }
    const { base, depth: arrays } = parseTypeName(field.type);
    const structure = isScalarType(base) || depth >= MAX_DEPTH
      ? undefined
      : findStructureAnyCloud(spec.service, spec.version, base);
    if (structure === undefined) {
      lines.push(`${indent}${field.name}: ${placeholder(field.type)}${typeNote}`);
      continue;
    }
    // A required structure (or list of them): its own fields, one level deeper.
    const inner = fieldLines(spec, structure.fields, "", depth + 1);
    const required = structure.fields.some((f) => f.required);
    if (arrays === 0) {
      if (!required) lines.push(`${indent}${field.name}: {}${typeNote}`);
      else lines.push(`${indent}${field.name}:${typeNote}`);
      lines.push(...inner.map((line) => `${indent}  ${line}`));
    } else {
      lines.push(`${indent}${field.name}:${typeNote}`);
      const [first = "{}", ...rest] = required ? inner : ["{}", ...inner];
      lines.push(`${indent}  - ${first}`, ...rest.map((line) => `${indent}    ${line}`));
    }
  }
  return lines;
}

/** `<String>`, `[<String>]`: the placeholder of a required value of `type`. */
function placeholder(type: string): string {
  const { base, depth } = parseTypeName(type);
  return "[".repeat(depth) + `<${base}>` + "]".repeat(depth);
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

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}
