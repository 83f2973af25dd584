/**
 * Converts what the SDK declares ({@link SdkServiceVersion}) into a catalog
 * {@link ServiceVersion}: catalog type strings, short docs, `required`, `mutating`,
 * `clientToken` and paging (`tools/catalog/paging.ts`).
 *
 * Type mapping: `string` → `String`, `boolean` → `Boolean`, `number` → `Number` (the SDK
 * does not say integer or float for scalars), `any`/unknown → `Any`, `Array<X>` → `X[]`; a
 * structure declared `export type X = null;` → `Any`.
 * One documented exception: the SDK's generator writes arrays of the API type `Integer` as
 * `Array<number | bigint>` (e.g. ssl `DescribeCertificates.CertificateStatus`, documented
 * `Array of Integer` in the seed), so `Array<number | bigint>` → `Integer[]`.
 *
 * @module
 */

import type { ActionSpec, Field, ServiceVersion, Structure } from "../../lib/catalog/types.ts";
import { documentedConstraints } from "./constraints.ts";
import { classifyPaging, type RawDoc } from "./paging.ts";
import type { SdkField, SdkServiceVersion } from "./sdk_dts.ts";

/** Longest `doc` kept, in characters. */
export const DOC_MAX_CHARS = 160;

/** Prefixes of read-only actions (PRODUCT §5). */
const READ_ONLY_PREFIXES = ["Describe", "List", "Get", "Query", "Check", "Inquiry"];

/** False iff the action name starts with a read-only prefix. */
export function isMutating(action: string): boolean {
  return !READ_ONLY_PREFIXES.some((p) => action.startsWith(p));
}

/** Markers of an output that may be `null` in a response. */
export function mayBeNull(rawDoc: string): boolean {
  return /可能返回\s*null|可能为\s*null|可能返回空/i.test(rawDoc);
}

/**
 * The first sentence of a documentation text, as plain text of at most
 * {@link DOC_MAX_CHARS} characters; `undefined` when empty.
 */
export function docSummary(raw: string): string | undefined {
  let text = raw
    .replace(/@deprecated/g, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|li|div|ul|ol)>/gi, "\n")
    .replace(/<[^>]{1,200}>/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  // The first paragraph, then its first sentence.
  const paragraph = text.split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, " ").trim())
    .find((p) => p.length > 0) ?? "";
  text = paragraph;
  const end = /[。！？]|\.(?=\s|$)/.exec(text);
  if (end) text = text.slice(0, end.index + 1);
  text = text.replace(/\s+/g, " ").trim();
  if (!text) return undefined;
  if (text.length > DOC_MAX_CHARS) text = text.slice(0, DOC_MAX_CHARS - 1).trimEnd() + "…";
  return text;
}

/** Documentation text as plain text: tags, links and entities gone, its lines kept. */
function plainDoc(raw: string): string {
  return raw
    .replace(/@deprecated/g, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<li>/gi, "\n- ")
    .replace(/<\/(p|li|div|ul|ol)>/gi, "\n")
    .replace(/<[^>]{1,200}>/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * The whole documentation text (every paragraph, enumerations and list items on their own
 * lines), as plain text; `undefined` when it is {@link docSummary}'s text.
 */
export function docText(raw: string): string | undefined {
  const text = plainDoc(raw).split("\n").map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line.length > 0).join("\n");
  if (!text) return undefined;
  const summary = docSummary(raw);
  return text === summary ? undefined : text;
}

/**
 * The sentence of an action's documentation that says the action is offline or deprecated
 * (`此接口已下线，如需使用功能请使用DescribeApiAppsStatus接口。`, `本接口已废弃，请使用接口CreateTaskNew。`),
 * as plain text; `undefined` when it says nothing of the kind.
 */
export function offlineNote(raw: string): string | undefined {
  const text = raw
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<[^>]{1,200}>/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/】/g, "。")
    .replace(/\*\*|[【#]/g, "");
  const m = /[^。！？\n]*接口已(?:下线|废弃)[^。！？\n]*[。！？]?/.exec(text);
  if (!m) return undefined;
  const sentence = m[0].replace(/^.*[(（]([^)）]*接口已(?:下线|废弃)[^)）]*)[)）].*$/, "$1")
    .replace(/\s+/g, " ").trim();
  return sentence.length > DOC_MAX_CHARS ? sentence.slice(0, DOC_MAX_CHARS - 1) + "…" : sentence;
}

const LIFETIME =
  /(?:时效(?:性)?(?:为)?|失效时间(?:为)?|有效期(?:为|是)?|有效时间(?:为)?|过期时间(?:为)?)\s*(\d+)\s*(秒|分钟|小时|天)/;
/** Names of values handed from one call to a later one: tokens, URLs, paging contexts, jobs. */
const HANDED_ON = /(Token|Url|Urls|Context|Handle|QrCode|Qrcode|QrcodeBase64|Ticket|JobId|Image)$/;
const UNIT_S: Record<string, number> = { 秒: 1, 分钟: 60, 小时: 3600, 天: 86400 };

/**
 * The documented lifetime of a token, URL or temporary id (`唯一随机标识，时效5分钟`,
 * `…的字符串失效时间为2小时`, `有效期为5分钟`): its seconds and the words, where its documentation
 * gives one. Only string values named as handed on (`ClientToken`, `WebUrl`, `Context` …).
 */
export function documentedLifetime(
  name: string,
  type: string,
  raw: string,
): { seconds: number; doc: string } | undefined {
  if (!HANDED_ON.test(name) || (type !== "String" && type !== "String[]")) return undefined;
  const text = raw.replace(/<[^>]{1,200}>/g, "");
  const m = LIFETIME.exec(text);
  if (!m) return undefined;
  return { seconds: Number(m[1]) * UNIT_S[m[2]!]!, doc: m[0] };
}

/** Converts an SDK TypeScript type to a catalog type string. */
export function catalogTypeOf(tsType: string, structures: ReadonlySet<string>): string {
  const t = tsType.trim();
  const array = /^Array<(.+)>$/.exec(t) ?? /^(.+)\[\]$/.exec(t);
  if (array) {
    const inner = array[1]!.trim();
    if (inner === "number | bigint" || inner === "bigint | number") return "Integer[]";
    return `${catalogTypeOf(inner, structures)}[]`;
  }
  switch (t) {
    case "string":
      return "String";
    case "boolean":
      return "Boolean";
    case "number":
      return "Number";
    case "bigint":
    case "number | bigint":
      return "Integer";
    default:
      return structures.has(t) ? t : "Any";
  }
}

/** Builds a catalog field from an SDK field. `output` fields are required iff never null. */
export function fieldFromSdk(f: SdkField, structures: ReadonlySet<string>, output: boolean): Field {
  const field: Field = {
    name: f.name,
    type: catalogTypeOf(f.tsType, structures),
    required: output ? !mayBeNull(f.doc) : !f.optional,
  };
  const doc = docSummary(f.doc);
  if (doc) field.doc = doc;
  const description = docText(f.doc);
  if (description) field.description = description;
  if (/@deprecated/.test(f.doc)) field.deprecated = true;
  if (!output) Object.assign(field, documentedConstraints(field.type, f.doc));
  const lifetime = documentedLifetime(f.name, field.type, f.doc);
  if (lifetime) field.lifetime = lifetime;
  return field;
}

/** Converts one SDK service version into a catalog service version (no seed data yet). */
export function serviceVersionFromSdk(sdk: SdkServiceVersion): ServiceVersion {
  const actionTypes = new Set<string>();
  for (const a of sdk.actions) {
    actionTypes.add(a.request);
    actionTypes.add(a.response);
  }
  const structureNames = new Set<string>();
  for (const [name, iface] of sdk.interfaces) {
    // A structure the SDK declares `= null` (bma `Filter`, irp `UserPortraitInfo` …) has no
    // fields to check: it is typed `Any`, any JSON (an empty structure would reject all).
    if (!actionTypes.has(name) && !iface.isNull) structureNames.add(name);
  }

  const structures: Record<string, Structure> = {};
  for (const name of [...structureNames].sort()) {
    const iface = sdk.interfaces.get(name)!;
    const s: Structure = {
      name,
      fields: iface.fields.map((f) => fieldFromSdk(f, structureNames, false)),
    };
    const doc = docSummary(iface.doc);
    if (doc) s.doc = doc;
    const description = docText(iface.doc);
    if (description) s.description = description;
    structures[name] = s;
  }

  const actions: Record<string, ActionSpec> = {};
  for (const a of [...sdk.actions].sort((x, y) => x.name < y.name ? -1 : x.name > y.name ? 1 : 0)) {
    const req = sdk.interfaces.get(a.request);
    const res = sdk.interfaces.get(a.response);
    const inputs = (req?.fields ?? []).map((f) => fieldFromSdk(f, structureNames, false));
    const outputs = (res?.fields ?? []).filter((f) => f.name !== "RequestId")
      .map((f) => fieldFromSdk(f, structureNames, true));
    const rawDoc: RawDoc = (owner, field) => {
      const name = owner === "request" ? a.request : owner === "response" ? a.response : owner;
      return sdk.interfaces.get(name)?.fields.find((f) => f.name === field)?.doc;
    };
    actions[a.name] = finishAction({
      service: sdk.service,
      version: sdk.version,
      name: a.name,
      doc: docSummary(a.doc),
      description: docText(a.doc),
      inputs,
      outputs,
      structures,
      rawDoc,
      source: "sdk",
      deprecated: offlineNote(a.doc),
    });
  }
  return { service: sdk.service, version: sdk.version, host: sdk.host, actions, structures };
}

/** Options of {@link finishAction}. */
export interface FinishActionOptions {
  service: string;
  version: string;
  name: string;
  doc: string | undefined;
  /** The whole documentation, when longer than `doc`. */
  description?: string | undefined;
  inputs: Field[];
  outputs: Field[];
  structures: Record<string, Structure>;
  /** Raw documentation of request, response and structure fields, for paging. */
  rawDoc?: RawDoc;
  source: ActionSpec["source"];
  rateLimitPerS?: number;
  errors?: Record<string, string>;
  /** Where the documentation says the action is offline or deprecated: its words. */
  deprecated?: string | undefined;
}

/**
 * Assembles an {@link ActionSpec}, deriving `mutating`, `clientToken` and `pagination` (or
 * `notPageable`, see `tools/catalog/paging.ts`).
 */
export function finishAction(o: FinishActionOptions): ActionSpec {
  const spec: ActionSpec = {
    service: o.service,
    version: o.version,
    name: o.name,
    rateLimitPerS: o.rateLimitPerS ?? 20,
    mutating: isMutating(o.name),
    clientToken: o.inputs.some((f) => f.name === "ClientToken"),
    inputs: o.inputs,
    outputs: o.outputs,
    source: o.source,
  };
  if (o.doc) spec.doc = o.doc;
  if (o.description) spec.description = o.description;
  const paging = classifyPaging({
    inputs: o.inputs,
    outputs: o.outputs,
    structures: o.structures,
    ...(o.rawDoc ? { rawDoc: o.rawDoc } : {}),
  });
  if (paging && "pagination" in paging) spec.pagination = paging.pagination;
  if (paging && "notPageable" in paging) spec.notPageable = paging.notPageable;
  if (o.errors && Object.keys(o.errors).length > 0) spec.errors = o.errors;
  if (o.deprecated) spec.deprecated = o.deprecated;
  return spec;
}
