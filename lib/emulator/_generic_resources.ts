/**
 * The generic emulator's notion of a resource, read from action names and types alone:
 * `Create<X>` makes an item that `Describe<X>s` / `Describe<X>List` / `List<X>s` (an action
 * answering an array of a structure) lists, `Describe<X>` / `Get<X>` shows, `Modify<X>` /
 * `Update<X>` changes and `Delete<X>` removes, all keyed by the item's id field (`<X>Id`, else
 * the id field the actions share). Where the pattern is not that plain, there is no resource
 * and the actions answer samples of their response types.
 *
 * @module
 */
import { parseTypeName } from "../catalog/catalog.ts";
import type { ActionSpec, Field, ServiceVersion } from "../catalog/types.ts";
import { isIdName } from "./_generic_values.ts";

/** What the generic emulator keeps for one kind of resource of a service version. */
export interface Resource {
  /** The noun, e.g. `Vpc`. */
  noun: string;
  /** The action whose list holds the items, e.g. `DescribeVpcs`. */
  listAction: string;
  /** Where that action's response holds the list: `VpcSet`, `Result.ServiceSet`. */
  listPath: string;
  /** The structure of one item, e.g. `Vpc`. */
  itemType: string;
  /** The item's id field, e.g. `VpcId`. */
  idField: string;
  /**
   * True when the request names the item itself (mqtt `CreateTopic` `Topic`: the key is the
   * topic's name, inside its instance), so `Create<X>` keeps that name instead of a new id.
   */
  named?: boolean;
}

const VERBS = /^(Create|Delete|Describe|Get|List|Modify|Update)([A-Z]\w*)$/;

/** `CreateVpc` → `{verb: "Create", noun: "Vpc"}`; other verbs → undefined. */
export function verbOf(action: string): { verb: string; noun: string } | undefined {
  const match = VERBS.exec(action);
  return match === null ? undefined : { verb: match[1]!, noun: match[2]! };
}

function plurals(noun: string): string[] {
  const out = [`${noun}s`, `${noun}es`, `${noun}List`, `${noun}Set`, `${noun}Lists`];
  if (noun.endsWith("y")) out.push(`${noun.slice(0, -1)}ies`);
  return out;
}

/** The array of a structure an action answers (its list), as a path and the item type. */
function listOf(
  sv: ServiceVersion,
  spec: ActionSpec,
): { path: string; itemType: string } | undefined {
  const p = spec.pagination;
  if (p !== undefined) {
    const path = p.within === undefined ? p.list : `${p.within}.${p.list}`;
    const fields = p.within === undefined
      ? spec.outputs
      : sv.structures[typeOf(spec.outputs, p.within) ?? ""]?.fields ?? [];
    const type = typeOf(fields, p.list);
    const { base, depth } = parseTypeName(type ?? "");
    return depth === 1 && sv.structures[base] !== undefined ? { path, itemType: base } : undefined;
  }
  for (const field of spec.outputs) {
    const { base, depth } = parseTypeName(field.type);
    if (depth === 1 && sv.structures[base] !== undefined) {
      return { path: field.name, itemType: base };
    }
  }
  return undefined;
}

function typeOf(fields: readonly Field[], name: string): string | undefined {
  return fields.find((f) => f.name === name)?.type;
}

/** The resource a `Create<X>`/`Delete<X>`/… of `noun` works on, when the pattern is plain. */
export function resourceOf(sv: ServiceVersion, noun: string): Resource | undefined {
  for (const list of [...plurals(noun).flatMap((n) => [`Describe${n}`, `List${n}`])]) {
    const spec = sv.actions[list];
    if (spec === undefined) continue;
    const found = listOf(sv, spec);
    if (found === undefined) continue;
    const item = sv.structures[found.itemType];
    const ids = (item?.fields ?? []).filter((f) => f.type === "String" && isIdName(f.name));
    const byName = namedKey(sv, noun, item?.fields ?? []);
    if (byName !== undefined && !ids.some((f) => f.name === `${noun}Id`)) {
      return {
        noun,
        listAction: list,
        listPath: found.path,
        itemType: found.itemType,
        idField: byName,
        named: true,
      };
    }
    const idField = ids.find((f) => f.name === `${noun}Id`) ??
      ids.find((f) => noun.endsWith(f.name.replace(/Id$/, "")) && f.name !== "Id") ??
      ids.find((f) => f.name === "Id") ?? ids.find((f) => sharedId(sv, noun, f.name));
    if (idField === undefined) continue;
    return {
      noun,
      listAction: list,
      listPath: found.path,
      itemType: found.itemType,
      idField: idField.name,
    };
  }
  return undefined;
}

/**
 * The field that names an item when the API keys it by a name the caller gives: the item has a
 * `String` field named as the noun (`Topic`), and both `Create<X>` and `Delete<X>` require it.
 */
function namedKey(sv: ServiceVersion, noun: string, fields: readonly Field[]): string | undefined {
  if (!fields.some((f) => f.name === noun && f.type === "String")) return undefined;
  const requires = (action: string) =>
    sv.actions[action]?.inputs.some((f) => f.name === noun && f.type === "String" && f.required);
  return requires(`Create${noun}`) && requires(`Delete${noun}`) ? noun : undefined;
}

/** True when `Delete<X>` (or `Delete<X>s`) takes `name` or `names`. */
function sharedId(sv: ServiceVersion, noun: string, name: string): boolean {
  for (const action of [`Delete${noun}`, `Delete${noun}s`]) {
    const inputs = sv.actions[action]?.inputs ?? [];
    if (inputs.some((f) => f.name === name || f.name === `${name}s`)) return true;
  }
  return false;
}

/**
 * The ids a request names for `idField`: `VpcId: "x"` or `VpcIds: ["x", "y"]`; with `listOnly`,
 * only a list of ids (a list action's single `<X>Id` is often its parent's id, not a filter).
 */
export function requestIds(
  params: Record<string, unknown>,
  idField: string,
  listOnly = false,
): string[] | undefined {
  const one = params[idField];
  if (!listOnly && typeof one === "string" && one !== "") return [one];
  const many = params[`${idField}s`] ?? params[`${idField}Set`] ?? params[`${idField}List`];
  if (Array.isArray(many) && many.length > 0) return many.map(String);
  return undefined;
}

/** Reads a dotted path of an object. */
export function readPath(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.split(".")) {
    v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
  }
  return v;
}
