/**
 * Every paging variant of the catalog end to end: for each distinct shape of paging (style,
 * declared types of the position and size, fields inside a request structure, list and total
 * inside a response structure, total or none and its type, token path and type, "more" flag,
 * page base), the first action of that shape runs as a `paginate: true` step through the engine
 * (validation, signing, the pager) against the generic emulator holding items given as `data`,
 * and every item comes back once, in order.
 */
import assert from "node:assert/strict";
import { catalogIndex, findStructure, serviceVersion } from "../lib/catalog/catalog.ts";
import type { ActionSpec, Field, Pagination, ServiceVersion } from "../lib/catalog/types.ts";
import { sampleObject } from "../lib/emulator/_generic_values.ts";
import { testEngine } from "./_engine.ts";

function typeAt(sv: ServiceVersion, fields: readonly Field[], path: string): string {
  let type = "";
  for (const part of path.split(".")) {
    type = fields.find((f) => f.name === part)?.type ?? "?";
    fields = sv.structures[type]?.fields ?? [];
  }
  return type;
}

/** The shape of an action's paging: what the emulator and the pager must both get right. */
function shapeOf(sv: ServiceVersion, a: ActionSpec, p: Pagination): string {
  const inside = (name: string) => p.within === undefined ? name : `${p.within}.${name}`;
  return [
    p.style,
    p.offsetType,
    p.limitType,
    p.in === undefined ? "" : "in",
    p.within === undefined ? "" : "within",
    p.total === "" ? "no-total" : `total:${typeAt(sv, a.outputs, inside(p.total))}`,
    p.next === undefined ? "" : `next:${typeAt(sv, a.outputs, p.next)}`,
    p.more === undefined ? "" : "more",
    p.style === "page" ? `base${p.base ?? 1}` : "",
  ].join("|");
}

/** Services with hand-written emulators (their `data` is not lists by action). */
const SEEDED = new Set(["trocket", "apigateway", "ssl", "yunjing"]);

function representatives(): Map<string, ActionSpec> {
  const out = new Map<string, ActionSpec>();
  for (const service of Object.keys(catalogIndex().services).sort()) {
    for (const version of catalogIndex().services[service]!.versions) {
      const sv = serviceVersion(service, version)!;
      for (const name of Object.keys(sv.actions).sort()) {
        const a = sv.actions[name]!;
        if (a.pagination === undefined || a.http !== undefined) continue;
        if (SEEDED.has(service)) continue; // hand-written services, tested on their own
        const shape = shapeOf(sv, a, a.pagination);
        if (!out.has(shape)) out.set(shape, a);
      }
    }
  }
  return out;
}

/** The action's required parameters as samples, without the paging fields the pager fills. */
function requiredParams(a: ActionSpec, p: Pagination): Record<string, unknown> {
  const lookup = (name: string) => findStructure(a.service, a.version, name);
  const params = sampleObject(a.inputs, lookup, "request", `${a.service}.${a.name}`);
  const holder = p.in === undefined ? params : params[p.in] as Record<string, unknown> | undefined;
  if (holder === undefined) return params;
  if (p.limit !== "") delete holder[p.limit];
  if (holder[p.offset] === undefined) return params;
  // A required position starts at the first page (a token API may want 0 or "" first).
  const first = p.style === "page" ? (p.base ?? 1) : 0;
  holder[p.offset] = p.offsetType === "String"
    ? (p.style === "token" ? "" : String(first))
    : p.offsetType === "String[]"
    ? []
    : first;
  return params;
}

const shapes = representatives();

Deno.test("the catalog has many paging shapes, each with an action", () => {
  assert.ok(shapes.size >= 40, `only ${shapes.size} shapes`);
});

for (const [shape, a] of shapes) {
  Deno.test(`paginate: ${shape} (${a.service}.${a.name}) reads every item from the emulator`, async () => {
    const p = a.pagination!;
    // Three pages and a bit at the page size the pager sends.
    const count = 2 * (p.maxLimit ?? 100) + 7;
    const items = Array.from({ length: count }, (_, n) => ({ N: n }));
    const engine = testEngine({
      emulator: { data: { [a.service]: { [a.name]: items } }, rateScale: Infinity },
    });
    const { result } = await engine.run(`
tcflow: 1
name: paging-styles
steps:
  - id: all
    action: ${a.service}.${a.name}
    version: "${a.version}"
    with: ${JSON.stringify(requiredParams(a, p))}
    paginate: true
`);
    const step = result.steps[0]!;
    assert.equal(step.status, "succeeded", JSON.stringify(step.error));
    const outputs = step.outputs as Record<string, Record<string, unknown>>;
    const holder = p.within === undefined ? outputs : outputs[p.within]!;
    const got = holder[p.list] as Array<{ N: bigint }>;
    assert.equal(got.length, count);
    assert.deepEqual(got.map((i) => Number(i.N)), items.map((i) => i.N));
    const pages = engine.emulator.calls().filter((c) => c.action === a.name).length;
    assert.ok(pages >= 3, `${pages} pages`);
  });
}
