/**
 * Reads the seed API documents in `tools/seeds/` (Tencent Cloud API pages exported as text
 * or Markdown): each action's rate limit, input parameters (参数名称/必选/类型/描述), output
 * parameters (参数名称/类型/描述) and error codes (错误码/描述), and the data structures
 * (数据结构: 名称/类型/[必选]/描述).
 *
 * Three layouts occur and are reduced to the same rows: tab-separated tables (trocket),
 * pipe tables (ssl, yunjing) and PDF-extracted text where cells are separated by spaces and
 * rows wrap over several lines (apigateway). In the last layout a row is recognised by its
 * shape — a parameter name, 是/否 for inputs, then a type that is a scalar, `Array of X` or a
 * structure the document defines — so that prose lines are not taken for rows.
 *
 * @module
 */

/** A parameter or structure field as documented in a seed. */
export interface SeedField {
  name: string;
  /** Catalog type string (`Integer`, `Filter[]` …). */
  type: string;
  /** The type as written (`Array of Filter`). */
  rawType: string;
  /** 必选 是/否; absent when the table has no 必选 column (outputs, output structures). */
  required?: boolean;
  /** Description text, lines joined with spaces. */
  doc: string;
  /** The description says "此字段可能返回 null". */
  nullable: boolean;
  /** The documented example value (示例值). */
  example?: string;
}

/** An action as documented in a seed. */
export interface SeedAction {
  name: string;
  doc: string;
  /** 默认接口请求频率限制：N次/秒. */
  rateLimitPerS?: number;
  inputs: SeedField[];
  outputs: SeedField[];
  errors: Record<string, string>;
}

/** A data structure as documented in a seed. */
export interface SeedStructure {
  name: string;
  doc: string;
  fields: SeedField[];
}

/** One parsed seed document. */
export interface SeedDoc {
  /** File name inside the seeds directory. */
  file: string;
  service: string;
  version: string;
  host?: string;
  actions: Map<string, SeedAction>;
  structures: Map<string, SeedStructure>;
}

const SCALARS: Record<string, string> = {
  String: "String",
  Integer: "Integer",
  Float: "Float",
  Boolean: "Boolean",
  Timestamp: "Timestamp",
  "Timestamp ISO8601": "Timestamp",
  Binary: "Binary",
  Object: "Any",
};

const NAME = String.raw`[A-Za-z][A-Za-z0-9_]*(?:\.N)?`;
const LINK_RE = /\[([A-Za-z0-9_]+)\]\([^)]*\)/g;

/** Converts a seed type (`Array of Filter`, `Timestamp ISO8601`, `[Filter](…)`) to a catalog type. */
export function seedType(raw: string): string {
  const t = raw.replace(LINK_RE, "$1").trim();
  const array = /^Array of (.+)$/.exec(t);
  if (array) return `${seedType(array[1]!)}[]`;
  return SCALARS[t] ?? t;
}

/** `Filters.N` → `Filters`. */
function fieldName(raw: string): string {
  return raw.replace(/\.N$/, "");
}

/** Lines of a document with pipe tables turned into tab-separated cells and `#` removed. */
export function normalizeLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/\r/g, "").split("\n")) {
    let line = raw.replace(/\u00a0/g, " ");
    if (/^\s*\|?[\s|:-]+\|[\s|:-]*$/.test(line) && line.includes("-")) continue; // |---|---|
    const pipes = (line.match(/\|/g) ?? []).length;
    if (pipes >= 2 && !line.includes("\t")) {
      const cells = line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) =>
        c.trim()
      );
      line = cells.join("\t");
    }
    line = line.replace(/^#+\s*/, "").replace(LINK_RE, "$1").trimEnd();
    out.push(line);
  }
  return out;
}

const IDENT_LINE = /^\s*([A-Z][A-Za-z0-9_]*)\s*$/;

/** Structure names and the line where each one's block starts (its name line). */
function findStructureStarts(lines: string[]): Array<{ name: string; line: number }> {
  const starts: Array<{ name: string; line: number }> = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*被如下接口引用/.test(lines[i]!)) continue;
    // Backwards over the doc lines to the name line (PDF layout may put URLs in between).
    // The doc may itself be a bare identifier (`DescribeApiResultServiceParametersInfo` /
    // `ServiceParameter`): then the name is the line before it.
    const back: Array<{ text: string; line: number }> = [];
    for (let j = i - 1; j >= 0 && back.length < 6; j--) {
      const l = lines[j]!.trim();
      if (!l || /^https?:\/\//.test(l)) continue;
      back.push({ text: l, line: j });
    }
    let pick = back.findIndex((b) => IDENT_LINE.test(b.text));
    if (pick === 0 && back[1] && IDENT_LINE.test(back[1].text)) pick = 1;
    const chosen = pick >= 0 ? back[pick] : undefined;
    if (chosen) starts.push({ name: IDENT_LINE.exec(chosen.text)![1]!, line: chosen.line });
  }
  return starts;
}

type TableKind = "input" | "output" | "struct" | "struct-req" | "errors" | "none";

/** What kind of table a header line opens, if it is one. */
function headerKind(line: string): TableKind | undefined {
  const h = line.trim().replace(/\s+/g, " ");
  if (/^参数名称 必选 类型 描述$/.test(h)) return "input";
  if (/^参数名称 类型 描述$/.test(h)) return "output";
  if (/^名称 类型 必选 描述$/.test(h)) return "struct-req";
  if (/^名称 类型 描述$/.test(h)) return "struct";
  if (/^错误码 (错误)?描述$/.test(h)) return "errors";
  return undefined;
}

interface RowMatch {
  name: string;
  rawType: string;
  required?: boolean;
  rest: string;
}

/** Recognises the first line of a table row, in tab or space layout. */
function matchRow(
  line: string,
  kind: TableKind,
  isType: (t: string) => boolean,
): RowMatch | undefined {
  if (line.includes("\t")) {
    const c = line.split("\t").map((x) => x.trim());
    if (!NAME_ONLY.test(c[0] ?? "")) return undefined;
    if (kind === "input" && c.length >= 3 && /^(是|否)$/.test(c[1]!)) {
      return { name: c[0]!, required: c[1] === "是", rawType: c[2]!, rest: c.slice(3).join(" ") };
    }
    if (kind === "struct-req" && c.length >= 3 && /^(是|否)$/.test(c[2]!)) {
      return { name: c[0]!, rawType: c[1]!, required: c[2] === "是", rest: c.slice(3).join(" ") };
    }
    if ((kind === "output" || kind === "struct") && c.length >= 2 && isType(c[1]!)) {
      return { name: c[0]!, rawType: c[1]!, rest: c.slice(2).join(" ") };
    }
    return undefined;
  }
  return matchSpaceRow(line.trim(), kind, isType);
}

const TYPE_RE = String.raw`Array of [A-Za-z0-9_]+|Timestamp ISO8601|[A-Z][A-Za-z0-9_]*`;
const INPUT_ROW = new RegExp(String.raw`^(${NAME}) (是|否) (${TYPE_RE})(?:\s+(.*))?$`);
const STRUCT_REQ_ROW = new RegExp(String.raw`^(${NAME}) (${TYPE_RE}) (是|否)(?:\s+(.*))?$`);
const OUTPUT_ROW = new RegExp(String.raw`^(${NAME}) (${TYPE_RE})(?:\s+(.*))?$`);
const NAME_ONLY = new RegExp(`^${NAME}$`);

/** A space-separated row head (`Name 是 Type desc`, `Name Type 否 desc`, `Name Type desc`). */
function matchSpaceRow(
  l: string,
  kind: TableKind,
  isType: (t: string) => boolean,
): RowMatch | undefined {
  let m: RegExpExecArray | null;
  if (kind === "input") {
    m = INPUT_ROW.exec(l);
    if (m && isType(m[3]!)) {
      return { name: m[1]!, required: m[2] === "是", rawType: m[3]!, rest: m[4] ?? "" };
    }
  } else if (kind === "struct-req") {
    m = STRUCT_REQ_ROW.exec(l);
    if (m && isType(m[2]!)) {
      return { name: m[1]!, rawType: m[2]!, required: m[3] === "是", rest: m[4] ?? "" };
    }
  } else if (kind === "output" || kind === "struct") {
    m = OUTPUT_ROW.exec(l);
    if (m && isType(m[2]!)) return { name: m[1]!, rawType: m[2]!, rest: m[3] ?? "" };
  }
  return undefined;
}

/** An error code alone on its line (its description is on the lines below). */
const ERROR_CODE_ONLY =
  /^((?:AuthFailure|DryRunOperation|FailedOperation|InternalError|InvalidAction|InvalidParameter|InvalidParameterValue|LimitExceeded|MissingParameter|OperationDenied|RequestLimitExceeded|ResourceInUse|ResourceInsufficient|ResourceNotFound|ResourceUnavailable|ResourcesSoldOut|UnauthorizedOperation|UnknownParameter|UnsupportedOperation)(?:\.[A-Za-z0-9_-]+)*)$/;

/**
 * The running footer of a PDF page (`API 网关` then `版权所有：… 第103 共455页`): not a
 * table row, even inside a table that goes on over the page break.
 */
function isPageFurniture(lines: string[], i: number): boolean {
  const t = lines[i]!.trim();
  if (/^版权所有[：:]/.test(t)) return true;
  for (let n = i + 1; n < lines.length && n <= i + 3; n++) {
    const next = lines[n]!.trim();
    if (!next) continue;
    return /^版权所有[：:]/.test(next);
  }
  return false;
}

/** Joins a wrapped line to the text above it: no space inside Chinese text. */
function joinWrapped(above: string, line: string): string {
  if (!above) return line;
  const cjk = /[\u3000-\u9fff\uff00-\uffef]/;
  return cjk.test(above.at(-1)!) || cjk.test(line[0]!) ? above + line : `${above} ${line}`;
}

/** A line that can only be part of a row head: a name, 是/否, type words, no prose. */
const HEAD_PART = new RegExp(`^(?:${NAME}|是|否|of)(?: (?:${NAME}|是|否|of))*$`);

/** Parses the rows of the tables found in `lines[from, to)`. */
function parseTables(
  lines: string[],
  from: number,
  to: number,
  isType: (t: string) => boolean,
): { tables: Map<TableKind, SeedField[]>; errors: Record<string, string> } {
  const tables = new Map<TableKind, SeedField[]>();
  const errors: Record<string, string> = {};
  let kind: TableKind = "none";
  /** The error code whose description wraps onto the lines below it, if any. */
  let wrapped: string | undefined;
  let current: SeedField | undefined;
  let docLines: string[] = [];
  const flush = () => {
    if (!current) return;
    const doc = docLines.join(" ").replace(/\s+/g, " ").trim();
    current.doc = doc;
    current.nullable = /可能返回\s*null/.test(doc);
    const ex = /示例值[：:]\s*(.+?)\s*$/.exec(doc);
    if (ex) current.example = ex[1]!;
    current = undefined;
    docLines = [];
  };
  for (let i = from; i < to; i++) {
    const line = lines[i]!;
    const t = line.trim();
    const h = headerKind(line);
    if (h) {
      flush();
      kind = h;
      wrapped = undefined;
      continue;
    }
    if (/^(\d\. )?(输入参数|输出参数|示例|开发者资源|错误码)$/.test(t) || /^\d\. /.test(t)) {
      flush();
      if (/^\d\. (示例|开发者资源)/.test(t)) kind = "none";
      continue;
    }
    if (kind === "none") continue;
    if (kind === "errors") {
      if (!t || /^https?:\/\//.test(t) || isPageFurniture(lines, i)) continue;
      const m = /^([A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9_-]+)*)(?:\t+|\s+)(.+?)\s*$/.exec(t);
      const bare = ERROR_CODE_ONLY.exec(t);
      if (m && m[1] !== "错误码") {
        errors[m[1]!] = m[2]!.replace(/\t/g, " ");
        wrapped = undefined;
      } else if (bare) {
        // PDF layout: a long description wraps below its code (`InternalError.CamException` /
        // `CAM内部请求错误，…提交工` / `单。`), also across a page break.
        wrapped = bare[1]!;
        errors[wrapped] = "";
      } else if (wrapped !== undefined) {
        errors[wrapped] = joinWrapped(errors[wrapped]!, t);
        if (/[。！？.!?]$/.test(t)) wrapped = undefined; // the description is whole
      }
      continue;
    }
    let row = matchRow(line, kind, isType);
    let last = i;
    if (!row && !line.includes("\t") && /^[A-Z]/.test(t) && HEAD_PART.test(t)) {
      // PDF layout: the row head wraps, e.g. `Name 否` / `Array of` / `Structure desc`.
      let joined = t;
      for (let n = i + 1, k = 0; n < to && k < 3; n++) {
        const next = lines[n]!.trim();
        if (!next || /^https?:\/\//.test(next)) continue;
        k++;
        joined += " " + next;
        row = matchSpaceRow(joined, kind, isType);
        if (row) {
          last = n;
          break;
        }
        if (!HEAD_PART.test(next)) break;
      }
    }
    if (row) {
      flush();
      const f: SeedField = {
        name: fieldName(row.name),
        type: seedType(row.rawType),
        rawType: row.rawType,
        doc: "",
        nullable: false,
      };
      if (row.required !== undefined) f.required = row.required;
      current = f;
      docLines = row.rest ? [row.rest] : [];
      const list = tables.get(kind) ?? [];
      list.push(f);
      tables.set(kind, list);
      i = last;
      continue;
    }
    if (current && t && !/^https?:\/\//.test(t) && t !== "ISO8601") docLines.push(t);
  }
  flush();
  return { tables, errors };
}

/** Parses one seed document's text. */
export function parseSeed(file: string, text: string): SeedDoc | undefined {
  const id = /^([a-z0-9]+)-(\d{4}-\d{2}-\d{2})-/.exec(file);
  if (!id) return undefined;
  const doc: SeedDoc = {
    file,
    service: id[1]!,
    version: id[2]!,
    actions: new Map(),
    structures: new Map(),
  };
  const lines = normalizeLines(text);
  const structStarts = findStructureStarts(lines);
  const structNames = new Set(structStarts.map((s) => s.name));
  const isType = (t: string): boolean => {
    const clean = t.replace(LINK_RE, "$1").trim();
    const a = /^Array of (.+)$/.exec(clean);
    const base = a ? a[1]!.trim() : clean;
    return base in SCALARS || structNames.has(base) || (a !== null && /^[A-Z]\w*$/.test(base));
  };

  const actionStarts: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*1\. 接口描述/.test(lines[i]!)) actionStarts.push(i);
  }
  const structRegion = structStarts.length > 0
    ? Math.min(...structStarts.map((s) => s.line))
    : lines.length;

  for (let k = 0; k < actionStarts.length; k++) {
    const from = actionStarts[k]!;
    let to = k + 1 < actionStarts.length ? actionStarts[k + 1]! : lines.length;
    if (structRegion > from && structRegion < to) to = structRegion;
    const chunk = lines.slice(from, to).join("\n");
    const name = /本接口取值\s*[：:]\s*([A-Za-z0-9_]+)/.exec(chunk)?.[1] ??
      /本接口\s*[（(]\s*([A-Za-z0-9_]+)\s*[）)]/.exec(chunk)?.[1];
    if (!name) continue;
    const host = /接口请求域名\s*[：:]\s*([a-z0-9.-]+\.tencentcloudapi\.com)/.exec(chunk)?.[1];
    if (host) doc.host ??= host;
    const rate = /默认接口请求频率限制\s*[：:]\s*(\d+)\s*次\s*\/\s*秒/.exec(chunk);
    const { tables, errors } = parseTables(lines, from, to, isType);
    const inputs = (tables.get("input") ?? []).filter((f) =>
      !(["Action", "Version", "Region"].includes(f.name) && /公共参数/.test(f.doc))
    );
    // A name the table spells otherwise than the document's own request example sends it
    // (trocket CreateMQTTInstance: the table says `Skucode`, the example and the API `SkuCode`).
    const sent = requestExampleNames(chunk, name);
    for (const f of inputs) f.name = sent.get(f.name.toLowerCase()) ?? f.name;
    const outputs = (tables.get("output") ?? []).filter((f) => f.name !== "RequestId");
    const action: SeedAction = { name, doc: actionDoc(lines, from, to), inputs, outputs, errors };
    if (rate) action.rateLimitPerS = Number(rate[1]);
    doc.actions.set(name, action);
  }

  const sorted = [...structStarts].sort((a, b) => a.line - b.line);
  for (let k = 0; k < sorted.length; k++) {
    const s = sorted[k]!;
    const to = k + 1 < sorted.length ? sorted[k + 1]!.line : lines.length;
    const { tables } = parseTables(lines, s.line + 1, to, isType);
    const fields = [...(tables.get("struct-req") ?? []), ...(tables.get("struct") ?? [])];
    const docLine = lines.slice(s.line + 1, to).map((l) => l.trim())
      .find((l) => l && !/^https?:/.test(l) && !/^被如下接口引用/.test(l)) ?? "";
    const existing = doc.structures.get(s.name);
    if (existing) existing.fields.push(...fields);
    else doc.structures.set(s.name, { name: s.name, doc: docLine, fields });
  }
  return doc;
}

/**
 * The parameter names of an action's request example (`X-TC-Action: <name>` then its JSON
 * body), by lower-case name.
 */
function requestExampleNames(chunk: string, action: string): Map<string, string> {
  const names = new Map<string, string>();
  const at = chunk.indexOf(`X-TC-Action: ${action}`);
  if (at < 0) return names;
  const end = chunk.indexOf("```", at);
  const body = chunk.slice(at, end < 0 ? undefined : end);
  for (const m of body.matchAll(/"([A-Za-z][A-Za-z0-9]*)"\s*:/g)) {
    names.set(m[1]!.toLowerCase(), m[1]!);
  }
  return names;
}

/** The description of an action: the text between the host line and the rate limit. */
function actionDoc(lines: string[], from: number, to: number): string {
  const parts: string[] = [];
  let started = false;
  for (let i = from + 1; i < to; i++) {
    const t = lines[i]!.trim();
    if (/接口请求域名/.test(t)) {
      started = true;
      continue;
    }
    if (!started || !t) continue;
    if (/默认接口请求频率限制|^\d\. |推荐使用 API Explorer/.test(t)) break;
    parts.push(t);
  }
  return parts.join(" ");
}

/** Reads and parses every Tencent Cloud seed (`<service>-<YYYY-MM-DD>-….txt|md`) in `dir`. */
export function readSeeds(dir: string): SeedDoc[] {
  const files = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && /^[a-z0-9]+-\d{4}-\d{2}-\d{2}-.+\.(txt|md)$/.test(e.name))
    .map((e) => e.name).sort();
  const out: SeedDoc[] = [];
  for (const file of files) {
    const seed = parseSeed(file, Deno.readTextFileSync(`${dir}/${file}`));
    if (seed) out.push(seed);
  }
  return out;
}
