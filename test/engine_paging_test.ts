/**
 * `paginate: true` through the engine, over the real signing and HTTP path, against small API
 * doubles that page the way the real actions do (the emulator does not serve these services):
 * `sqlserver.DescribeDBInstances` takes `Offset` as a page number from 0,
 * `vpc.DescribeVpcs` declares `Offset`/`Limit` as strings and rejects numbers, and
 * `alb.DescribeLoadBalancers` pages with `NextToken`/`MaxResults`.
 */
import assert from "node:assert/strict";
import { parseJson, stringifyJson } from "../lib/json.ts";
import { testEngine } from "./_engine.ts";

type Params = Record<string, unknown>;
type Answer = (params: Params) => Params;

const instances = Array.from({ length: 250 }, (_, i) => ({ InstanceId: `mssql-${i}` }));

/** sqlserver: `Offset` is the page number (from 0), `Limit` the page size (1–100). */
const sqlserver: Answer = (params) => {
  const page = Number(params.Offset ?? 0);
  const size = Number(params.Limit ?? 100);
  if (size > 100) return { Error: { Code: "InvalidParameter", Message: "Limit 1-100" } };
  return {
    TotalCount: instances.length,
    DBInstances: instances.slice(page * size, (page + 1) * size),
  };
};

/** vpc: `Offset`/`Limit` are declared `String`; a number is a parameter error. */
const vpc: Answer = (params) => {
  for (const name of ["Offset", "Limit"]) {
    if (name in params && typeof params[name] !== "string") {
      return {
        Error: { Code: "InvalidParameter", Message: `${name} must be String` },
      };
    }
  }
  const offset = Number(params.Offset ?? "0");
  const limit = Number(params.Limit ?? "20");
  const vpcs = Array.from({ length: 130 }, (_, i) => ({ VpcId: `vpc-${i}` }));
  return { TotalCount: vpcs.length, VpcSet: vpcs.slice(offset, offset + limit) };
};

/** alb: a `NextToken` hands the next page; an empty one ends the list. */
const alb: Answer = (params) => {
  const start = typeof params.NextToken === "string" ? Number(params.NextToken.slice(4)) : 0;
  const size = Number(params.MaxResults ?? 20);
  const all = Array.from({ length: 45 }, (_, i) => ({ LoadBalancerId: `alb-${i}` }));
  const end = start + size;
  return {
    LoadBalancers: all.slice(start, end),
    NextToken: end < all.length ? `tok-${end}` : "",
    TotalCount: all.length,
  };
};

function doubles(answers: Record<string, Answer>, seen: Params[]) {
  return (handle: (r: Request) => Promise<Response>) => async (request: Request) => {
    const action = request.headers.get("x-tc-action") ?? "";
    const answer = answers[action];
    if (answer === undefined) return handle(request);
    const params = parseJson(await request.text(), "auto") as Params;
    seen.push(params);
    return new Response(
      stringifyJson({ Response: { ...answer(params), RequestId: `req-${seen.length}` } }),
      { headers: { "content-type": "application/json" } },
    );
  };
}

Deno.test("paginate: Offset as a page number reads all 250 instances, not 100", async () => {
  const seen: Params[] = [];
  const engine = testEngine({
    wrapFetch: doubles({ DescribeDBInstances: sqlserver }, seen),
  });
  const { result } = await engine.run(`
tcflow: 1
name: sqlserver-pages
steps:
  - id: all
    action: sqlserver.DescribeDBInstances
    paginate: true
outputs:
  count: \${{ size(steps.all.outputs.DBInstances) }}
  last: \${{ steps.all.outputs.DBInstances[249].InstanceId }}
`);
  assert.equal(result.status, "succeeded", JSON.stringify(result.steps[0]?.error));
  assert.deepEqual(result.outputs, { count: 250n, last: "mssql-249" });
  assert.deepEqual(seen.map((p) => p.Offset), [0, 1, 2]);
});

Deno.test("paginate: String-declared Offset/Limit are sent as strings", async () => {
  const seen: Params[] = [];
  const engine = testEngine({ wrapFetch: doubles({ DescribeVpcs: vpc }, seen) });
  const { result } = await engine.run(`
tcflow: 1
name: vpc-pages
steps:
  - id: all
    action: vpc.DescribeVpcs
    paginate: true
outputs:
  count: \${{ size(steps.all.outputs.VpcSet) }}
`);
  assert.equal(result.status, "succeeded", JSON.stringify(result.steps[0]?.error));
  assert.deepEqual(result.outputs, { count: 130n });
  assert.deepEqual(seen.map((p) => [p.Offset, p.Limit]), [["0", "100"], ["100", "100"]]);
});

Deno.test("paginate: NextToken pages to the empty token", async () => {
  const seen: Params[] = [];
  const engine = testEngine({ wrapFetch: doubles({ DescribeLoadBalancers: alb }, seen) });
  const { result, sink } = await engine.run(`
tcflow: 1
name: alb-pages
steps:
  - id: all
    action: alb.DescribeLoadBalancers
    with: { MaxResults: 20 }
    paginate: true
outputs:
  ids: \${{ steps.all.outputs.LoadBalancers.map(b, b.LoadBalancerId) }}
`);
  assert.equal(result.status, "succeeded", JSON.stringify(result.steps[0]?.error));
  const ids = (result.outputs as { ids: string[] }).ids;
  assert.equal(ids.length, 45);
  assert.equal(new Set(ids).size, 45);
  assert.deepEqual(seen.map((p) => p.NextToken), [undefined, "tok-20", "tok-40"]);
  assert.equal(sink.ofType("page-fetched").length, 3);
});
