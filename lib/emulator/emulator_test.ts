import assert from "node:assert/strict";
import { parseJson } from "../json.ts";
import { type SignedCall, signedRequest } from "./_signed_request.ts";
import { createEmulator, DEMO_CREDENTIAL, type EmulatorOptions } from "./emulator.ts";

const T0_MS = Date.UTC(2026, 0, 15, 8, 0, 0);

function setup(options: EmulatorOptions = {}) {
  let nowMs = T0_MS;
  const slept: number[] = [];
  const emulator = createEmulator({
    now: () => nowMs,
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
    ...options,
  });
  const send = async (call: Omit<SignedCall, "timestampS"> & { timestampS?: number }) => {
    const response = await emulator.handle(
      await signedRequest({
        timestampS: Math.floor(nowMs / 1000),
        region: "ap-guangzhou",
        ...call,
      }),
    );
    assert.equal(response.status, 200);
    return (parseJson(await response.text(), "auto") as { Response: Record<string, unknown> })
      .Response;
  };
  const trocket = (action: string, params: unknown, extra: Partial<SignedCall> = {}) =>
    send({ service: "trocket", action, params, ...extra });
  const code = (response: Record<string, unknown>) =>
    (response.Error as { Code?: string } | undefined)?.Code;
  return {
    emulator,
    send,
    trocket,
    code,
    slept,
    advance: (ms: number) => (nowMs += ms),
  };
}

Deno.test("emulator: a signed call answers in the Response envelope with a RequestId and Date", async () => {
  const { emulator, trocket } = setup();
  const res = await trocket("DescribeInstance", { InstanceId: "rmq-72mo3a9o" });
  assert.equal(res.InstanceName, "demo-target");
  assert.match(
    String(res.RequestId),
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  const raw = await emulator.handle(
    await signedRequest({
      service: "trocket",
      action: "DescribeInstance",
      params: { InstanceId: "rmq-72mo3a9o" },
      region: "ap-guangzhou",
      timestampS: T0_MS / 1000,
    }),
  );
  assert.equal(raw.headers.get("content-type"), "application/json");
  assert.equal(raw.headers.get("date"), new Date(T0_MS).toUTCString());
  const [call] = emulator.calls();
  assert.deepEqual(call, {
    seq: 1,
    timeMs: T0_MS,
    service: "trocket",
    action: "DescribeInstance",
    version: "2023-03-08",
    region: "ap-guangzhou",
    secretId: DEMO_CREDENTIAL.secretId,
    params: { InstanceId: "rmq-72mo3a9o" },
    outcome: "ok",
    requestId: res.RequestId,
  });
});

Deno.test("emulator: AuthFailure codes for wrong key, unknown id, expired timestamp, tampered body", async () => {
  const { trocket, code, emulator } = setup({
    credentials: [{ secretId: "AKIDother", secretKey: "other-key" }],
  });
  const params = { InstanceId: "rmq-72mo3a9o" };
  const wrongKey = await trocket("DescribeInstance", params, {
    credential: { secretId: DEMO_CREDENTIAL.secretId, secretKey: "not-the-key" },
  });
  assert.equal(code(wrongKey), "AuthFailure.SignatureFailure");
  assert.ok(wrongKey.RequestId);
  const unknown = await trocket("DescribeInstance", params, {
    credential: { secretId: "AKIDnobody", secretKey: "x" },
  });
  assert.equal(code(unknown), "AuthFailure.SecretIdNotFound");
  const expired = await trocket("DescribeInstance", params, { timestampS: T0_MS / 1000 - 301 });
  assert.equal(code(expired), "AuthFailure.SignatureExpire");
  const tampered = await trocket("DescribeInstance", params, {
    tamper: (body) =>
      new TextEncoder().encode(new TextDecoder().decode(body).replace("72mo", "72mX")),
  });
  assert.equal(code(tampered), "AuthFailure.SignatureFailure");
  const other = await trocket("DescribeInstance", params, {
    credential: { secretId: "AKIDother", secretKey: "other-key" },
  });
  assert.equal(other.InstanceId, "rmq-72mo3a9o", "--credential pairs are accepted");
  assert.deepEqual(emulator.calls()[0]?.params, params, "rejected calls log what they carried");
  assert.deepEqual(emulator.calls().map((c) => c.outcome), [
    "AuthFailure.SignatureFailure",
    "AuthFailure.SecretIdNotFound",
    "AuthFailure.SignatureExpire",
    "AuthFailure.SignatureFailure",
    "ok",
  ]);
  const bare = await emulator.handle(
    new Request("http://127.0.0.1:4566/", { method: "POST", body: "{}" }),
  );
  const body = (await bare.json()) as { Response: { Error: { Code: string } } };
  assert.equal(body.Response.Error.Code, "AuthFailure.InvalidAuthorization");
});

Deno.test("emulator: service from the Host, from the scope, and version/action errors", async () => {
  const { send, code, trocket, emulator } = setup();
  // A regional host, on any port, names the service and the region.
  const regional = await send({
    service: "trocket",
    action: "DescribeInstanceList",
    params: { Offset: 0, Limit: 20 },
    host: "trocket.ap-guangzhou.tencentcloudapi.com:8443",
  });
  assert.equal(regional.TotalCount, 2);
  // An IP host: the credential scope names the service.
  const scoped = await send({
    service: "ssl",
    action: "DescribeCertificates",
    params: { Limit: 1 },
    host: "127.0.0.1:4566",
  });
  assert.equal(code(scoped), undefined, JSON.stringify(scoped));
  assert.equal(emulator.calls().at(-1)?.service, "ssl");
  const version = await trocket("DescribeInstance", { InstanceId: "x" }, { version: "2099-01-01" });
  assert.equal(code(version), "NoSuchVersion");
  const action = await trocket("DescribeTopicLis", { InstanceId: "x" });
  assert.equal(code(action), "InvalidAction");
  assert.match(
    String((action.Error as { Message: string }).Message),
    /did you mean `DescribeTopicList`/,
  );
  const product = await send({
    service: "nosuchsvc",
    action: "Foo",
    params: {},
    version: "2020-01-01",
  });
  assert.equal(code(product), "InvalidAction");
  const mqtt = await trocket("DescribeMQTTTopicList", { InstanceId: "mqtt-demo0001", Limit: 1 });
  assert.equal(mqtt.TotalCount, 2, "seed-only MQTT actions are served too");
  const generic = await trocket("DescribeProductSKUs", {});
  assert.equal(code(generic), undefined, "an action the seed does not implement: generic answer");
  assert.ok(Array.isArray(generic.Data), JSON.stringify(generic));
  const missing = await trocket("DescribeTopicList", {});
  assert.equal(code(missing), "MissingParameter");
  const unknownParam = await trocket("DescribeTopicList", {
    InstanceId: "rmq-72mo3a9o",
    Colour: 1,
  });
  assert.equal(code(unknownParam), "UnknownParameter");
  const nested = await trocket("ImportSourceClusterTopics", {
    TaskId: "task-demo0001",
    TopicList: [{ TopicName: "orders", TopicType: "NORMAL", QueueNum: "eight" }],
  });
  assert.equal(code(nested), "InvalidParameterValue");
});

Deno.test("emulator: the scope's service must be the Host's; an unknown region is refused", async () => {
  const { send, code, trocket, emulator } = setup();
  // Signed for cvm, sent to trocket: a valid signature, but not for this service.
  const mismatch = await send({
    service: "cvm",
    version: "2023-03-08",
    action: "DescribeTopicList",
    params: { InstanceId: "rmq-2x9f8k1p" },
    host: "trocket.tencentcloudapi.com",
  });
  assert.equal(code(mismatch), "AuthFailure.InvalidAuthorization", JSON.stringify(mismatch));
  assert.match(String((mismatch.Error as { Message: string }).Message), /`cvm`.*`trocket`/);
  assert.equal(emulator.calls().at(-1)?.outcome, "AuthFailure.InvalidAuthorization");
  // The same request signed for trocket is served.
  const matching = await trocket("DescribeTopicList", { InstanceId: "rmq-2x9f8k1p" });
  assert.equal(matching.TotalCount, 3);
  const region = await trocket("DescribeTopicList", { InstanceId: "rmq-2x9f8k1p" }, {
    region: "ap-atlantis",
  });
  assert.equal(code(region), "UnsupportedRegion");
  assert.match(String((region.Error as { Message: string }).Message), /`ap-atlantis`/);
  const hostRegion = await send({
    service: "trocket",
    action: "DescribeTopicList",
    params: { InstanceId: "rmq-2x9f8k1p" },
    region: undefined as unknown as string,
    host: "trocket.ap-atlantis.tencentcloudapi.com",
  });
  assert.equal(code(hostRegion), "UnsupportedRegion");
  const shanghai = await trocket("DescribeTopicList", { InstanceId: "rmq-2x9f8k1p" }, {
    region: "ap-shanghai",
  });
  // A known region is served (this instance lives in ap-guangzhou).
  assert.equal(code(shanghai), "ResourceNotFound.Instance", JSON.stringify(shanghai));
});

Deno.test("emulator: uint64 parameters stay exact from request to call log", async () => {
  const { trocket, emulator } = setup();
  const big = 18446744073709551615n;
  await trocket("DescribeTopicList", { InstanceId: "rmq-72mo3a9o", Offset: big });
  assert.equal((emulator.calls()[0]?.params as { Offset: unknown }).Offset, big);
  const admin = await emulator.handle(new Request("http://127.0.0.1:4566/_emulator/calls"));
  assert.match(await admin.text(), /"Offset": 18446744073709551615/);
});

Deno.test("emulator: rate limits per action, region and SecretId, scaled by rateScale", async () => {
  const { trocket, code, advance } = setup();
  const outcomes: Array<string | undefined> = [];
  for (let i = 0; i < 22; i++) {
    outcomes.push(code(await trocket("DescribeTopicList", { InstanceId: "rmq-72mo3a9o" })));
  }
  assert.equal(outcomes.filter((c) => c === undefined).length, 20);
  assert.deepEqual(outcomes.slice(20), ["RequestLimitExceeded", "RequestLimitExceeded"]);
  // Another region, or another action, has its own bucket.
  assert.equal(
    code(
      await trocket("DescribeTopicList", { InstanceId: "rmq-72mo3a9o" }, { region: "ap-shanghai" }),
    ),
    "ResourceNotFound.Instance",
  );
  assert.equal(code(await trocket("DescribeInstance", { InstanceId: "rmq-72mo3a9o" })), undefined);
  advance(1000);
  assert.equal(code(await trocket("DescribeTopicList", { InstanceId: "rmq-72mo3a9o" })), undefined);

  const half = setup({ rateScale: 0.5 });
  let ok = 0;
  for (let i = 0; i < 15; i++) {
    if (
      half.code(await half.trocket("DescribeTopicList", { InstanceId: "rmq-72mo3a9o" })) ===
        undefined
    ) ok++;
  }
  assert.equal(ok, 10);
});

Deno.test("emulator: faults — codes, 5xx, latency, cut before and after applying", async () => {
  const { emulator, trocket, code, slept } = setup({
    faults: "rate=1;codes=ResourceUnavailable;actions=CreateTopic",
  });
  const create = (topic: string) =>
    trocket("CreateTopic", {
      InstanceId: "rmq-72mo3a9o",
      Topic: topic,
      TopicType: "NORMAL",
      QueueNum: 4,
    });
  assert.equal(code(await create("topic-a")), "ResourceUnavailable");
  assert.equal(code(await trocket("DescribeInstance", { InstanceId: "rmq-72mo3a9o" })), undefined);

  emulator.setFaults("cut-before=1", 1);
  await assert.rejects(() => create("topic-b"), TypeError);
  emulator.setFaults(undefined);
  assert.equal(
    (await trocket("DescribeTopicList", { InstanceId: "rmq-72mo3a9o" })).TotalCount,
    0,
    "cut-before applies nothing",
  );

  emulator.setFaults("cut-after=1");
  await assert.rejects(() => create("topic-c"), TypeError);
  emulator.setFaults(undefined);
  const after = await trocket("DescribeTopicList", { InstanceId: "rmq-72mo3a9o" });
  assert.deepEqual(
    (after.Data as Array<{ Topic: string }>).map((t) => t.Topic),
    ["topic-c"],
    "cut-after applied it",
  );

  emulator.setFaults("5xx=1:503;latency=250ms");
  const response = await emulator.handle(
    await signedRequest({
      service: "trocket",
      action: "DescribeInstanceList",
      params: { Offset: 0, Limit: 20 },
      region: "ap-guangzhou",
      timestampS: T0_MS / 1000,
    }),
  );
  assert.equal(response.status, 503);
  assert.deepEqual(slept, [250]);
  assert.deepEqual(emulator.calls().map((c) => c.outcome), [
    "ResourceUnavailable",
    "ok",
    "cut-before",
    "ok",
    "cut-after",
    "ok",
    "5xx",
  ]);
  assert.throws(() => emulator.setFaults("rate=7"), /probability/);
});

Deno.test("emulator: faults replay identically from the same seed", async () => {
  const outcomes = async (seed: number) => {
    const { emulator, trocket } = setup({
      faults: "rate=0.3;cut-before=0.2;codes=InternalError",
      faultSeed: seed,
      rateScale: Infinity,
    });
    for (let i = 0; i < 40; i++) {
      await trocket("DescribeInstance", { InstanceId: "rmq-72mo3a9o" }).catch(() => undefined);
    }
    return emulator.calls().map((c) => c.outcome);
  };
  const a = await outcomes(11);
  assert.deepEqual(a, await outcomes(11));
  assert.ok(a.includes("InternalError") && a.includes("cut-before") && a.includes("ok"));
  assert.notDeepEqual(a, await outcomes(12));
});

Deno.test("emulator: admin routes state, calls, faults, reset", async () => {
  const { emulator, trocket } = setup();
  const admin = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await emulator.handle(new Request(`http://127.0.0.1:4566${path}`, init));
    return {
      status: res.status,
      body: parseJson(await res.text(), "auto") as Record<string, unknown>,
    };
  };
  const state = await admin("GET", "/_emulator/state");
  assert.deepEqual(Object.keys(state.body).sort(), [
    "apigateway",
    "huaweicloud/cph",
    "ssl",
    "trocket",
    "yunjing",
  ]);
  await trocket("CreateTopic", {
    InstanceId: "rmq-72mo3a9o",
    Topic: "made-here",
    TopicType: "NORMAL",
    QueueNum: 3,
  });
  const calls = await admin("GET", "/_emulator/calls");
  assert.equal((calls.body as unknown as unknown[]).length, 1);
  assert.deepEqual((await admin("POST", "/_emulator/faults", { spec: "rate=0.5", seed: 9 })).body, {
    spec: "rate=0.5",
    seed: 9,
    injected: 0,
  });
  assert.deepEqual((await admin("GET", "/_emulator/faults")).body, {
    spec: "rate=0.5",
    seed: 9,
    injected: 0,
  });
  const bad = await admin("POST", "/_emulator/faults", { spec: "rate=x" });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /InvalidFaultSpec/);
  assert.equal((await admin("POST", "/_emulator/reset")).status, 200);
  assert.deepEqual(emulator.calls(), []);
  assert.deepEqual((await admin("GET", "/_emulator/faults")).body, {
    spec: null,
    seed: 0,
    injected: 0,
  });
  const topics = await trocket("DescribeTopicList", { InstanceId: "rmq-72mo3a9o" });
  assert.equal(topics.TotalCount, 0, "reset restores the seed data");
  assert.equal((await admin("GET", "/_emulator/nope")).status, 404);
});

Deno.test("emulator: data option seeds services; reset restores it; ids are reproducible", async () => {
  const data = {
    trocket: {
      instances: [{ InstanceId: "rmq-mine0001", InstanceName: "mine", Region: "ap-guangzhou" }],
    },
  };
  const { trocket, emulator } = setup({ data, seed: 5 });
  assert.equal((await trocket("DescribeInstanceList", { Offset: 0, Limit: 20 })).TotalCount, 1);
  const vpc = [{ VpcId: "v", SubnetId: "s" }];
  const first = await trocket("CreateInstance", {
    InstanceType: "BASIC",
    Name: "n",
    SkuCode: "s",
    VpcList: vpc,
  });
  emulator.reset();
  assert.equal((await trocket("DescribeInstanceList", { Offset: 0, Limit: 20 })).TotalCount, 1);
  const again = await trocket("CreateInstance", {
    InstanceType: "BASIC",
    Name: "n",
    SkuCode: "s",
    VpcList: vpc,
  });
  assert.equal(again.InstanceId, first.InstanceId);
  assert.match(String(first.InstanceId), /^rmq-[0-9a-z]{8}$/);
  assert.throws(() => createEmulator({ data: { nosuch: {} } }), /unknown service "nosuch"/);
});

Deno.test("emulator: v1 GET and form POST requests are verified and typed", async () => {
  const { signV1Params, encodeV1Params } = await import("../tencent/signer_v1.ts");
  const { emulator } = setup();
  const params = await signV1Params({
    host: "trocket.tencentcloudapi.com",
    action: "DescribeTopicList",
    version: "2023-03-08",
    region: "ap-guangzhou",
    timestampS: T0_MS / 1000,
    nonce: 42,
    algorithm: "HmacSHA256",
    params: {
      InstanceId: "rmq-2x9f8k1p",
      Limit: "1",
      "Filters.0.Name": "TopicName",
      "Filters.0.Values.0": "order",
    },
  }, DEMO_CREDENTIAL);
  const get = await emulator.handle(
    new Request(`http://127.0.0.1:4566/?${encodeV1Params(params)}`, {
      headers: { host: "trocket.tencentcloudapi.com" },
    }),
  );
  const body = (await get.json()) as {
    Response: { TotalCount: number; Data: Array<{ Topic: string }> };
  };
  assert.equal(body.Response.TotalCount, 1);
  assert.equal(body.Response.Data[0]?.Topic, "order-events");
  assert.deepEqual(emulator.calls()[0]?.params, {
    InstanceId: "rmq-2x9f8k1p",
    Limit: 1,
    Filters: [{ Name: "TopicName", Values: ["order"] }],
  });
  const form = await signV1Params({
    method: "POST",
    host: "trocket.tencentcloudapi.com",
    action: "DescribeInstance",
    version: "2023-03-08",
    region: "ap-guangzhou",
    timestampS: T0_MS / 1000,
    nonce: 7,
    algorithm: "HmacSHA1",
    params: { InstanceId: "rmq-72mo3a9o" },
  }, DEMO_CREDENTIAL);
  const post = await emulator.handle(
    new Request("http://127.0.0.1:4566/", {
      method: "POST",
      headers: {
        host: "trocket.tencentcloudapi.com",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: encodeV1Params(form),
    }),
  );
  const posted = (await post.json()) as { Response: { InstanceName: string } };
  assert.equal(posted.Response.InstanceName, "demo-target");
  form.InstanceId = "rmq-2x9f8k1p";
  const tampered = await emulator.handle(
    new Request("http://127.0.0.1:4566/", {
      method: "POST",
      headers: {
        host: "trocket.tencentcloudapi.com",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: encodeV1Params(form),
    }),
  );
  assert.match(await tampered.text(), /AuthFailure\.SignatureFailure/);
});

Deno.test("emulator: Huawei CPH requests are routed to its emulator and logged", async () => {
  const { signHuawei } = await import("../huawei/signer.ts");
  const { HUAWEI_DEMO_CREDENTIAL } = await import("./huawei_cph.ts");
  const { emulator } = setup();
  const host = "cph.cn-north-4.myhuaweicloud.com";
  const path = `/v1/${HUAWEI_DEMO_CREDENTIAL.projectId}/cloud-phone/encode-servers`;
  const headers = await signHuawei(
    { method: "GET", host, path, query: { limit: "2" }, headers: {}, body: new Uint8Array() },
    HUAWEI_DEMO_CREDENTIAL,
    new Date(T0_MS),
  );
  const response = await emulator.handle(
    new Request(`http://127.0.0.1:4566${path}?limit=2`, { headers: { ...headers, host } }),
  );
  assert.equal(response.status, 200, await response.clone().text());
  const body = (await response.json()) as { encode_servers: unknown[] };
  assert.equal(body.encode_servers.length, 2);
  const [call] = emulator.calls();
  assert.equal(call?.service, "huaweicloud/cph");
  assert.equal(call?.outcome, "ok");
  assert.equal(call?.secretId, HUAWEI_DEMO_CREDENTIAL.ak);
  assert.ok("huaweicloud/cph" in emulator.state());
});
