/**
 * The pager: a pure core that follows an action's {@link Pagination} in any style. Given the
 * style, the request so far and the last response, it says what the next request is, or that
 * the list is complete, or why paging cannot go on. It does no I/O; the engine sends.
 *
 * - `offset`: the next offset is the previous one plus the items received.
 * - `page`: the next page number is the previous one plus one, from the documented base.
 * - `token`: the next request carries the token the response handed back.
 *
 * Paging values are sent in their declared type (`String` offsets as `"20"`, numbers as
 * integers), the page size is the caller's, else the documented maximum, else 100. The list
 * ends at the total when the API gives one (a page cut short by the server does not end it),
 * else at a short or empty page; a token list ends at an empty token, a `HasMore: false` or an
 * empty page. A server that never ends is stopped after {@link MAX_PAGES} pages with an error.
 *
 * @example
 * ```ts
 * import { firstPage, nextPage } from "./pager.ts";
 * import type { Pagination } from "./types.ts";
 * const p: Pagination = {
 *   style: "page", offset: "PageNumber", offsetType: "Integer", limit: "PageSize",
 *   limitType: "Integer", base: 1, total: "TotalCount", list: "Items",
 * };
 * const first = firstPage(p, { PageSize: 2 });
 * first.request.PageNumber; // 1n
 * const step = nextPage(p, first.state, { Items: [1, 2], TotalCount: 3 });
 * step.kind === "next" && step.request.PageNumber; // 2n
 * ```
 *
 * @module
 */

import { stringifyJson } from "../json.ts";
import type { Pagination } from "./types.ts";

/** Most pages one paginated call follows before it fails (a server that never ends). */
export const MAX_PAGES = 100_000;

/** Where paging stands between two requests. */
export interface PagerState {
  /** The request just sent (or about to be sent). */
  request: Record<string, unknown>;
  /** Pages received so far. */
  pages: number;
  /** Items received so far. */
  items: number;
  /** Item offset (`offset`) or page number (`page`) of the request just sent. */
  position: bigint;
  /** Page size sent, when the action takes one. */
  size: bigint | undefined;
  /** Token sent (`token` style), `undefined` on the first request. */
  token: unknown;
}

/** What follows a page. */
export type PageStep =
  | { kind: "next"; request: Record<string, unknown>; state: PagerState; items: unknown[] }
  | { kind: "done"; items: unknown[] }
  | { kind: "error"; message: string; items: unknown[] };

/** Options of the pager. */
export interface PagerOptions {
  /** Most pages before failing; default {@link MAX_PAGES}. */
  maxPages?: number;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

/** An integer given as a bigint, a whole number or a decimal string. */
export function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^\s*-?\d{1,30}\s*$/.test(value)) return BigInt(value.trim());
  return undefined;
}

/** A paging value in the field's declared type: `String` → `"20"`, numbers → `20n`. */
function typed(value: bigint, type: string): unknown {
  return type === "String" ? String(value) : value;
}

/** The structure that holds the paging fields of a request (the request, or `Filter`). */
function holderOf(p: Pagination, request: Record<string, unknown>): Record<string, unknown> {
  return p.in === undefined ? request : asRecord(request[p.in]);
}

function withPaging(
  p: Pagination,
  request: Record<string, unknown>,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const holder = { ...holderOf(p, request) };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) delete holder[name];
    else holder[name] = value;
  }
  return p.in === undefined ? holder : { ...request, [p.in]: holder };
}

/** The response structure that holds the list and total (the response, or `Result`). */
function listHolder(p: Pagination, response: Record<string, unknown>): Record<string, unknown> {
  return p.within === undefined ? response : asRecord(response[p.within]);
}

/** The items of one page's response (an absent or `null` list is empty). */
export function pageItems(p: Pagination, response: Record<string, unknown>): unknown[] {
  const list = listHolder(p, response)[p.list];
  return Array.isArray(list) ? list : [];
}

/** The total the response reports, if the action has one and the response holds it. */
export function pageTotal(p: Pagination, response: Record<string, unknown>): bigint | undefined {
  return p.total === "" ? undefined : toBigInt(listHolder(p, response)[p.total]);
}

function at(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.split(".")) v = asRecord(v)[part];
  return v;
}

function isEmptyToken(token: unknown): boolean {
  return token === undefined || token === null || token === "" ||
    (Array.isArray(token) && token.length === 0);
}

/**
 * The first request: the caller's parameters with the paging fields filled. A starting
 * offset, page or token the caller gives is kept, so is a page size.
 */
export function firstPage(
  p: Pagination,
  params: Record<string, unknown>,
): { request: Record<string, unknown>; state: PagerState } {
  const given = holderOf(p, params);
  let size: bigint | undefined;
  if (p.limit !== "") {
    const own = toBigInt(given[p.limit]);
    size = own !== undefined && own > 0n ? own : BigInt(p.maxLimit ?? 100);
  }
  const sizeField = p.limit === "" || size === undefined
    ? {}
    : { [p.limit]: typed(size, p.limitType) };
  if (p.style === "token") {
    const token = isEmptyToken(given[p.offset]) ? undefined : given[p.offset];
    const request = withPaging(p, params, { ...sizeField, [p.offset]: token });
    return { request, state: { request, pages: 0, items: 0, position: 0n, size, token } };
  }
  const start = p.style === "page" ? BigInt(p.base ?? 1) : 0n;
  const position = toBigInt(given[p.offset]) ?? start;
  const request = withPaging(p, params, {
    ...sizeField,
    [p.offset]: typed(position, p.offsetType),
  });
  return { request, state: { request, pages: 0, items: 0, position, size, token: undefined } };
}

/**
 * Given the state after a request and its response, the next request, or done, or an error.
 * `items` is the page's items (to concatenate).
 */
export function nextPage(
  p: Pagination,
  state: PagerState,
  response: Record<string, unknown>,
  options: PagerOptions = {},
): PageStep {
  const items = pageItems(p, response);
  const n = BigInt(items.length);
  const total = pageTotal(p, response);
  const pages = state.pages + 1;
  const received = state.items + items.length;
  const more = p.more === undefined ? undefined : listHolder(p, response)[p.more];
  if (n === 0n || more === false) return { kind: "done", items };
  const short = state.size !== undefined && n < state.size;
  const advance = (fields: Record<string, unknown>, next: Partial<PagerState>): PageStep => {
    if (pages >= (options.maxPages ?? MAX_PAGES)) {
      return {
        kind: "error",
        items,
        message: `stopped after ${pages} pages (${received} items) without reaching the end ` +
          `of ${p.list}: the API kept answering more pages`,
      };
    }
    const request = withPaging(p, state.request, fields);
    return {
      kind: "next",
      items,
      request,
      state: { ...state, ...next, request, pages, items: received },
    };
  };

  if (p.style === "token") {
    const token = at(response, p.next ?? p.offset);
    if (isEmptyToken(token)) return { kind: "done", items };
    if (total !== undefined && BigInt(received) >= total) return { kind: "done", items };
    if (state.token !== undefined && stringifyJson(token) === stringifyJson(state.token)) {
      return {
        kind: "error",
        items,
        message: `the API answered the same ${p.next ?? p.offset} twice (page ${pages}): ` +
          "paging would never end",
      };
    }
    return advance({ [p.offset]: token }, { token });
  }

  if (p.style === "offset") {
    const offset = state.position + n;
    if (total !== undefined ? offset >= total : short) return { kind: "done", items };
    return advance({ [p.offset]: typed(offset, p.offsetType) }, { position: offset });
  }

  // Page numbers: what was read so far, counted from the first page.
  const page = state.position + 1n;
  if (total !== undefined) {
    const seen = state.size !== undefined
      ? (state.position - BigInt(p.base ?? 1)) * state.size + n
      : BigInt(received);
    if (seen >= total) return { kind: "done", items };
    if (short) {
      return {
        kind: "error",
        items,
        message: `page ${state.position} of ${p.list} held ${n} items for ${p.limit} ` +
          `${state.size} while ${p.total} is ${total}: the API caps the page size below ` +
          `${state.size}, so the next page number would skip items; give ${p.limit}: ${n} ` +
          "in `with:`",
      };
    }
  } else if (short) return { kind: "done", items };
  return advance({ [p.offset]: typed(page, p.offsetType) }, { position: page });
}

/** The last response with the list replaced by every page's items. */
export function joinPages(
  p: Pagination,
  last: Record<string, unknown>,
  items: unknown[],
): Record<string, unknown> {
  if (p.within === undefined) return { ...last, [p.list]: items };
  return { ...last, [p.within]: { ...listHolder(p, last), [p.list]: items } };
}

/**
 * The request parameters the pager fills, as paths (`Offset`, `Filter.Limit`): a step with
 * `paginate: true` need not give them.
 */
export function pagingParams(p: Pagination): string[] {
  const names = p.limit === "" ? [p.offset] : [p.offset, p.limit];
  return p.in === undefined ? names : names.map((n) => `${p.in}.${n}`);
}

/** `Offset/Limit → TotalCount, list VpcSet`: one line for `actions describe` and errors. */
export function describePaging(p: Pagination): string {
  const field = (name: string, type: string) => type === "" ? name : `${name} (${type})`;
  const where = (name: string) => p.in === undefined ? name : `${p.in}.${name}`;
  const inside = (name: string) => p.within === undefined ? name : `${p.within}.${name}`;
  const parts = [
    p.style === "offset"
      ? "item offset"
      : p.style === "page"
      ? `page number from ${p.base ?? 1}`
      : "token",
    `${field(where(p.offset), p.offsetType)}`,
  ];
  if (p.limit !== "") {
    parts.push(
      `size ${field(where(p.limit), p.limitType)} ${
        p.maxLimit === undefined ? "(max not documented, 100 used)" : `max ${p.maxLimit}`
      }`,
    );
  }
  parts.push(`list ${inside(p.list)}`);
  if (p.total !== "") parts.push(`total ${inside(p.total)}`);
  if (p.next !== undefined) parts.push(`next token ${p.next}`);
  if (p.more !== undefined) parts.push(`more flag ${inside(p.more)}`);
  return parts.join(", ");
}
