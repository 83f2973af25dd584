/**
 * The split of a service version's data between its shape and its documentation.
 *
 * A service version is stored as two generated files: `data/<service>/<version>.json`, the
 * shape (actions, parameter types, required flags, enumerations, paging, rates …: all that
 * validation, planning and a run read), and `data/<service>/<version>.docs.json`, the
 * documentation ({@link DOC_KEYS}: `doc`, `description`, `example`, `errors`), read only when
 * something shows it (`actions describe`, `schema`, the typed client's generator). Most of a
 * file's bytes are its documentation (long Chinese text), so a validation reads a third of them.
 *
 * {@link splitDocs} makes both parts (the generator, `tools/gen_catalog.ts`);
 * {@link mergeDocs} puts the documentation back into the objects of the shape, in place and
 * with every object's keys in their {@link KEY_ORDER}, so that the merged service version is
 * the generator's, key for key.
 *
 * @example
 * ```ts
 * import { mergeDocs, splitDocs } from "./docs.ts";
 * import type { ServiceVersion } from "./types.ts";
 * const full: ServiceVersion = {
 *   service: "x", version: "2020-01-01", host: "x.tencentcloudapi.com", structures: {},
 *   actions: { A: { service: "x", version: "2020-01-01", name: "A", rateLimitPerS: 20,
 *     mutating: true, clientToken: false,
 *     inputs: [{ name: "Id", type: "String", required: true, doc: "The id." }], outputs: [],
 *     source: "sdk", doc: "Does A." } },
 * };
 * const { shape, docs } = splitDocs(structuredClone(full));
 * shape.actions.A!.doc; // undefined
 * mergeDocs(shape, docs);
 * JSON.stringify(shape) === JSON.stringify(full); // true
 * ```
 *
 * @module
 */
import type { ActionSpec, Field, ServiceVersion, Structure } from "./types.ts";

/** The keys that hold documentation, in actions, structures and fields. */
export const DOC_KEYS = ["doc", "description", "example", "errors"] as const;

/** One object's documentation: some of {@link DOC_KEYS}. */
export type DocPart = Partial<Record<typeof DOC_KEYS[number], unknown>>;

/** The documentation of one action, its request parameters and its response fields. */
export interface ActionDocs extends DocPart {
  /** One entry per request parameter, in order (`{}` for one without documentation). */
  inputs?: DocPart[];
  /** One entry per response field, in order. */
  outputs?: DocPart[];
}

/** The documentation of one structure and its fields. */
export interface StructureDocs extends DocPart {
  /** One entry per field, in order. */
  fields?: DocPart[];
}

/** `data/<service>/<version>.docs.json`: the documentation of a service version. */
export interface ServiceDocs {
  service: string;
  version: string;
  /** By action name; an action without any documentation is left out. */
  actions: Record<string, ActionDocs>;
  /** By structure name; a structure without any documentation is left out. */
  structures: Record<string, StructureDocs>;
}

/**
 * The order of the keys of each kind of object, as the generator writes them: the merged
 * documentation takes its place among them. A key missing here is an error of the generator.
 */
export const KEY_ORDER = {
  action: [
    "service",
    "version",
    "name",
    "rateLimitPerS",
    "mutating",
    "clientToken",
    "inputs",
    "outputs",
    "source",
    "doc",
    "description",
    "pagination",
    "notPageable",
    "errors",
    "deprecated",
    "http",
  ],
  structure: ["name", "fields", "doc", "description"],
  field: [
    "name",
    "type",
    "required",
    "doc",
    "description",
    "deprecated",
    "lifetime",
    "enum",
    "min",
    "max",
    "seedDiffers",
    "example",
    "secret",
  ],
} as const satisfies Record<string, readonly string[]>;

type Kind = keyof typeof KEY_ORDER;
const docKeys: ReadonlySet<string> = new Set(DOC_KEYS);
const rank: Record<Kind, ReadonlyMap<string, number>> = {
  action: new Map(KEY_ORDER.action.map((key, i) => [key, i])),
  structure: new Map(KEY_ORDER.structure.map((key, i) => [key, i])),
  field: new Map(KEY_ORDER.field.map((key, i) => [key, i])),
};

function rankOf(kind: Kind, key: string): number {
  const at = rank[kind].get(key);
  if (at === undefined) throw new Error(`catalog: unknown ${kind} key "${key}" (see KEY_ORDER)`);
  return at;
}

/** Takes the documentation keys out of `object` (in place), with the others in key order. */
function takeDocs(kind: Kind, object: object): DocPart {
  const record = object as Record<string, unknown>;
  const entries = Object.entries(record).sort(([a], [b]) => rankOf(kind, a) - rankOf(kind, b));
  const docs: DocPart = {};
  for (const [key] of entries) delete record[key];
  for (const [key, value] of entries) {
    if (docKeys.has(key)) (docs as Record<string, unknown>)[key] = value;
    else record[key] = value;
  }
  return docs;
}

function fieldDocs(fields: Field[]): DocPart[] | undefined {
  const docs = fields.map((field) => takeDocs("field", field));
  return docs.some((part) => Object.keys(part).length > 0) ? docs : undefined;
}

/**
 * Splits a service version (taken apart in place: it becomes the shape) into its shape and its
 * documentation; the keys of every object are put in {@link KEY_ORDER}.
 *
 * @throws {Error} when an object has a key that {@link KEY_ORDER} does not list
 */
export function splitDocs(sv: ServiceVersion): { shape: ServiceVersion; docs: ServiceDocs } {
  const docs: ServiceDocs = {
    service: sv.service,
    version: sv.version,
    actions: {},
    structures: {},
  };
  for (const [name, action] of Object.entries(sv.actions)) {
    const part: ActionDocs = takeDocs("action", action);
    const inputs = fieldDocs(action.inputs);
    const outputs = fieldDocs(action.outputs);
    if (inputs) part.inputs = inputs;
    if (outputs) part.outputs = outputs;
    if (Object.keys(part).length > 0) docs.actions[name] = part;
  }
  for (const [name, structure] of Object.entries(sv.structures)) {
    const part: StructureDocs = takeDocs("structure", structure);
    const fields = fieldDocs(structure.fields);
    if (fields) part.fields = fields;
    if (Object.keys(part).length > 0) docs.structures[name] = part;
  }
  return { shape: sv, docs };
}

/** Adds `docs` to `object` in place, its keys put back in {@link KEY_ORDER}. */
function putDocs(kind: Kind, object: object, docs: DocPart): void {
  const record = object as Record<string, unknown>;
  const added = Object.entries(docs).filter(([key]) => docKeys.has(key));
  if (added.length === 0) return;
  const first = Math.min(...added.map(([key]) => rankOf(kind, key)));
  const moved = Object.entries(record).filter(([key]) => rankOf(kind, key) > first);
  for (const [key] of moved) delete record[key];
  const inOrder = [...added, ...moved].sort(([a], [b]) => rankOf(kind, a) - rankOf(kind, b));
  for (const [key, value] of inOrder) record[key] = value;
}

function putFieldDocs(where: string, fields: Field[], docs: DocPart[] | undefined): void {
  if (docs === undefined) return;
  if (docs.length !== fields.length) {
    throw new Error(
      `catalog: the docs of ${where} do not match its fields (run deno task catalog)`,
    );
  }
  fields.forEach((field, i) => putDocs("field", field, docs[i]!));
}

/**
 * Puts the documentation of a service version back into its shape, in place (objects already
 * handed out gain their documentation too).
 *
 * @throws {Error} when `docs` is not the documentation of `shape` (another version, an action
 *   or structure it lacks, another number of fields): the data files are out of step
 */
export function mergeDocs(shape: ServiceVersion, docs: ServiceDocs): void {
  const id = `${shape.service}/${shape.version}`;
  if (docs.service !== shape.service || docs.version !== shape.version) {
    throw new Error(`catalog: ${docs.service}/${docs.version} docs given for ${id}`);
  }
  for (const [name, part] of Object.entries(docs.actions)) {
    const action: ActionSpec | undefined = Object.hasOwn(shape.actions, name)
      ? shape.actions[name]
      : undefined;
    if (action === undefined) throw new Error(`catalog: docs of ${id} name no action ${name}`);
    putFieldDocs(`${id} ${name} (request)`, action.inputs, part.inputs);
    putFieldDocs(`${id} ${name} (response)`, action.outputs, part.outputs);
    putDocs("action", action, part);
  }
  for (const [name, part] of Object.entries(docs.structures)) {
    const structure: Structure | undefined = Object.hasOwn(shape.structures, name)
      ? shape.structures[name]
      : undefined;
    if (structure === undefined) {
      throw new Error(`catalog: docs of ${id} name no structure ${name}`);
    }
    putFieldDocs(`${id} ${name}`, structure.fields, part.fields);
    putDocs("structure", structure, part);
  }
}
