/**
 * Private helper of `validate.ts`: checks the values of a call's `with:` (and their nested
 * structures) against the catalog's parameter types.
 *
 * @module
 */
import { isScalarType, parseTypeName } from "../catalog/catalog.ts";
import { findStructureAnyCloud } from "../catalog/clouds.ts";
import { isPlaceholder } from "../catalog/skeleton.ts";
import { suggest } from "../catalog/suggest.ts";
import type { Field } from "../catalog/types.ts";
import { catalogType, type ExprType, isAssignable, typeToString } from "../expr/types.ts";
import type { MapEntry, Pos, ValueNode } from "./model.ts";

/** What the parameter checker needs from the validator. */
export interface ParamContext {
  service: string;
  version: string;
  /** `trocket.DescribeTopicList`, for messages. */
  actionName: string;
  /** Reports a problem at a position. */
  report(
    code: "E_TYPE" | "E_VALUE" | "E_UNKNOWN_PARAM" | "E_MISSING_PARAM",
    message: string,
    pos: Pos,
  ): void;
  /** Reports a warning at a position. */
  warn(code: "W_SEED_DIFFERS", message: string, pos: Pos): void;
  /** The static type of a value node (reports its expression problems). */
  typeOf(node: ValueNode): ExprType;
  /** Paths the runtime fills inside structures (`Filter.Offset` for a paginated step). */
  filledPaths?: ReadonlySet<string>;
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Checks the entries of `with:` against the request fields of an action. `filled` names
 * parameters the runtime fills itself (`ClientToken`, pagination's `Offset`/`Limit`).
 */
export function checkParams(
  ctx: ParamContext,
  entries: MapEntry[],
  fields: Field[],
  where: { pos: Pos; filled: ReadonlySet<string> },
): void {
  checkFields(ctx, entries, fields, where.pos, `parameter`, ctx.actionName, where.filled, "");
}

function checkFields(
  ctx: ParamContext,
  entries: MapEntry[],
  fields: Field[],
  pos: Pos,
  noun: "parameter" | "field",
  owner: string,
  filled: ReadonlySet<string>,
  prefix: string,
): void {
  const byName = new Map(fields.map((field) => [field.name, field]));
  /** Fields a misspelt key was taken for: not reported again as missing. */
  const suggested = new Set<string>();
  for (const entry of entries) {
    const field = byName.get(entry.key);
    if (field === undefined) {
      const hint = suggest(entry.key, byName.keys());
      if (hint !== undefined) suggested.add(hint);
      ctx.report(
        "E_UNKNOWN_PARAM",
        `unknown ${noun} \`${entry.key}\` of ${owner}${hint ? `; did you mean \`${hint}\`?` : ""}`,
        entry.keyPos,
      );
      ctx.typeOf(entry.value); // still check its expressions
      continue;
    }
    checkValue(ctx, entry.value, field.type, prefix + entry.key, field);
  }
  const given = new Set(entries.map((entry) => entry.key));
  for (const field of fields) {
    const leftOut = !given.has(field.name) && !filled.has(field.name) &&
      !filled.has(prefix + field.name) && !suggested.has(field.name);
    if (leftOut && field.seedDiffers) {
      const { seedRequired, seed } = field.seedDiffers;
      const word = (required: boolean) => required ? "required" : "optional";
      ctx.warn(
        "W_SEED_DIFFERS",
        `${noun} \`${field.name}\` (${field.type}) of ${owner} is left out: the seed document ${seed} says it is ${
          word(seedRequired)
        }, the official API definitions (tencentcloud-sdk-nodejs) say ${
          word(!seedRequired)
        }; the API may reject the call`,
        pos,
      );
    } else if (leftOut && field.required) {
      ctx.report(
        "E_MISSING_PARAM",
        `missing required ${noun} \`${field.name}\` (${field.type}) of ${owner}`,
        pos,
      );
    }
  }
}

/** Checks one value against a catalog type string (`String`, `Filter[]` …). */
export function checkValue(
  ctx: ParamContext,
  node: ValueNode,
  typeName: string,
  path: string,
  field?: Field,
): void {
  const { base, depth } = parseTypeName(typeName);
  if (node.kind === "literal" && isPlaceholder(node.value)) {
    // `actions describe --skeleton` leaves `<String>` where a required value goes.
    ctx.report(
      "E_MISSING_PARAM",
      `\`${path}\` still holds the skeleton's placeholder ${node.value}: give it ${
        humanType(typeName)
      }`,
      node.pos,
    );
    return;
  }
  if (node.kind === "expr") {
    const expected = catalogType(ctx.service, ctx.version, typeName);
    const actual = ctx.typeOf(node);
    if (!isAssignable(actual, expected)) {
      ctx.report(
        "E_TYPE",
        `\`${path}\` must be ${humanType(typeName)}, got an expression of type ${
          typeToString(actual)
        }`,
        node.expr.pos,
      );
    }
    return;
  }
  if (depth > 0) {
    if (node.kind === "list") {
      const inner = typeName.slice(0, -2);
      node.items.forEach((item, i) => checkValue(ctx, item, inner, `${path}[${i}]`, field));
      return;
    }
    if (node.kind === "literal" && node.value === null) return;
    wrong(ctx, node, typeName, path);
    return;
  }
  if (base === "Any") {
    ctx.typeOf(node);
    return;
  }
  if (isScalarType(base)) {
    checkScalar(ctx, node, base, typeName, path, field);
    return;
  }
  const structure = findStructureAnyCloud(ctx.service, ctx.version, base);
  if (structure === undefined) {
    ctx.typeOf(node);
    return;
  }
  if (node.kind === "map") {
    checkFields(
      ctx,
      node.entries,
      structure.fields,
      node.pos,
      "field",
      `\`${path}\` (${base})`,
      ctx.filledPaths ?? new Set(),
      `${path}.`,
    );
    return;
  }
  if (node.kind === "literal" && node.value === null) return;
  wrong(ctx, node, typeName, path);
}

function checkScalar(
  ctx: ParamContext,
  node: ValueNode,
  base: string,
  typeName: string,
  path: string,
  field?: Field,
) {
  if (node.kind === "template") {
    ctx.typeOf(node);
    if (!["String", "Timestamp", "Binary"].includes(base)) wrong(ctx, node, typeName, path);
    return;
  }
  if (node.kind !== "literal") {
    wrong(ctx, node, typeName, path);
    return;
  }
  const v = node.value;
  let ok: boolean;
  switch (base) {
    case "String":
    case "Timestamp":
    case "Binary":
      ok = typeof v === "string";
      break;
    case "Integer":
      ok = typeof v === "bigint";
      if (ok && ((v as bigint) < INT64_MIN || (v as bigint) > UINT64_MAX)) {
        ctx.report("E_TYPE", `\`${path}\` is out of the 64-bit integer range: ${v}`, node.pos);
        return;
      }
      break;
    case "Float":
    case "Number":
      ok = typeof v === "bigint" || typeof v === "number";
      break;
    case "Boolean":
      ok = typeof v === "boolean";
      break;
    default:
      ok = true;
  }
  if (!ok) wrong(ctx, node, typeName, path);
  else if (field !== undefined) outsideDocumented(ctx, node, field, path);
}

/**
 * `E_VALUE`: a literal outside the enumeration or range the action's documentation gives
 * (`QueueNum` 3–16, `TopicType` one of NORMAL, FIFO …), with the list in the message.
 */
function outsideDocumented(
  ctx: ParamContext,
  node: ValueNode & { kind: "literal" },
  field: Field,
  path: string,
): void {
  const v = node.value;
  if (field.enum !== undefined && typeof v === "string" && !field.enum.includes(v)) {
    ctx.report(
      "E_VALUE",
      `\`${path}\` must be one of ${field.enum.join(", ")} (as documented), got ${
        JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)
      }`,
      node.pos,
    );
    return;
  }
  if (typeof v !== "bigint" && typeof v !== "number") return;
  const n = Number(v);
  if ((field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max)) {
    ctx.report(
      "E_VALUE",
      `\`${path}\` must be between ${field.min ?? "-∞"} and ${
        field.max ?? "∞"
      } (as documented), got ${v}`,
      node.pos,
    );
  }
}

function wrong(ctx: ParamContext, node: ValueNode, typeName: string, path: string): void {
  ctx.report(
    "E_TYPE",
    `\`${path}\` must be ${humanType(typeName)}, got ${describe(node)}`,
    node.pos,
  );
}

function describe(node: ValueNode): string {
  switch (node.kind) {
    case "literal": {
      const v = node.value;
      if (v === null) return "null";
      if (typeof v === "bigint") return `integer ${v}`;
      if (typeof v === "number") return `number ${v}`;
      if (typeof v === "boolean") return `boolean ${v}`;
      return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
    }
    case "template":
      return "a string";
    case "list":
      return "a list";
    case "map":
      return "a mapping";
    case "expr":
      return "an expression";
  }
}

const SCALAR_WORDS: Record<string, [string, string]> = {
  String: ["a string", "strings"],
  Integer: ["an integer", "integers"],
  Float: ["a number", "numbers"],
  Number: ["a number", "numbers"],
  Boolean: ["a boolean", "booleans"],
  Timestamp: ["a timestamp string", "timestamp strings"],
  Binary: ["a base64 string", "base64 strings"],
  Any: ["any value", "values"],
};

/** A catalog type for messages: `a list of strings`, `a Filter structure`. */
export function humanType(typeName: string): string {
  const { base, depth } = parseTypeName(typeName);
  const words = SCALAR_WORDS[base];
  const one = words ? words[0] : `a ${base} structure`;
  const many = words ? words[1] : `${base} structures`;
  if (depth === 0) return one;
  return `${"a list of ".repeat(depth - 1)}a list of ${many}`.replace(
    /^a list of a list/,
    "a list of lists",
  );
}
