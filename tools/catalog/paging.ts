/**
 * Classifies how an action pages, from its request and response fields and their
 * documentation (the SDK's comments): the style (item offset, page number, token), the
 * request fields with their declared types, the page base, the documented largest page size,
 * the list that is concatenated, and the total, token or "has more" field that ends it.
 *
 * An action is a paging candidate when its request has a position parameter (`Offset`,
 * `PageNumber`, `NextToken` …), at the top or inside one structure parameter (`Filter.Offset`).
 * A candidate either gets a {@link Pagination} or a reason why `paginate: true` cannot follow
 * it (`notPageable`). Deprecated fields are never used.
 *
 * @module
 */

import type { Field, Pagination, Structure } from "../../lib/catalog/types.ts";

/** Request fields holding a token handed back by the previous response. */
const TOKEN_FIELDS = [
  "NextToken",
  "Context",
  "Cursor",
  "NextCursor",
  "ScrollToken",
  "ScrollId",
  "SearchAfter",
  "PageToken",
  "Marker",
  "NextMarker",
];
/** Request fields holding a page number (besides an `Offset` documented as one). */
const PAGE_FIELDS = ["PageNumber", "PageNum", "PageNo", "PageIndex", "Page", "CurrentPage"];
/** Request fields holding the page size, in order of preference. */
const SIZE_FIELDS = ["Limit", "PageSize", "MaxResults", "MaxItems", "Size", "Rp", "Length"];
/** Response fields holding the total number of items. */
const TOTAL = /^(Total|TotalCount|TotalNum|TotalNumber|TotalCnt|TotalItems|TotalRecords|Totals)$/;
/** Response booleans that are false on the last page. */
const MORE_FIELDS = ["HasMore", "IsTruncated", "HasNext", "HasNextPage"];
const NUMERIC = new Set(["Integer", "Number", "String"]);

/** Where the raw (unsummarised) documentation of a field comes from. */
export type RawDoc = (owner: "request" | "response" | string, field: string) => string | undefined;

/** What {@link classifyPaging} needs. */
export interface PagingInput {
  inputs: Field[];
  outputs: Field[];
  structures: Record<string, Structure>;
  /** Raw documentation, when known; else each field's summary `doc` is used. */
  rawDoc?: RawDoc;
}

/** The classification: pageable, a candidate that is not, or not a candidate (`undefined`). */
export type PagingClass = { pagination: Pagination } | { notPageable: string } | undefined;

/** Plain text of a documentation comment (tags and entities removed). */
function plain(doc: string): string {
  return doc.replace(/<[^>]{0,200}>/g, " ").replace(/&nbsp;/g, " ").replace(/\*\*/g, "");
}

/**
 * The largest page size a size parameter's documentation states: `最大值为100`, `最大支持50`,
 * `不超过1000`, `上限 100`, `取值范围：[1, 100]`, `1-100`, `maximum 100`.
 */
export function maxLimitOf(doc: string): number | undefined {
  const text = plain(doc);
  const max =
    /(?:最大(?:值|支持|可设置为|取值|可取|可填|返回|不超过)*|不超过|不能超过|不得超过|不可超过|上限(?:为|是)?|最多(?:返回|支持|获取|可以?返回)?|max(?:imum)?(?:\s+is)?)\s*(?:为|是|:|：|=)?\s*(\d{1,5})/i
      .exec(text);
  if (max) return Number(max[1]);
  const range =
    /(?:取值范围|范围|取值)\s*(?:为|是|:|：)?\s*[[［(（]?\s*\d{1,5}\s*(?:-|~|～|,|，|到|至)\s*(\d{1,5})/
      .exec(text);
  return range ? Number(range[1]) : undefined;
}

/** Whether an `Offset` parameter's documentation says it is a page number, not an item offset. */
export function offsetIsPageNumber(doc: string): boolean {
  const text = plain(doc);
  if (/偏移|offset\s*=\s*limit/i.test(text)) return false;
  return /页码|页号|页编号|第几页|页数|页索引|分页序号|page\s*(number|no|index)/i.test(text);
}

/** The documented number of the first page: 0 when the doc says so, else 1. */
export function pageBaseOf(doc: string): number {
  const text = plain(doc);
  return /从\s*0\s*开始|第\s*0\s*页|起始(?:值|页)?(?:为|是|:|：)?\s*0(?!\d)|默认(?:值)?(?:为|是|:|：)?\s*0(?![\d.])|0\s*(?:表示|代表|为)第一页|(?:第一页|首页)\s*(?:为|是|:|：)?\s*0(?!\d)|starts?\s+(?:at|from)\s+0/i
      .test(text)
    ? 0
    : 1;
}

/** A request holder: the top-level parameters, or one structure parameter (`Filter`). */
interface Holder {
  in?: string;
  owner: string;
  fields: Field[];
}

function usable(fields: Field[]): Field[] {
  return fields.filter((f) => !f.deprecated);
}

function isArray(f: Field): boolean {
  return f.type.endsWith("[]");
}

function findHolder(input: PagingInput): Holder | undefined {
  const positions = [...TOKEN_FIELDS, ...PAGE_FIELDS, "Offset"];
  const has = (fields: Field[]) => usable(fields).some((f) => positions.includes(f.name));
  if (has(input.inputs)) return { owner: "request", fields: usable(input.inputs) };
  const nested = usable(input.inputs).filter((f) =>
    !isArray(f) && has(input.structures[f.type]?.fields ?? [])
  );
  if (nested.length !== 1) return undefined;
  const f = nested[0]!;
  return { in: f.name, owner: f.type, fields: usable(input.structures[f.type]!.fields) };
}

/** The response fields that may hold the list: the top level, or one wrapping structure. */
interface ResponseHolder {
  within?: string;
  owner: string;
  fields: Field[];
}

function responseHolders(input: PagingInput): ResponseHolder[] {
  const holders: ResponseHolder[] = [{ owner: "response", fields: usable(input.outputs) }];
  for (const f of usable(input.outputs)) {
    const s = input.structures[f.type];
    if (s !== undefined && !isArray(f)) {
      holders.push({ within: f.name, owner: s.name, fields: usable(s.fields) });
    }
  }
  return holders;
}

/**
 * Classifies one action's paging. `undefined`: the request has no position parameter.
 */
export function classifyPaging(input: PagingInput): PagingClass {
  const located = findHolder(input);
  if (located === undefined) {
    const nested = usable(input.inputs).filter((f) =>
      (input.structures[f.type]?.fields ?? []).some((g) => g.name === "Offset")
    );
    return nested.length > 1
      ? {
        notPageable: `paging fields in several request structures (${
          nested.map((f) => f.name).join(", ")
        })`,
      }
      : undefined;
  }
  let holder: Holder = located;
  const doc = (owner: string, f: Field) => input.rawDoc?.(owner, f.name) ?? f.doc ?? "";
  const field = (name: string) => holder.fields.find((f) => f.name === name);
  let size = SIZE_FIELDS.map(field).find((f) => f !== undefined);
  const offset = field("Offset");
  const page = PAGE_FIELDS.map(field).find((f) => f !== undefined);
  const token = TOKEN_FIELDS.map(field).find((f) => f !== undefined);

  // The position: an item offset, a page number, or a token.
  let style: Pagination["style"];
  let position: Field;
  if (offset !== undefined && (size !== undefined || token === undefined)) {
    position = offset;
    style = offsetIsPageNumber(doc(holder.owner, offset)) ? "page" : "offset";
  } else if (page !== undefined) {
    position = page;
    style = "page";
  } else if (token !== undefined) {
    position = token;
    style = "token";
  } else {
    position = offset!;
    style = "offset";
  }
  // A page parameter that is a structure of its own (cpdp `PageNumber: Paging {Index, Count}`).
  const inner = holder.in === undefined ? input.structures[position.type] : undefined;
  if (style !== "token" && inner !== undefined) {
    const fields = usable(inner.fields);
    const index = fields.find((f) => ["Index", ...PAGE_FIELDS].includes(f.name));
    const count = fields.find((f) => ["Count", ...SIZE_FIELDS].includes(f.name));
    if (index !== undefined && count !== undefined) {
      holder = { in: position.name, owner: inner.name, fields };
      position = index;
      size = count;
      style = "page";
    }
  }
  if (style !== "token" && !NUMERIC.has(position.type)) {
    return { notPageable: `${position.name} is declared ${position.type}, not a number` };
  }
  if (style === "offset" && size === undefined) {
    return { notPageable: `${position.name} without a page-size parameter` };
  }
  if (size !== undefined && !NUMERIC.has(size.type)) {
    return { notPageable: `page size ${size.name} is declared ${size.type}, not a number` };
  }

  // The response: where the list is, its total, token and "has more" fields.
  const found = pickList(input, style === "token" ? position.name : undefined);
  if (typeof found === "string") return { notPageable: found };
  const p: Pagination = {
    style,
    offset: position.name,
    offsetType: position.type,
    limit: size?.name ?? "",
    limitType: size?.type ?? "",
    total: found.total ?? "",
    list: found.list,
  };
  if (holder.in !== undefined) p.in = holder.in;
  if (style === "page") p.base = pageBaseOf(doc(holder.owner, position));
  if (found.within !== undefined) p.within = found.within;
  if (style === "token") {
    if (found.next === undefined) {
      return { notPageable: `no ${position.name} (or Next${position.name}) in the response` };
    }
    p.next = found.next;
  }
  if (found.more !== undefined) p.more = found.more;
  const max = size === undefined ? undefined : maxLimitOf(doc(holder.owner, size));
  if (max !== undefined && max > 0) p.maxLimit = max;
  return { pagination: p };
}

interface Found {
  within?: string;
  list: string;
  total?: string;
  next?: string;
  more?: string;
}

/** The response's list (and its total, token, "more" flag), or why there is none. */
function pickList(input: PagingInput, tokenName: string | undefined): Found | string {
  const holders = responseHolders(input).filter((h) => h.fields.some(isArray));
  if (holders.length === 0) return "no list in the response";
  const top = holders.find((h) => h.within === undefined);
  // A total by its name, or a `Count` its documentation calls the total (cpdp "总数").
  const totalOf = (h: ResponseHolder) =>
    h.fields.find((f) => TOTAL.test(f.name) && NUMERIC.has(f.type) && !isArray(f)) ??
      h.fields.find((f) =>
        f.name === "Count" && NUMERIC.has(f.type) &&
        /总数|总条数|总量|总记录数/.test(input.rawDoc?.(h.owner, f.name) ?? f.doc ?? "")
      );
  let holder: ResponseHolder;
  const wrapped = holders.filter((h) => h.within !== undefined);
  if (top !== undefined && (totalOf(top) !== undefined || wrapped.length === 0)) holder = top;
  else {
    const withTotal = wrapped.filter((h) => totalOf(h) !== undefined);
    if (withTotal.length === 1) holder = withTotal[0]!;
    else if (top !== undefined) holder = top;
    else if (wrapped.length === 1) holder = wrapped[0]!;
    else return `lists in several response structures (${wrapped.map((h) => h.within).join(", ")})`;
  }
  const total = totalOf(holder);
  const list = bestList(input, holder, total);
  const found: Found = { list: list.name };
  if (holder.within !== undefined) found.within = holder.within;
  if (total !== undefined) found.total = total.name;
  if (tokenName !== undefined) {
    const names = [tokenName, `Next${tokenName}`, tokenName.replace(/^Next/, ""), "NextToken"];
    const tops = usable(input.outputs);
    for (const name of names) {
      const beside = holder.fields.find((f) => f.name === name);
      const atTop = tops.find((f) => f.name === name);
      if (beside !== undefined) {
        found.next = holder.within === undefined ? name : `${holder.within}.${name}`;
      } else if (atTop !== undefined) found.next = name;
      if (found.next !== undefined) break;
    }
  }
  const more = MORE_FIELDS.map((n) => holder.fields.find((f) => f.name === n))
    .find((f) => f !== undefined && f.type === "Boolean");
  if (more !== undefined) found.more = more.name;
  return found;
}

/** CJK bigrams of a text, the nouns two documentation comments may share. */
function bigrams(text: string): Set<string> {
  const out = new Set<string>();
  const cjk = text.replace(/[^\u4e00-\u9fff]/g, " ");
  for (const word of cjk.split(/\s+/)) {
    for (let i = 0; i + 2 <= word.length; i++) out.add(word.slice(i, i + 2));
  }
  for (const generic of ["总数", "数量", "个数", "条数", "符合", "条件", "返回", "查询", "结果"]) {
    out.delete(generic);
  }
  return out;
}

/**
 * The documented list among several arrays: the one whose documentation shares the most
 * words with the total's ("机器列表总数量" → `Quuids` "机器列表"), then arrays of structures,
 * named `…List`/`…Set`, documented as a list (列表, 集合, 详情); never one the documentation
 * says to ignore.
 */
function bestList(input: PagingInput, holder: ResponseHolder, total: Field | undefined): Field {
  const arrays = holder.fields.filter(isArray);
  if (arrays.length === 1) return arrays[0]!;
  const doc = (f: Field) => plain(input.rawDoc?.(holder.owner, f.name) ?? f.doc ?? "");
  const totalWords = total === undefined ? new Set<string>() : bigrams(doc(total));
  let best = arrays[0]!;
  let bestScore = -Infinity;
  for (const f of arrays) {
    const d = doc(f);
    let score = 0;
    for (const w of bigrams(d)) if (totalWords.has(w)) score += 3;
    if (input.structures[f.type.replace(/(\[\])+$/, "")] !== undefined) score += 2;
    if (/(List|Set|s)$/.test(f.name)) score += 1;
    if (/列表|集合|详情|详细|信息/.test(d)) score += 1;
    if (/忽略|表头|列名/.test(d)) score -= 3;
    if (score > bestScore) {
      best = f;
      bestScore = score;
    }
  }
  return best;
}
