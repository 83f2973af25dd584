/**
 * The unmodified official `tencentcloud-sdk-nodejs` against the emulator server over HTTP:
 * trocket instances, topics, groups, paging, smooth-migration imports, API Gateway usage
 * plans; the AuthFailure codes; and a v1-signed GET sent by `curl`.
 */
import assert from "node:assert/strict";
import tc from "tencentcloud-sdk-nodejs";
import { signedRequest } from "../lib/emulator/_signed_request.ts";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { serveEmulator } from "../lib/emulator/server.ts";
import { signedV1Url } from "../lib/tencent/signer_v1.ts";

// The SDK keeps sockets and timers the test does not own.
const opts = { sanitizeOps: false, sanitizeResources: false };

type Call = (params: Record<string, unknown>) => Promise<Record<string, unknown>>;
type SdkClient = Record<string, Call>;
const sdk = tc as unknown as Record<
  string,
  Record<string, { Client: new (config: unknown) => SdkClient }>
>;

function client(
  service: "trocket" | "apigateway",
  port: number,
  credential: { secretId: string; secretKey: string } = DEMO_CREDENTIAL,
  region = "ap-guangzhou",
): SdkClient {
  const version = service === "trocket" ? "v20230308" : "v20180808";
  const Client = sdk[service]?.[version]?.Client;
  assert.ok(Client, `${service} client`);
  return new Client({
    credential,
    region,
    profile: {
      httpProfile: { endpoint: `127.0.0.1:${port}`, protocol: "http://", reqTimeout: 10 },
    },
  });
}

async function sdkError(promise: Promise<unknown>): Promise<{ code: string; requestId: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; requestId?: string };
    return { code: e.code ?? String(error), requestId: e.requestId ?? "" };
  }
  assert.fail("expected an error");
}

Deno.test(
  "SDK: trocket instance, topics, groups, paging and a smooth-migration import",
  opts,
  async () => {
    const server = await serveEmulator({ port: 0, seed: 3 });
    try {
      const trocket = client("trocket", server.port);
      const { InstanceId } = await trocket.CreateInstance!({
        InstanceType: "PRO",
        Name: "sdk-made",
        SkuCode: "pro_4k",
        VpcList: [{ VpcId: "vpc-1", SubnetId: "subnet-1" }],
      });
      assert.match(String(InstanceId), /^rmq-[0-9a-z]{8}$/);
      for (let i = 0; i < 7; i++) {
        await trocket.CreateTopic!({
          InstanceId,
          Topic: `t-${i}`,
          TopicType: "NORMAL",
          QueueNum: 4,
        });
      }
      await trocket.CreateConsumerGroup!({
        InstanceId,
        ConsumerGroup: "g-1",
        MaxRetryTimes: 16,
        ConsumeEnable: true,
        ConsumeMessageOrderly: false,
      });
      const names: string[] = [];
      for (let offset = 0;; offset += 3) {
        const page = await trocket.DescribeTopicList!({ InstanceId, Offset: offset, Limit: 3 });
        assert.equal(page.TotalCount, 7);
        const data = page.Data as Array<{ Topic: string }>;
        names.push(...data.map((t) => t.Topic));
        if (data.length < 3) break;
      }
      assert.deepEqual(names, ["t-0", "t-1", "t-2", "t-3", "t-4", "t-5", "t-6"]);
      const groups = await trocket.DescribeConsumerGroupList!({ InstanceId, Offset: 0, Limit: 10 });
      assert.deepEqual(
        (groups.Data as Array<{ ConsumerGroup: string }>).map((g) => g.ConsumerGroup),
        ["g-1"],
      );

      // Smooth migration: list the source, import it, see it on the target instance.
      const source = await trocket.DescribeMigratingTopicList!({
        TaskId: "task-demo0001",
        Offset: 0,
        Limit: 20,
      });
      const topics = (source.MigrateTopics as Array<{ TopicName: string }>).map((t) => t.TopicName);
      assert.deepEqual(topics, ["orders", "payments", "audit-log", "delayed-jobs"]);
      await trocket.ImportSourceClusterTopics!({
        TaskId: "task-demo0001",
        TopicList: topics.map((name) => ({
          TopicName: name,
          TopicType: name === "delayed-jobs" ? "DELAY" : "NORMAL",
          QueueNum: 8,
        })),
      });
      const sourceGroups = await trocket.DescribeSourceClusterGroupList!({
        TaskId: "task-demo0001",
      });
      await trocket.ImportSourceClusterConsumerGroups!({
        TaskId: "task-demo0001",
        GroupList: (sourceGroups.Groups as Array<{ GroupName: string }>).map((g) => ({
          GroupName: g.GroupName,
        })),
      });
      const target = await trocket.DescribeTopicList!({
        InstanceId: "rmq-72mo3a9o",
        Offset: 0,
        Limit: 100,
      });
      assert.equal(target.TotalCount, 4);
      const delayed = (target.Data as Array<{ Topic: string; TopicType: string }>).find((t) =>
        t.Topic === "delayed-jobs"
      );
      assert.equal(delayed?.TopicType, "DELAY");
      const targetGroups = await trocket.DescribeConsumerGroupList!({
        InstanceId: "rmq-72mo3a9o",
        Offset: 0,
        Limit: 20,
      });
      assert.equal(targetGroups.TotalCount, 3);

      const missing = await sdkError(trocket.DescribeTopic!({ InstanceId, Topic: "nope" }));
      assert.equal(missing.code, "ResourceNotFound.Topic");
      assert.match(missing.requestId, /^[0-9a-f-]{36}$/);
      const unknown = await sdkError(trocket.DescribeTopicList!({ InstanceId, Colour: "red" }));
      assert.equal(unknown.code, "UnknownParameter");
      assert.ok(server.emulator.calls().every((c) => c.service === "trocket"));
    } finally {
      await server.close();
    }
  },
);

Deno.test("SDK: API Gateway service, usage plan and bindings", opts, async () => {
  const server = await serveEmulator({ port: 0 });
  try {
    const apigateway = client("apigateway", server.port);
    const created = await apigateway.CreateService!({
      ServiceName: "sdk-service",
      Protocol: "http&https",
      NetTypes: ["OUTER"],
    });
    const serviceId = created.ServiceId as string;
    assert.match(serviceId, /^service-/);
    const listed = await apigateway.DescribeServicesStatus!({ Limit: 100 });
    const services = (listed.Result as { ServiceSet: Array<{ ServiceId: string }> }).ServiceSet;
    assert.ok(services.some((s) => s.ServiceId === serviceId), "the new service is listed");
    const own = await apigateway.CreateUsagePlan!({ UsagePlanName: "sdk-own", MaxRequestNum: -1 });
    await apigateway.BindEnvironment!({
      UsagePlanIds: [(own.Result as { UsagePlanId: string }).UsagePlanId],
      ServiceId: serviceId,
      Environment: "release",
      BindType: "SERVICE",
    });
    const plan = await apigateway.CreateUsagePlan!({
      UsagePlanName: "sdk-plan",
      MaxRequestNum: -1,
    });
    const planId = (plan.Result as { UsagePlanId: string }).UsagePlanId;
    assert.ok(planId);
    for (const env of ["test", "release"]) {
      await apigateway.BindEnvironment!({
        UsagePlanIds: [planId],
        ServiceId: "service-ody35h5e",
        Environment: env,
        BindType: "SERVICE",
      });
    }
    const wrong = await sdkError(apigateway.BindEnvironment!({
      UsagePlanIds: [planId],
      ServiceId: "service-nope0000",
      Environment: "test",
      BindType: "SERVICE",
    }));
    assert.match(wrong.code, /^(ResourceNotFound|InvalidParameterValue|FailedOperation)/);
  } finally {
    await server.close();
  }
});

Deno.test(
  "SDK: wrong key, unknown region, expired timestamp, tampered body get the real codes",
  opts,
  async () => {
    // The emulator's clock runs 10 minutes ahead of the SDK's.
    const ahead = await serveEmulator({ port: 0, now: () => Date.now() + 600_000 });
    const server = await serveEmulator({ port: 0 });
    try {
      const wrongKey = client("trocket", server.port, {
        secretId: DEMO_CREDENTIAL.secretId,
        secretKey: "wrong",
      });
      assert.equal(
        (await sdkError(wrongKey.DescribeInstance!({ InstanceId: "rmq-72mo3a9o" }))).code,
        "AuthFailure.SignatureFailure",
      );
      const unknownId = client("trocket", server.port, { secretId: "AKIDunknown", secretKey: "x" });
      assert.equal(
        (await sdkError(unknownId.DescribeInstance!({ InstanceId: "rmq-72mo3a9o" }))).code,
        "AuthFailure.SecretIdNotFound",
      );
      const nowhere = client("trocket", server.port, DEMO_CREDENTIAL, "ap-atlantis");
      assert.equal(
        (await sdkError(nowhere.DescribeInstance!({ InstanceId: "rmq-72mo3a9o" }))).code,
        "UnsupportedRegion",
      );
      const late = client("trocket", ahead.port);
      assert.equal(
        (await sdkError(late.DescribeInstance!({ InstanceId: "rmq-72mo3a9o" }))).code,
        "AuthFailure.SignatureExpire",
      );

      const send = async (tamper?: (body: Uint8Array) => Uint8Array) => {
        const request = await signedRequest({
          service: "trocket",
          action: "DescribeInstance",
          params: { InstanceId: "rmq-72mo3a9o" },
          region: "ap-guangzhou",
          url: server.url,
          timestampS: Math.floor(Date.now() / 1000),
          ...(tamper ? { tamper } : {}),
        });
        return await (await fetch(request)).text();
      };
      assert.match(
        await send(),
        /"InstanceName":"demo-target"/,
        "the same request, untampered, passes",
      );
      const request = await signedRequest({
        service: "trocket",
        action: "DescribeInstance",
        params: { InstanceId: "rmq-72mo3a9o" },
        region: "ap-guangzhou",
        url: server.url,
        timestampS: Math.floor(Date.now() / 1000),
        tamper: (body) =>
          new TextEncoder().encode(
            new TextDecoder().decode(body).replace("rmq-72mo3a9o", "rmq-2x9f8k1p"),
          ),
      });
      const response = await fetch(request);
      const text = await response.text();
      assert.equal(response.status, 200);
      assert.match(text, /"Code":"AuthFailure.SignatureFailure"/);
    } finally {
      await server.close();
      await ahead.close();
    }
  },
);

Deno.test("SDK: a connection cut is a network error for the client", opts, async () => {
  const server = await serveEmulator({ port: 0, faults: "cut-after=1;actions=CreateTopic" });
  try {
    const trocket = client("trocket", server.port);
    const cut = await sdkError(
      trocket.CreateTopic!({
        InstanceId: "rmq-72mo3a9o",
        Topic: "cut-topic",
        TopicType: "NORMAL",
        QueueNum: 3,
      }),
    );
    assert.doesNotMatch(cut.code, /^[A-Z][A-Za-z]+\./, "no API error code: the connection dropped");
    assert.equal(cut.requestId, "");
    const list = await trocket.DescribeTopicList!({ InstanceId: "rmq-72mo3a9o" });
    assert.equal(list.TotalCount, 1, "cut after: the topic was created");
    assert.deepEqual(server.emulator.calls().map((c) => c.outcome), ["cut-after", "ok"]);
  } finally {
    await server.close();
  }
});

Deno.test("curl: a v1-signed GET works; a cut closes the connection", opts, async () => {
  const server = await serveEmulator({ port: 0 });
  try {
    const url = await signedV1Url(
      {
        host: "trocket.tencentcloudapi.com",
        action: "DescribeTopicList",
        version: "2023-03-08",
        region: "ap-guangzhou",
        timestampS: Math.floor(Date.now() / 1000),
        nonce: 12345,
        algorithm: "HmacSHA256",
        params: { InstanceId: "rmq-2x9f8k1p", Offset: "0", Limit: "2" },
      },
      DEMO_CREDENTIAL,
      { protocol: "http" },
    );
    const curl = (args: string[]) =>
      new Deno.Command("curl", {
        args: ["-sS", "-m", "5", ...args],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const connectTo = ["--connect-to", `trocket.tencentcloudapi.com:80:127.0.0.1:${server.port}`];
    const out = await curl([...connectTo, url]);
    const body = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      Response: { TotalCount: number; Data: unknown[] };
    };
    assert.equal(body.Response.TotalCount, 3);
    assert.equal(body.Response.Data.length, 2);

    server.emulator.setFaults("cut-before=1");
    const cut = await curl([...connectTo, url]);
    assert.notEqual(cut.code, 0);
    assert.match(new TextDecoder().decode(cut.stderr), /Empty reply from server|reset|closed/i);
  } finally {
    await server.close();
  }
});

Deno.test(
  "SDK: every sign method (TC3, HmacSHA256, HmacSHA1) over GET and POST",
  opts,
  async () => {
    const server = await serveEmulator({ port: 0 });
    try {
      const Client = sdk.trocket?.v20230308?.Client;
      assert.ok(Client);
      for (const signMethod of ["TC3-HMAC-SHA256", "HmacSHA256", "HmacSHA1"]) {
        for (const reqMethod of ["GET", "POST"]) {
          const rocket: SdkClient = new Client({
            credential: DEMO_CREDENTIAL,
            region: "ap-guangzhou",
            profile: {
              signMethod,
              httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: "http://", reqMethod },
            },
          });
          const res: Record<string, unknown> = await rocket.DescribeTopicList!({
            InstanceId: "rmq-2x9f8k1p",
            Limit: 1,
            Filters: [{ Name: "TopicName", Values: ["inv"] }],
          });
          assert.equal(res.TotalCount, 1, `${signMethod} ${reqMethod}`);
          assert.equal((res.Data as Array<{ Topic: string }>)[0]?.Topic, "inventory-sync");
        }
      }
      assert.deepEqual(
        server.emulator.calls().map((c) => [c.service, c.outcome]),
        Array.from({ length: 6 }, () => ["trocket", "ok"]),
      );
    } finally {
      await server.close();
    }
  },
);
