import assert from "node:assert/strict";
import { firstPage, joinPages, nextPage, pagingParams, toBigInt } from "./pager.ts";
import type { Pagination } from "./types.ts";

/**
 * A server answering the way each paging style's APIs do, over `data`: offsets count items,
 * page numbers count pages from `base`, tokens name the next item. `cap` is the largest page
 * it serves whatever is asked (an undocumented limit).
 */
function server(
  p: Pagination,
  data: unknown[],
  opts: { cap?: number; total?: boolean; sameToken?: boolean; endless?: boolean } = {},
) {
  return (request: Record<string, unknown>): Record<string, unknown> => {
    const holder = (p.in === undefined ? request : request[p.in]) as Record<string, unknown>;
    let size = p.limit === "" ? 10 : Number(toBigInt(holder[p.limit]) ?? 10n);
    size = Math.min(size, opts.cap ?? Infinity);
    let start: number;
    if (p.style === "offset") start = Number(toBigInt(holder[p.offset]) ?? 0n);
    else if (p.style === "page") {
      start = (Number(toBigInt(holder[p.offset]) ?? BigInt(p.base ?? 1)) - (p.base ?? 1)) * size;
    } else start = holder[p.offset] === undefined ? 0 : Number(String(holder[p.offset]).slice(1));
    if (opts.endless) start = 0;
    const items = data.slice(start, start + size);
    const fields: Record<string, unknown> = { [p.list]: items };
    if (opts.total !== false && p.total !== "") fields[p.total] = data.length;
    if (p.more !== undefined) fields[p.more] = start + size < data.length;
    const response: Record<string, unknown> = p.within === undefined
      ? fields
      : { [p.within]: fields };
    if (p.next !== undefined) {
      const next = start + size < data.length ? `t${start + size}` : "";
      const token = opts.sameToken ? "t1" : next;
      const parts = p.next.split(".");
      const holder = parts.length === 1 ? response : response[parts[0]!] as Record<string, unknown>;
      holder[parts.at(-1)!] = token;
    }
    return response;
  };
}

/** Runs the pager against a server: every request sent, the joined response or the error. */
function drive(
  p: Pagination,
  serve: (r: Record<string, unknown>) => Record<string, unknown>,
  params: Record<string, unknown> = {},
  maxPages?: number,
) {
  let { request, state } = firstPage(p, params);
  const requests: Array<Record<string, unknown>> = [];
  const items: unknown[] = [];
  for (let i = 0; i < 1000; i++) {
    requests.push(request);
    const response = serve(request);
    const step = nextPage(p, state, response, maxPages === undefined ? {} : { maxPages });
    items.push(...step.items);
    if (step.kind === "error") return { requests, items, error: step.message };
    if (step.kind === "done") return { requests, items, response: joinPages(p, response, items) };
    ({ request, state } = step);
  }
  throw new Error("the pager did not stop within 1000 pages");
}

const data = Array.from({ length: 250 }, (_, i) => ({ Id: `i-${i}` }));
const base = { offsetType: "Integer", limitType: "Integer", total: "TotalCount", list: "Items" };

Deno.test("offset: String-declared Offset/Limit are sent as strings (vpc.DescribeVpcs)", () => {
  const p: Pagination = {
    ...base,
    style: "offset",
    offset: "Offset",
    offsetType: "String",
    limit: "Limit",
    limitType: "String",
    maxLimit: 100,
  };
  const run = drive(p, server(p, data));
  assert.deepEqual(run.requests.map((r) => [r.Offset, r.Limit]), [
    ["0", "100"],
    ["100", "100"],
    ["200", "100"],
  ]);
  assert.deepEqual(run.items, data);
});

Deno.test("offset: a page the server cuts short does not end the list while the total says more", () => {
  const p: Pagination = { ...base, style: "offset", offset: "Offset", limit: "Limit" };
  const run = drive(p, server(p, data, { cap: 40 }));
  assert.deepEqual(run.items, data);
  assert.deepEqual(run.requests.map((r) => r.Offset), [0n, 40n, 80n, 120n, 160n, 200n, 240n]);
});

Deno.test("offset: without a total, a short page ends; the caller's Offset and Limit are kept", () => {
  const p: Pagination = { ...base, style: "offset", offset: "Offset", limit: "Limit", total: "" };
  const run = drive(p, server(p, data), { Offset: 30n, Limit: 100n });
  assert.deepEqual(run.requests.map((r) => r.Offset), [30n, 130n, 230n]);
  assert.deepEqual(run.items, data.slice(30));
});

Deno.test("page: Offset as a page number from 0 reads every item (sqlserver.DescribeDBInstances)", () => {
  const p: Pagination = {
    ...base,
    style: "page",
    offset: "Offset",
    limit: "Limit",
    base: 0,
    list: "DBInstances",
    maxLimit: 100,
  };
  const run = drive(p, server(p, data));
  assert.deepEqual(run.requests.map((r) => r.Offset), [0n, 1n, 2n]);
  assert.deepEqual(run.items, data);
  assert.equal((run.response!.DBInstances as unknown[]).length, 250);
});

Deno.test("page: PageNumber from 1, a starting page of the caller's, no total", () => {
  const p: Pagination = {
    ...base,
    style: "page",
    offset: "PageNumber",
    limit: "PageSize",
    base: 1,
    total: "",
  };
  const run = drive(p, server(p, data), { PageSize: 50, PageNumber: 3 });
  // The fifth page is full: without a total only an empty sixth page shows the end.
  assert.deepEqual(run.requests.map((r) => r.PageNumber), [3n, 4n, 5n, 6n]);
  assert.deepEqual(run.items, data.slice(100));
});

Deno.test("page: a server capping the page size is an error naming the size, not a silent gap", () => {
  const p: Pagination = { ...base, style: "page", offset: "PageNo", limit: "PageSize", base: 1 };
  const run = drive(p, server(p, data, { cap: 50 }));
  assert.match(run.error ?? "", /held 50 items for PageSize 100 while TotalCount is 250/);
  assert.match(run.error ?? "", /give PageSize: 50/);
});

Deno.test("page: paging fields inside a request structure (Filter.PageNum) and a wrapped list", () => {
  const p: Pagination = {
    ...base,
    style: "page",
    offset: "PageNum",
    limit: "PageSize",
    base: 1,
    in: "Filter",
    within: "Data",
    total: "Total",
  };
  const run = drive(p, server(p, data), { Filter: { Name: "x" } });
  assert.deepEqual(run.requests[1], { Filter: { Name: "x", PageNum: 2n, PageSize: 100n } });
  assert.deepEqual((run.response!.Data as Record<string, unknown>).Items, data);
  assert.deepEqual(pagingParams(p), ["Filter.PageNum", "Filter.PageSize"]);
});

Deno.test("token: NextToken until empty; no token on the first request", () => {
  const p: Pagination = {
    ...base,
    style: "token",
    offset: "NextToken",
    offsetType: "String",
    limit: "MaxResults",
    next: "NextToken",
    maxLimit: 100,
  };
  const run = drive(p, server(p, data));
  assert.deepEqual(run.requests.map((r) => r.NextToken), [undefined, "t100", "t200"]);
  assert.equal("NextToken" in run.requests[0]!, false);
  assert.deepEqual(run.items, data);
});

Deno.test("token: Cursor → NextCursor with HasMore, no total", () => {
  const p: Pagination = {
    ...base,
    style: "token",
    offset: "Cursor",
    offsetType: "String",
    limit: "Limit",
    total: "",
    next: "NextCursor",
    more: "HasMore",
  };
  const run = drive(p, server(p, data), { Limit: 70 });
  assert.deepEqual(run.items, data);
  assert.equal(run.requests.length, 4);
});

Deno.test("token: the same token twice is an error, not an endless loop", () => {
  const p: Pagination = {
    ...base,
    style: "token",
    offset: "Context",
    offsetType: "String",
    limit: "Limit",
    total: "",
    next: "Context",
  };
  const run = drive(p, server(p, data, { sameToken: true }));
  assert.match(run.error ?? "", /answered the same Context twice/);
});

Deno.test("a server that never ends stops at the page cap with an error", () => {
  const p: Pagination = { ...base, style: "offset", offset: "Offset", limit: "Limit", total: "" };
  const run = drive(p, server(p, data, { endless: true }), {}, 5);
  assert.equal(run.requests.length, 5);
  assert.match(run.error ?? "", /stopped after 5 pages \(500 items\)/);
});

Deno.test("a numeric token (read as a bigint) pages on, and a repeated one is an error", () => {
  const p: Pagination = {
    style: "token",
    offset: "NextCursor",
    offsetType: "Number",
    limit: "MaxResults",
    limitType: "Number",
    total: "",
    list: "Events",
    next: "NextCursor",
  };
  const first = firstPage(p, {});
  const step = nextPage(p, first.state, { Events: [1, 2], NextCursor: 2n });
  assert.equal(step.kind, "next");
  if (step.kind !== "next") return;
  assert.equal(step.request.NextCursor, 2n);
  const again = nextPage(p, step.state, { Events: [3], NextCursor: 2n });
  assert.equal(again.kind, "error");
});

Deno.test("token: the total ends the list even when the last page still hands a token (no extra request at a multiple of the page size)", () => {
  const p: Pagination = {
    ...base,
    style: "token",
    offset: "NextToken",
    offsetType: "String",
    limit: "MaxResults",
    next: "NextToken",
  };
  const four = data.slice(0, 4);
  // A server that always hands the next token, even past the end: only the total tells.
  const serve = (request: Record<string, unknown>) => {
    const start = request.NextToken === undefined ? 0 : Number(String(request.NextToken).slice(1));
    return { Items: four.slice(start, start + 2), TotalCount: 4, NextToken: `t${start + 2}` };
  };
  const run = drive(p, serve, { MaxResults: 2 });
  assert.deepEqual(run.requests.map((r) => r.NextToken), [undefined, "t2"]);
  assert.deepEqual(run.items, four);
});
