/**
 * The client, the engine and `tcflow run` over real HTTP: the emulator served on loopback,
 * the system `fetch`, the real signer.
 */
import assert from "node:assert/strict";
import { systemDeps } from "../lib/deps.ts";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { serveEmulator } from "../lib/emulator/server.ts";
import { runWorkflow } from "../lib/engine/executor.ts";
import { createRateLimiter } from "../lib/engine/rate_limiter.ts";
import { createTencentClient } from "../lib/tencent/client.ts";
import { NetworkError } from "../lib/tencent/errors.ts";
import { http1Fetch } from "../lib/tencent/http1.ts";
import { parseJson } from "../lib/json.ts";
import { runCli } from "./_cli.ts";
import { CREDENTIAL, topicsOf, workflowOf } from "./_engine.ts";

const TARGET = "rmq-72mo3a9o";

Deno.test("over loopback: calls, a cut connection, and a whole run", async (t) => {
  const server = await serveEmulator({ port: 0 });
  try {
    const deps = systemDeps();
    const client = createTencentClient({
      deps,
      credential: CREDENTIAL,
      endpointUrl: server.url,
      // Non-idempotent calls sent exactly once, as the CLI does: Deno's fetch would re-send a
      // POST by itself after a cut.
      sendOnce: http1Fetch,
    });

    await t.step("a call goes through HTTP and is verified", async () => {
      const result = await client.call(
        "trocket",
        "DescribeTopicList",
        "2023-03-08",
        "ap-guangzhou",
        {
          InstanceId: "rmq-2x9f8k1p",
        },
      );
      assert.equal(result.httpStatus, 200);
      assert.equal(typeof result.response.TotalCount, "bigint");
      assert.equal(server.emulator.calls().at(-1)?.service, "trocket");
    });

    await t.step("a cut after the request was applied is a NetworkError after-send", async () => {
      server.emulator.setFaults("cut-after=1;times=1;actions=CreateTopic");
      await assert.rejects(
        client.call("trocket", "CreateTopic", "2023-03-08", "ap-guangzhou", {
          InstanceId: TARGET,
          Topic: "cut-over-http",
          TopicType: "NORMAL",
          QueueNum: 3,
        }),
        (e) => e instanceof NetworkError && e.phase === "after-send",
      );
      assert.deepEqual(topicsOf(server.emulator, TARGET), ["cut-over-http"]);
      server.emulator.setFaults(undefined);
    });

    await t.step("the executor over HTTP: a create that was cut is uncertain", async () => {
      server.emulator.setFaults("cut-after=1;times=1;actions=CreateTopic");
      const result = await runWorkflow(
        workflowOf(`
tcflow: 1
name: http-cut
region: ap-guangzhou
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: second-cut, TopicType: NORMAL, QueueNum: 3 }
`),
        { inputs: {}, deps, client, rateLimiter: createRateLimiter({ deps }), runId: "loopback-1" },
      );
      assert.equal(result.steps[0]?.status, "uncertain");
      const creates = server.emulator.calls().filter((c) => c.action === "CreateTopic");
      assert.equal(
        creates.filter((c) => (c.params as { Topic: string }).Topic === "second-cut").length,
        1,
      );
      server.emulator.setFaults(undefined);
    });

    await t.step("tcflow run --endpoint-url with environment credentials", async () => {
      const dir = await Deno.makeTempDir({ prefix: "tcflow-loopback-" });
      const wf = `${dir}/wf.yaml`;
      await Deno.writeTextFile(
        wf,
        `tcflow: 1
name: loopback
region: ap-guangzhou
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: via-cli, TopicType: NORMAL, QueueNum: 3 }
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
outputs:
  count: \${{ steps.list.outputs.TotalCount }}
`,
      );
      const { code, stdout, stderr } = await runCli(
        ["run", wf, "--endpoint-url", server.url, "--json", "--state-dir", `${dir}/state`],
        {
          env: {
            TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
            TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
          },
        },
      );
      assert.equal(code, 0, stderr);
      const doc = parseJson(stdout) as { outputs: { count: bigint } };
      assert.equal(doc.outputs.count, 3n);
      assert.ok(topicsOf(server.emulator, TARGET).includes("via-cli"));
      await Deno.remove(dir, { recursive: true });
    });

    await t.step(
      "tcflow run: a cut create after a pooled read is not re-sent by fetch",
      async () => {
        server.emulator.setFaults("cut-after=1;times=1;actions=CreateTopic");
        const dir = await Deno.makeTempDir({ prefix: "tcflow-loopback-" });
        const wf = `${dir}/wf.yaml`;
        await Deno.writeTextFile(
          wf,
          `tcflow: 1
name: loopback-cut
region: ap-guangzhou
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: cli-cut, TopicType: NORMAL, QueueNum: 3 }
`,
        );
        const { code, stderr } = await runCli(
          ["run", wf, "--endpoint-url", server.url, "--state-dir", `${dir}/state`],
          {
            env: {
              TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
              TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
            },
          },
        );
        assert.equal(code, 1, stderr);
        assert.match(stderr, /uncertain/);
        const creates = server.emulator.calls().filter((c) =>
          (c.params as { Topic?: string }).Topic === "cli-cut"
        );
        assert.deepEqual(creates.map((c) => c.outcome), ["cut-after"]);
        server.emulator.setFaults(undefined);
        await Deno.remove(dir, { recursive: true });
      },
    );
  } finally {
    await server.close();
  }
});
