/**
 * The generic emulator's paging: one page of a list, in the action's own paging style as the
 * catalog classifies it (`offset`, `page` from its base, `token`; fields inside a request
 * structure, list and total inside a response structure, a next-token path, a "more" flag),
 * with each paging value in its declared type.
 *
 * @module
 */
import { toBigInt } from "../catalog/pager.ts";
import type { Pagination, TypeName } from "../catalog/types.ts";
import { ApiError } from "./service.ts";

/** The page size when the request gives none (Tencent Cloud's usual default). */
export const DEFAULT_PAGE_SIZE = 20;

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

function number(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = toBigInt(value);
  if (n === undefined) {
    throw new ApiError(
      "InvalidParameterValue",
      `The value of parameter \`${name}\` must be an integer: got ${JSON.stringify(value)}.`,
    );
  }
  return Number(n);
}

/** A value in a declared type: `String` → `"20"`, `String[]` → `["20"]`, else a number. */
function typed(value: number, type: TypeName | undefined): unknown {
  if (type === "String") return String(value);
  if (type === "String[]") return [String(value)];
  return value;
}

/** The start item a token stands for (`tok-40`, `40`, `["40"]`, 40); 0 for none. */
function tokenStart(token: unknown, name: string): number {
  if (token === undefined || token === null || token === "") return 0;
  const text = Array.isArray(token) ? String(token[0] ?? "") : String(token);
  const match = /^(?:tok-)?(\d+)$/.exec(text);
  if (match === null) {
    throw new ApiError(
      "InvalidParameterValue",
      `The value of parameter \`${name}\` is not a token this API handed out: ${
        JSON.stringify(token)
      }.`,
    );
  }
  return Number(match[1]);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = asRecord(node[part]);
    node[part] = next;
    node = next;
  }
  node[parts.at(-1)!] = value;
}

/**
 * Writes one page of `items` into `response` following `p`: the list (and total, more flag,
 * next token) where the action's response holds them. `typeAt` gives the declared type of a
 * response path (`TotalCount`, `Data.Context`).
 *
 * @throws {ApiError} `InvalidParameterValue` for a negative offset, a page before the first,
 * a page size above the documented maximum or a token not handed out
 */
export function writePage(
  p: Pagination,
  request: Record<string, unknown>,
  items: readonly unknown[],
  response: Record<string, unknown>,
  typeAt: (path: string) => TypeName | undefined,
): void {
  const holder = p.in === undefined ? request : asRecord(request[p.in]);
  const where = (name: string) => p.in === undefined ? name : `${p.in}.${name}`;
  const asked = p.limit === "" ? undefined : number(holder[p.limit], where(p.limit));
  const size = asked === undefined || asked <= 0 ? DEFAULT_PAGE_SIZE : asked;
  if (p.maxLimit !== undefined && size > p.maxLimit) {
    throw new ApiError(
      "InvalidParameterValue",
      `The value of parameter \`${
        where(p.limit)
      }\` must be between 1 and ${p.maxLimit}: got ${size}.`,
    );
  }
  let start: number;
  if (p.style === "offset") {
    start = number(holder[p.offset], where(p.offset)) ?? 0;
    if (start < 0) {
      throw new ApiError(
        "InvalidParameterValue",
        `The value of parameter \`${where(p.offset)}\` must be >= 0: got ${start}.`,
      );
    }
  } else if (p.style === "page") {
    const base = p.base ?? 1;
    const pageNo = number(holder[p.offset], where(p.offset)) ?? base;
    if (pageNo < base) {
      throw new ApiError(
        "InvalidParameterValue",
        `The value of parameter \`${where(p.offset)}\` must be >= ${base}: got ${pageNo}.`,
      );
    }
    start = (pageNo - base) * size;
  } else {
    start = tokenStart(holder[p.offset], where(p.offset));
  }
  const end = start + size;
  const more = end < items.length;
  const inside = (name: string) => p.within === undefined ? name : `${p.within}.${name}`;
  setPath(response, inside(p.list), items.slice(start, end));
  if (p.total !== "") {
    setPath(response, inside(p.total), typed(items.length, typeAt(inside(p.total))));
  }
  if (p.more !== undefined) setPath(response, inside(p.more), more);
  if (p.style === "token") {
    const path = p.next ?? p.offset;
    const type = typeAt(path);
    const token = !more
      ? (type === "String" ? "" : type === "String[]" ? [] : null)
      : type === "String"
      ? `tok-${end}`
      : typed(end, type);
    setPath(response, path, token);
  }
}
