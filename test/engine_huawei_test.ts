/**
 * A workflow that calls both clouds: the executor drives `huaweicloud/cph.ListEncodeServers`
 * (paged by offset/limit, no total count) through the provider router, next to a Tencent step,
 * against the real emulator (which serves both).
 */
import assert from "node:assert/strict";
import { systemDeps } from "../lib/deps.ts";
import { stringifyJson } from "../lib/json.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { HUAWEI_DEMO_CREDENTIAL } from "../lib/emulator/huawei_cph.ts";
import { MemorySink } from "../lib/journal/events.ts";
import { runWorkflow } from "../lib/engine/executor.ts";
import { createRateLimiter } from "../lib/engine/rate_limiter.ts";
import { createHuaweiClient } from "../lib/huawei/client.ts";
import { routeClients } from "../lib/provider/route.ts";
import { createTencentClient } from "../lib/tencent/client.ts";
import { parseWorkflow } from "../lib/workflow/parse.ts";

const WORKFLOW = `tcflow: 1
name: two-clouds
steps:
  - id: servers
    action: huaweicloud/cph.ListEncodeServers
    region: cn-north-4
    with: { limit: 3 }
    paginate: true
  - id: topics
    action: trocket.DescribeTopicList
    region: ap-guangzhou
    with: { InstanceId: rmq-2x9f8k1p }
outputs:
  servers: \${{ size(steps.servers.outputs.encode_servers) }}
  topics: \${{ steps.topics.outputs.TotalCount }}
`;

Deno.test("one run calls Tencent Cloud and Huawei Cloud", async () => {
  // Parsed without validation: the validator learns the Huawei catalog separately.
  const { workflow } = parseWorkflow(WORKFLOW, "two-clouds.yaml");
  assert.ok(workflow !== undefined);
  const emulator = createEmulator();
  const deps = { ...systemDeps(), fetch: (r: Request) => emulator.handle(r) };
  const client = routeClients({
    tencent: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
    huawei: createHuaweiClient({
      deps,
      credential: { ...HUAWEI_DEMO_CREDENTIAL },
      region: "cn-north-4",
    }),
  });
  const sink = new MemorySink();
  const result = await runWorkflow(workflow, {
    inputs: {},
    deps,
    client,
    rateLimiter: createRateLimiter({ deps }),
    runId: "two-clouds",
    sink,
    secrets: [HUAWEI_DEMO_CREDENTIAL.sk],
  });
  assert.equal(result.status, "succeeded", stringifyJson(result.steps));
  const state = emulator.state()["huaweicloud/cph"] as { encode_servers: unknown[] };
  const count = state.encode_servers.length;
  assert.ok(count > 3, "more than one page of servers");
  assert.equal(result.outputs.servers, BigInt(count));
  assert.equal(typeof result.outputs.topics, "bigint");
  const pages = sink.ofType("page-fetched");
  assert.equal(pages.length, Math.floor(count / 3) + 1);
  assert.ok(pages.every((e) => e.total === undefined));
});

Deno.test("Huawei errors are step errors with Huawei's code; 4xx are not retried", async () => {
  const { workflow } = parseWorkflow(
    `tcflow: 1
name: bad-limit
steps:
  - id: servers
    action: huaweicloud/cph.ListEncodeServers
    region: cn-north-4
    with: { limit: 101 }
`,
    "bad.yaml",
  );
  const emulator = createEmulator();
  const deps = { ...systemDeps(), fetch: (r: Request) => emulator.handle(r) };
  const client = routeClients({
    tencent: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
    huawei: createHuaweiClient({
      deps,
      credential: { ...HUAWEI_DEMO_CREDENTIAL },
      region: "cn-north-4",
    }),
  });
  const result = await runWorkflow(workflow!, {
    inputs: {},
    deps,
    client,
    rateLimiter: createRateLimiter({ deps }),
    runId: "bad-limit",
  });
  assert.equal(result.status, "failed");
  assert.equal(result.steps[0]?.attempts, 1);
  assert.equal(result.steps[0]?.error?.code, "CPS.0005");
  assert.deepEqual(emulator.calls().map((c) => c.outcome), ["CPS.0005"]);
});
