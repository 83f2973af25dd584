/**
 * The paging table over the whole catalog: every action that takes a paging parameter has a
 * known style or a reason (independently of the classifier's own notion of a candidate), each
 * style's fields agree with the action's declared request and response types, and the pager
 * reads every item of each pageable action from responses shaped like the action's response
 * (its list, total, token and "more" fields, nested where the action nests them).
 */
import assert from "node:assert/strict";
import { catalogIndex, serviceVersion } from "../lib/catalog/catalog.ts";
import { firstPage, joinPages, nextPage, toBigInt } from "../lib/catalog/pager.ts";
import type { ActionSpec, Field, Pagination, ServiceVersion } from "../lib/catalog/types.ts";

/** Request parameters that place a page, by name. */
const POSITION =
  /^(Offset|Page|PageNumber|PageNum|PageNo|PageIndex|CurrentPage|NextToken|Context|Cursor|NextCursor|ScrollToken|ScrollId|SearchAfter|PageToken|Marker|NextMarker)$/;

function everyVersion(): ServiceVersion[] {
  const out: ServiceVersion[] = [];
  for (const [service, entry] of Object.entries(catalogIndex().services)) {
    for (const version of entry.versions) out.push(serviceVersion(service, version)!);
  }
  return out;
}

function hasPosition(a: ActionSpec, sv: ServiceVersion): boolean {
  const live = (fields: Field[]) => fields.filter((f) => !f.deprecated);
  return live(a.inputs).some((f) =>
    POSITION.test(f.name) ||
    (!f.type.endsWith("[]") &&
      live(sv.structures[f.type]?.fields ?? []).some((g) => POSITION.test(g.name)))
  );
}

/** Answers one request like the action would, over `count` items, in the action's style. */
function answer(p: Pagination, request: Record<string, unknown>, count: number) {
  const holder = (p.in === undefined ? request : request[p.in]) as Record<string, unknown>;
  const size = p.limit === "" ? 7 : Number(toBigInt(holder[p.limit]));
  const position = holder[p.offset];
  const start = p.style === "offset"
    ? Number(toBigInt(position))
    : p.style === "page"
    ? (Number(toBigInt(position)) - (p.base ?? 1)) * size
    : position === undefined
    ? 0
    : Number(String(position).slice(2));
  const items = Array.from({ length: Math.max(0, Math.min(size, count - start)) }, (_, i) => ({
    n: start + i,
  }));
  const fields: Record<string, unknown> = { [p.list]: items };
  if (p.total !== "") fields[p.total] = count;
  if (p.more !== undefined) fields[p.more] = start + size < count;
  const response: Record<string, unknown> = p.within === undefined
    ? fields
    : { [p.within]: fields };
  if (p.next !== undefined) {
    const path = p.next.split(".");
    const at = path.length === 1 ? response : response[path[0]!] as Record<string, unknown>;
    at[path.at(-1)!] = start + size < count ? `t-${start + size}` : "";
  }
  return response;
}

const versions = everyVersion();

Deno.test("every action with a paging parameter has a paging style or a reason", () => {
  const missing: string[] = [];
  for (const sv of versions) {
    for (const a of Object.values(sv.actions)) {
      if (a.http !== undefined) continue; // Huawei REST actions page by their own seed
      if (!hasPosition(a, sv)) continue;
      if (a.pagination === undefined && a.notPageable === undefined) {
        missing.push(`${a.service}.${a.name}@${a.version}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

Deno.test("each pageable action's paging fields are its declared fields and types", () => {
  const wrong: string[] = [];
  for (const sv of versions) {
    for (const a of Object.values(sv.actions)) {
      const p = a.pagination;
      if (p === undefined) continue;
      const where = `${a.service}.${a.name}@${a.version}`;
      const inputs = p.in === undefined
        ? a.inputs
        : sv.structures[a.inputs.find((f) => f.name === p.in)?.type ?? ""]?.fields ?? [];
      const position = inputs.find((f) => f.name === p.offset);
      if (position?.type !== p.offsetType) wrong.push(`${where} ${p.offset}`);
      if (p.limit !== "" && inputs.find((f) => f.name === p.limit)?.type !== p.limitType) {
        wrong.push(`${where} ${p.limit}`);
      }
      const outputs = p.within === undefined
        ? a.outputs
        : sv.structures[a.outputs.find((f) => f.name === p.within)?.type ?? ""]?.fields ?? [];
      const list = outputs.find((f) => f.name === p.list);
      if (list === undefined || !list.type.endsWith("[]") || list.deprecated) {
        wrong.push(`${where} list ${p.list}`);
      }
      if (p.total !== "" && !outputs.some((f) => f.name === p.total)) {
        wrong.push(`${where} total ${p.total}`);
      }
      if (p.style === "token" && p.next === undefined) wrong.push(`${where} next`);
      if (p.style === "page" && p.base !== 0 && p.base !== 1) wrong.push(`${where} base`);
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("the pager reads every item of every pageable action, in its declared types", () => {
  const failures: string[] = [];
  let checked = 0;
  for (const sv of versions) {
    for (const a of Object.values(sv.actions)) {
      const p = a.pagination;
      if (p === undefined) continue;
      checked++;
      const where = `${a.service}.${a.name}@${a.version}`;
      const size = p.limit === "" ? 7 : p.maxLimit ?? 100;
      const count = Math.floor(size * 2.5) + 1;
      let { request, state } = firstPage(p, {});
      const items: unknown[] = [];
      let pages = 0;
      for (;;) {
        pages++;
        const holder = (p.in === undefined ? request : request[p.in]) as Record<string, unknown>;
        if (
          p.style !== "token" &&
          typeof holder[p.offset] !== (p.offsetType === "String" ? "string" : "bigint")
        ) {
          failures.push(`${where}: ${p.offset} sent as ${typeof holder[p.offset]}`);
          break;
        }
        const response = answer(p, request, count);
        const step = nextPage(p, state, response, { maxPages: 10 });
        items.push(...step.items);
        if (step.kind === "error") {
          failures.push(`${where}: ${step.message}`);
          break;
        }
        if (step.kind === "done") {
          const joined = joinPages(p, response, items);
          const holderOut = p.within === undefined
            ? joined
            : joined[p.within] as Record<string, unknown>;
          const got = holderOut[p.list] as Array<{ n: number }>;
          if (got.length !== count || got.some((item, i) => item.n !== i)) {
            failures.push(`${where}: ${got.length} of ${count} items in ${pages} pages`);
          }
          break;
        }
        ({ request, state } = step);
      }
    }
  }
  assert.ok(checked > 2800, `only ${checked} pageable actions`);
  assert.deepEqual(failures, []);
});
