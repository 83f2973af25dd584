/**
 * The generic emulator of one service: it answers every action of the catalog that no seeded
 * (hand-written, faithful) service answers. Parameters are checked by the core as for the seeded
 * services; the answer is built from the action's response types:
 *
 * - every declared field filled with a deterministic sample (`_generic_values.ts`);
 * - list actions page through the items given with `--data` (`{ "<service>": { "<Action>":
 *   [items…] } }`), or made by `Create<X>`, in the action's own paging style
 *   (`_generic_paging.ts`), filtered by ids the request names (`VpcIds`);
 * - `Create<X>` makes an item with a fresh id (listed by `Describe<X>s`), `Modify<X>` changes
 *   it, `Delete<X>` removes it (`ResourceNotFound` when absent), `Describe<X>` shows it
 *   (`_generic_resources.ts`); an item the caller names (mqtt `CreateTopic` `Topic`) keeps that
 *   name, and a parent id the request gives (`InstanceId`) scopes every one of these;
 * - an action that takes a `ClientToken`, called again with the same token, answers the
 *   first call's answer and changes nothing.
 *
 * Its state is plain JSON data (`snapshot()` / `load()`), so it can be kept between commands.
 *
 * @example
 * ```ts
 * import { GenericService } from "./generic.ts";
 * const vpc = new GenericService("vpc", { DescribeVpcs: [{ VpcId: "vpc-1" }] });
 * vpc.snapshot().lists.DescribeVpcs?.length; // 1
 * ```
 *
 * @module
 */
import { findStructure, serviceVersion } from "../catalog/catalog.ts";
import type { ActionSpec, Field, TypeName } from "../catalog/types.ts";
import { writePage } from "./_generic_paging.ts";
import { readPath, requestIds, type Resource, resourceOf, verbOf } from "./_generic_resources.ts";
import { idPrefix, isIdName, sampleObject, sampleOf } from "./_generic_values.ts";
import type { StructureLookup } from "./params.ts";
import { ApiError, type CallContext } from "./service.ts";

/** The state of a generic service: JSON data. */
export interface GenericState {
  /** Items each list action pages through, by action name (`DescribeVpcs`). */
  lists: Record<string, unknown[]>;
  /** First answers of `ClientToken` calls, by `version|Action|token`. */
  tokens: Record<string, Record<string, unknown>>;
}

/**
 * Reads `--data` of a generic service: a snapshot (`{lists, tokens}`) or lists by action
 * (`{DescribeVpcs: [...]}`).
 *
 * @throws {TypeError} data that is neither
 */
export function genericState(service: string, data: unknown): GenericState {
  if (data === undefined || data === null) return { lists: {}, tokens: {} };
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new TypeError(`emulator data of ${service} must be an object of lists by action name`);
  }
  const record = data as Record<string, unknown>;
  const snapshot = Object.keys(record).every((k) => k === "lists" || k === "tokens") &&
    Object.keys(record).length > 0;
  const lists = (snapshot ? record.lists ?? {} : record) as Record<string, unknown>;
  const out: GenericState = {
    lists: {},
    tokens: structuredClone((snapshot ? record.tokens : undefined) ?? {}) as GenericState["tokens"],
  };
  for (const [action, items] of Object.entries(lists)) {
    if (!Array.isArray(items)) {
      throw new TypeError(
        `emulator data ${service}.${action} must be a list of items: got ${typeof items}`,
      );
    }
    out.lists[action] = structuredClone(items);
  }
  return out;
}

/** The generic emulator of one service (every version of it). */
export class GenericService {
  readonly service: string;
  #state: GenericState;

  constructor(service: string, data?: unknown) {
    this.service = service;
    this.#state = genericState(service, data);
  }

  /** The state as JSON data. */
  snapshot(): GenericState {
    return structuredClone(this.#state);
  }

  /** Replaces the state (`undefined`: empty). */
  load(data: unknown): void {
    this.#state = genericState(this.service, data);
  }

  /** Answers one call (parameters already checked) with the `Response` fields. */
  answer(spec: ActionSpec, params: Record<string, unknown>, ctx: CallContext) {
    const token = spec.clientToken ? params.ClientToken : undefined;
    const key = typeof token === "string" && token !== ""
      ? `${spec.version}|${spec.name}|${token}`
      : undefined;
    if (key !== undefined && Object.hasOwn(this.#state.tokens, key)) {
      return structuredClone(this.#state.tokens[key]!);
    }
    const answer = this.#answer(spec, params, ctx);
    if (key !== undefined) this.#state.tokens[key] = structuredClone(answer);
    return answer;
  }

  #answer(spec: ActionSpec, params: Record<string, unknown>, ctx: CallContext) {
    const lookup: StructureLookup = (name) => findStructure(spec.service, spec.version, name);
    const key = `${spec.service}.${spec.name}`;
    const response = sampleObject(spec.outputs, lookup, "response", key);
    const sv = serviceVersion(spec.service, spec.version);
    const verb = verbOf(spec.name);
    const resource = sv && verb
      ? resourceOf(sv, verb.noun) ?? resourceOf(sv, singular(verb.noun))
      : undefined;
    if (resource !== undefined && verb !== undefined) {
      const items = this.#state.lists[resource.listAction] ??= [];
      switch (verb.verb) {
        case "Create":
          return this.#create(spec, params, ctx, resource, items, response, lookup);
        case "Delete":
        case "Modify":
        case "Update":
        case "Describe":
        case "Get": {
          if (spec.name === resource.listAction || spec.pagination !== undefined) break;
          const ids = requestIds(params, resource.idField);
          if (ids === undefined) break;
          const found = items.filter((item) =>
            ids.includes(idOf(item, resource)) && inScope(item, params, resource)
          );
          if (found.length < ids.length) {
            const missing = ids.filter((id) => !found.some((item) => idOf(item, resource) === id));
            throw new ApiError(
              "ResourceNotFound",
              `The ${resource.noun} \`${missing.join("`, `")}\` does not exist.`,
            );
          }
          if (verb.verb === "Delete") {
            this.#state.lists[resource.listAction] = items.filter((item) => !found.includes(item));
          } else if (verb.verb === "Modify" || verb.verb === "Update") {
            const fields = itemFields(spec, resource, lookup);
            for (const item of found) overlay(item as Record<string, unknown>, params, fields);
          } else {
            overlay(response, found[0] as Record<string, unknown>, spec.outputs);
          }
          return response;
        }
      }
    }
    const p = spec.pagination;
    const listed = this.#listed(spec, params, sv ? resourceOf(sv, listNoun(spec.name)) : undefined);
    if (p !== undefined) {
      writePage(p, params, listed ?? [], response, (path) => typeAt(spec.outputs, path, lookup));
    } else if (listed !== undefined && resource !== undefined) {
      setAt(response, resource.listPath, listed);
    }
    return response;
  }

  /** The items a list action answers: its data, filtered by the ids the request names. */
  #listed(spec: ActionSpec, params: Record<string, unknown>, resource: Resource | undefined) {
    const items = this.#state.lists[spec.name];
    if (items === undefined) return undefined;
    if (resource === undefined || resource.listAction !== spec.name) return items;
    const ids = requestIds(params, resource.idField, true);
    const scoped = items.filter((item) => inScope(item, params, resource));
    return ids === undefined ? scoped : scoped.filter((item) => ids.includes(idOf(item, resource)));
  }

  #create(
    spec: ActionSpec,
    params: Record<string, unknown>,
    ctx: CallContext,
    resource: Resource,
    items: unknown[],
    response: Record<string, unknown>,
    lookup: StructureLookup,
  ) {
    const given = resource.named ? params[resource.idField] : undefined;
    const id = typeof given === "string" ? given : ctx.newId(idPrefix(resource.idField));
    if (
      resource.named &&
      items.some((item) => idOf(item, resource) === id && inScope(item, params, resource))
    ) {
      throw new ApiError("ResourceInUse", `The ${resource.noun} \`${id}\` already exists.`);
    }
    const itemField: Field = { name: resource.noun, type: resource.itemType, required: true };
    const item = sampleOf(
      itemField,
      lookup,
      "response",
      `${spec.service}.${resource.noun}`,
    ) as Record<string, unknown>;
    overlay(item, params, itemFields(spec, resource, lookup));
    // `Name` of the request is the item's `<X>Name` (mqtt CreateInstance Name → InstanceName).
    const nameField = `${resource.noun}Name`;
    if (typeof params.Name === "string" && !("Name" in item) && nameField in item) {
      item[nameField] = params.Name;
    }
    item[resource.idField] = id;
    items.push(item);
    const idOutputs = spec.outputs.filter((f) => f.type === "String" && isIdName(f.name));
    const idOutput = idOutputs.find((f) => f.name === resource.idField) ??
      (idOutputs.length === 1 && !resource.named ? idOutputs[0] : undefined);
    const idArrays = spec.outputs.filter((f) =>
      f.type === "String[]" && /Id(s|Set|List)$/.test(f.name)
    );
    const idArray = idArrays.find((f) => f.name.startsWith(resource.idField)) ??
      (idArrays.length === 1 ? idArrays[0] : undefined);
    for (const field of spec.outputs) {
      if (field === idOutput || field.name === resource.idField) {
        response[field.name] = id;
      } else if (field.type === "String" && typeof params[field.name] === "string") {
        response[field.name] = params[field.name]; // echoed: the parent's id (InstanceId)
      } else if (field === idArray) {
        response[field.name] = [id];
      } else if (field.type === resource.itemType) {
        response[field.name] = structuredClone(item);
      } else if (field.type === `${resource.itemType}[]`) {
        response[field.name] = [structuredClone(item)];
      }
    }
    return response;
  }
}

/** `DescribeVpcs` → `Vpc`, `DescribeTopicList` → `Topic`, `ListUsers` → `User`. */
function listNoun(action: string): string {
  return singular((verbOf(action)?.noun ?? "").replace(/(List|Set|Lists)$/, ""));
}

/** `Groups` → `Group`, `Policies` → `Policy`, `Addresses` → `Address`. */
function singular(noun: string): string {
  return noun.replace(/ies$/, "y").replace(/(ss|sh|ch|x)es$/, "$1").replace(/(?<=[^s])s$/, "");
}

function idOf(item: unknown, resource: Resource): string {
  return String(readPath(item, resource.idField) ?? "");
}

/**
 * False when the request names a parent (an id field of the item other than its own id, e.g.
 * `InstanceId` of a topic) that the item belongs to another of; items that do not carry the
 * field (data given with `--data`) are in every scope.
 */
function inScope(item: unknown, params: Record<string, unknown>, resource: Resource): boolean {
  const record = item as Record<string, unknown>;
  for (const [name, value] of Object.entries(params)) {
    if (name === resource.idField || typeof value !== "string" || !isIdName(name)) continue;
    if (typeof record[name] === "string" && record[name] !== value) return false;
  }
  return true;
}

/** Copies the values of `from` named by `fields` into `to`. */
function overlay(
  to: Record<string, unknown>,
  from: Record<string, unknown>,
  fields: readonly Field[],
): void {
  for (const { name } of fields) {
    const value = from[name];
    if (name === "ClientToken" || value === undefined || value === null) continue;
    to[name] = structuredClone(value);
  }
}

/** The item's fields a request of `spec` sets: same name and type, never the id. */
function itemFields(spec: ActionSpec, resource: Resource, lookup: StructureLookup): Field[] {
  const item = lookup(resource.itemType)?.fields ?? [];
  return item.filter((f) =>
    f.name !== resource.idField &&
    spec.inputs.some((input) => input.name === f.name && input.type === f.type)
  );
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== "object") node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

/** The declared type of a response path (`Data.Context`), following structures. */
function typeAt(
  outputs: readonly Field[],
  path: string,
  lookup: StructureLookup,
): TypeName | undefined {
  let fields: readonly Field[] = outputs;
  let type: TypeName | undefined;
  for (const part of path.split(".")) {
    type = fields.find((f) => f.name === part)?.type;
    if (type === undefined) return undefined;
    fields = lookup(type)?.fields ?? [];
  }
  return type;
}
