/**
 * Generates the Huawei Cloud catalog (`lib/huawei/data/cph-v1.json`) from the seed API
 * document `tools/seeds/huaweicloud-cph-v1-ListEncodeServers.html.md` (a Huawei Cloud API page
 * exported as Markdown with HTML tables).
 *
 * What is read:
 * - the operation name (接口名称), summary (功能描述) and title;
 * - the URI line `GET /v1/{project_id}/…?offset={offset}&…`: method, path template, path and
 *   query parameter names;
 * - the URI parameter table (参数/是否必选/参数类型/描述): types, required, ranges
 *   (`取值范围：1~100`), enumerations (`<li>0：服务器</li>`, `100、1014、0：创建中`), defaults
 *   (kept in the doc), string length bounds (`不大于64个字节`);
 * - the response table and the structure tables (`表 2 encode_server数据结构说明`), linked by
 *   anchors (`详情请参见表2`), with the markers `（过期）` (deprecated) and `（新增）` (new; the
 *   catalog has no flag for it, so the doc starts with `[new]`).
 *
 * Deliberate differences from the document, said here once:
 * - `project_id` is documented as required, but every Huawei SDK fills it from the credential
 *   (`HUAWEICLOUD_SDK_PROJECT_ID`), and so does tcflow: the catalog marks it optional.
 * - `request_id` is not an output field: it becomes the step's `request_id`, as Tencent's
 *   `RequestId` does.
 * - The response has no total count, so `pagination.total` is `""`: pages end at a short page.
 * - The access_info table names a field `internet_ip（过期）` (内网IP, the intranet address) where
 *   the document's own response example and the official SDK (`EncodeServerAccessInfo`) say
 *   `intranet_ip`: the catalog follows the example and the SDK ({@link SEED_NAME_FIXES}).
 *
 * Run `deno run --allow-read --allow-write tools/catalog/huawei_seed.ts` to rewrite the data file;
 * `lib/catalog/huawei_test.ts` checks that the checked-in file is what this produces.
 *
 * @module
 */
import type { ActionSpec, Field, ServiceVersion, Structure } from "../../lib/catalog/types.ts";

/** The marker of generated files. */
export const HUAWEI_GENERATED_BY = "tools/catalog/huawei_seed.ts";
/** The seed this catalog is generated from, relative to the repository root. */
export const HUAWEI_SEED_FILE = "tools/seeds/huaweicloud-cph-v1-ListEncodeServers.html.md";
/** The generated data file, relative to the repository root. */
export const HUAWEI_DATA_FILE = "lib/huawei/data/cph-v1.json";

/** A table of the seed: its anchor, caption, header cells and rows. */
interface SeedTable {
  anchor: string;
  caption: string;
  header: string[];
  rows: Cell[][];
}

/** A table cell: its paragraphs, list items and links to other tables. */
interface Cell {
  text: string;
  paragraphs: string[];
  items: string[];
  links: string[];
}

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&nbsp;": " " };

/** Markdown escapes (`\_`, `\{`) removed, entities decoded, whitespace collapsed. */
function plain(text: string): string {
  return text
    .replace(/<[^>]+>/g, "")
    .replace(/&[a-z]+;/g, (e) => ENTITIES[e] ?? e)
    .replace(/\\([_{}*\[\]()#.!-])/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

function parseCell(html: string): Cell {
  const paragraphs = [...html.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)].map((m) => plain(m[1]!))
    .filter((p) => p !== "");
  const items = [...html.matchAll(/<li\b[^>]*>([\s\S]*?)<\/li>/g)].map((m) => plain(m[1]!));
  const links = [...html.matchAll(/<a\s+href="#([^"]+)"/g)].map((m) => m[1]!);
  return { text: paragraphs.join(" "), paragraphs, items, links };
}

/** Every `<table>` with the anchor just before it and the `**表 N**  caption` line above. */
function parseTables(text: string): SeedTable[] {
  const tables: SeedTable[] = [];
  const re = /<a name="([^"]+)"><\/a>\s*<table>([\s\S]*?)<\/table>/g;
  for (const m of text.matchAll(re)) {
    const before = text.slice(Math.max(0, m.index - 400), m.index);
    const captions = [...before.matchAll(/\*\*表\s*\d+\*\*\s*(.+)/g)];
    const caption = plain(captions.at(-1)?.[1] ?? "");
    const header = [...m[2]!.matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((h) => plain(h[1]!));
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(m[2]!)?.[1] ?? "";
    const rows = [...body.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...row[1]!.matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((c) => parseCell(c[1]!))
    );
    tables.push({ anchor: m[1]!, caption, header, rows });
  }
  return tables;
}

/** `encode_server` → `EncodeServer`. */
export function structureName(snake: string): string {
  return snake.split(/[_\s]+/).filter((w) => w !== "").map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

/** A seed type (`String`, `Integer`, `Array of objects` + link) as a catalog type string. */
export function huaweiType(raw: string, linked: string | undefined): string {
  const t = raw.trim();
  const array = /^Array of (.+?)s?$/i.exec(t);
  if (array) return `${huaweiType(array[1]!, linked)}[]`;
  switch (t.toLowerCase()) {
    case "string":
      return "String";
    case "integer":
    case "int":
    case "long":
      return "Integer";
    case "float":
    case "double":
    case "number":
      return "Float";
    case "boolean":
      return "Boolean";
    case "object":
      return linked ?? "Any";
    default:
      throw new Error(`unknown type in the Huawei seed: ${JSON.stringify(raw)}`);
  }
}

/** The facts a description states: range, enumeration, length bound. */
function constraints(cell: Cell, type: string): Pick<Field, "min" | "max" | "enum"> {
  const out: Pick<Field, "min" | "max" | "enum"> = {};
  const range = /取值范围[：:]\s*(-?\d+)\s*[~～-]\s*(-?\d+)/.exec(cell.text);
  if (range) {
    out.min = Number(range[1]);
    out.max = Number(range[2]);
  }
  if (/^偏移量/.test(cell.text) && out.min === undefined) out.min = 0;
  const length = /不大于(\d+)个字节/.exec(cell.text);
  if (length && type === "String") out.max = Number(length[1]);
  // An enumeration: every list item is `value：meaning` (values may be `100、1014、0`); an item
  // like `其他值：…` (other values) makes the list open, so no enumeration is recorded.
  const values: string[] = [];
  let closed = cell.items.length > 0;
  for (const item of cell.items) {
    const m = /^([A-Za-z0-9_]+(?:\s*、\s*[A-Za-z0-9_]+)*)\s*[：:]/.exec(item);
    if (!m) {
      closed = false;
      break;
    }
    values.push(...m[1]!.split("、").map((v) => v.trim()));
  }
  if (closed) out.enum = values;
  return out;
}

/** Field names the seed's tables misspell, as `Structure.field` → the name actually sent. */
export const SEED_NAME_FIXES: Readonly<Record<string, string>> = {
  "AccessInfo.internet_ip": "intranet_ip",
};

/** `access_ip（过期）` → name and markers. */
function fieldName(
  raw: string,
  owner: string,
): { name: string; deprecated: boolean; added: boolean } {
  const deprecated = /[（(]过期[)）]/.test(raw);
  const added = /[（(]新增[)）]/.test(raw);
  const name = raw.replace(/[（(][^)）]*[)）]/g, "").trim();
  return { name: SEED_NAME_FIXES[`${owner}.${name}`] ?? name, deprecated, added };
}

function docOf(cell: Cell, added: boolean, extra?: string): string {
  const lines = [...cell.paragraphs];
  if (cell.items.length > 0) lines.push(cell.items.join("; "));
  let doc = lines.join(" ").replace(/详情请参见表\s*\d+。?/, "").replace(/获取方式请参见\S+。?/, "")
    .trim().replace(/[，,]$/, "");
  if (extra !== undefined) doc = `${doc} ${extra}`;
  return added ? `[new] ${doc}` : doc;
}

/** Parses the seed document into the `huaweicloud/cph` v1 service version. */
export function parseHuaweiSeed(text: string): ServiceVersion {
  const section = (title: string) => {
    const start = text.indexOf(`## ${title}`);
    if (start < 0) throw new Error(`the Huawei seed has no "${title}" section`);
    const next = text.indexOf("\n## ", start + 3);
    return text.slice(start, next < 0 ? undefined : next);
  };
  const intro = section("功能介绍");
  const after = (label: string) => {
    const rest = intro.slice(intro.indexOf(label) + label.length);
    return rest.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
  };
  const name = after("接口名称");
  const summary = after("功能描述");
  const title = plain(/^#\s+(.+)$/m.exec(text)?.[1] ?? "");

  const uri = /^(GET|POST|PUT|DELETE|PATCH)\s+(\S+)/m.exec(section("URI"));
  if (!uri) throw new Error("the Huawei seed has no URI line");
  const method = uri[1] as "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  const [pathPart = "", queryPart = ""] = plain(uri[2]!).split("?");
  const pathParams = [...pathPart.matchAll(/\{([a-z0-9_]+)\}/g)].map((m) => m[1]!);
  const queryParams = [...queryPart.matchAll(/([a-z0-9_]+)=\{/g)].map((m) => m[1]!);

  const tables = parseTables(text);
  const structTables = tables.filter((t) => /数据结构说明$/.test(t.caption));
  const anchors = new Map<string, string>();
  for (const t of structTables) {
    anchors.set(t.anchor, structureName(t.caption.replace(/数据结构说明$/, "")));
  }
  const linkedType = (cell: Cell) => cell.links.map((l) => anchors.get(l)).find((n) => n);

  const toField = (cells: Cell[], required: boolean | undefined, owner: string): Field => {
    const [nameCell, ...rest] = cells;
    const typeCell = required === undefined ? rest[0]! : rest[1]!;
    const descCell = required === undefined ? rest[1]! : rest[2]!;
    const { name, deprecated, added } = fieldName(nameCell!.text, owner);
    const type = huaweiType(typeCell.text, linkedType(descCell));
    const field: Field = { name, type, required: required ?? false };
    const isProject = name === "project_id";
    const doc = docOf(
      descCell,
      added,
      isProject ? "(filled from the credential's project id when omitted)" : undefined,
    );
    if (doc !== "") field.doc = doc;
    if (deprecated) field.deprecated = true;
    if (isProject) field.required = false;
    return { ...field, ...constraints(descCell, type) };
  };

  const paramTable = tables.find((t) => t.header.includes("是否必选"));
  if (!paramTable) throw new Error("the Huawei seed has no URI parameter table");
  const inputs = paramTable.rows.map((r) => toField(r, r[1]!.text === "是", name));
  const responseTable = tables.find((t) =>
    !t.header.includes("是否必选") && !/数据结构说明$/.test(t.caption)
  );
  if (!responseTable) throw new Error("the Huawei seed has no response table");
  const outputs = responseTable.rows.map((r) => toField(r, undefined, name)).filter((f) =>
    f.name !== "request_id"
  );
  const structures: Record<string, Structure> = {};
  for (const t of structTables) {
    const sname = anchors.get(t.anchor)!;
    structures[sname] = {
      name: sname,
      doc: t.caption,
      fields: t.rows.map((r) => toField(r, undefined, sname)),
    };
  }

  const list = outputs.find((f) => f.type.endsWith("[]"));
  const limit = inputs.find((f) => f.name === "limit");
  const action: ActionSpec = {
    service: "huaweicloud/cph",
    version: "v1",
    name,
    doc: `${title}: ${summary}`,
    rateLimitPerS: 20,
    mutating: !/^(Describe|List|Get|Query|Check|Inquiry|Show)/.test(name),
    clientToken: false,
    inputs,
    outputs,
    source: "seed",
    http: { method, path: pathPart, pathParams, queryParams },
  };
  if (list && limit && inputs.some((f) => f.name === "offset")) {
    action.pagination = {
      style: "offset",
      offset: "offset",
      offsetType: inputs.find((f) => f.name === "offset")!.type,
      limit: "limit",
      limitType: limit.type,
      total: "",
      list: list.name,
      ...(limit.max !== undefined ? { maxLimit: limit.max } : {}),
    };
  }
  return {
    service: "huaweicloud/cph",
    version: "v1",
    host: "cph.{region}.myhuaweicloud.com",
    title: "Huawei Cloud Phone (CPH)",
    actions: { [name]: action },
    structures,
  };
}

/** The data file's text for a seed text: generated marker first, 2-space JSON, final newline. */
export function generateHuaweiCatalog(seedText: string): string {
  return JSON.stringify(
    { generatedBy: HUAWEI_GENERATED_BY, ...parseHuaweiSeed(seedText) },
    null,
    2,
  ) +
    "\n";
}

if (import.meta.main) {
  const root = new URL("../../", import.meta.url);
  const text = Deno.readTextFileSync(new URL(HUAWEI_SEED_FILE, root));
  Deno.writeTextFileSync(new URL(HUAWEI_DATA_FILE, root), generateHuaweiCatalog(text));
  console.log(`wrote ${HUAWEI_DATA_FILE}`);
}
