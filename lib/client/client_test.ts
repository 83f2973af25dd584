import assert from "node:assert/strict";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { serveEmulator } from "../emulator/server.ts";
import { ConfigError, UsageError } from "../errors.ts";
import { NetworkError, TencentApiError } from "../tencent/errors.ts";
import { createClient, type TcflowClient } from "../../mod.ts";
import type { DescribeTopicListRequest, DescribeTopicListResponse } from "./types/trocket.ts";

const INSTANCE = "rmq-2x9f8k1p";
const BIG = 18446744073709551615n; // the largest uint64

/**
 * Backoff and pacing sleeps (under 10 s) end at once and are recorded; longer ones (the
 * client's 30 s request timeout) end only when aborted.
 */
function instantSleep(slept: number[]) {
  return (ms: number, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    if (ms < 10_000) {
      slept.push(ms);
      return Promise.resolve();
    }
    return new Promise<void>((_, reject) =>
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true })
    );
  };
}

/** Emulator data whose instance INSTANCE has one topic with a uint64 `MsgTTL`. */
function dataWithBigTopic(): unknown {
  const trocket = createEmulator().state().trocket as {
    instances: Array<{ InstanceId: string; topics: unknown[] }>;
  };
  trocket.instances.find((i) => i.InstanceId === INSTANCE)!.topics = [{
    Topic: "big-ttl",
    TopicType: "NORMAL",
    QueueNum: 3,
    Remark: "",
    MsgTTL: BIG,
    CreatedTime: 1714521600000,
    TagList: [],
  }];
  return { trocket };
}

/**
 * Reads the uint64 from a response and sends it back in a request: returns what the client
 * got and what the emulator received.
 */
async function uint64RoundTrip(
  client: TcflowClient,
  calls: () => Array<{ action: string; params: unknown }>,
): Promise<{ received: unknown; sent: unknown }> {
  const listed = await client.trocket.DescribeTopicList({ InstanceId: INSTANCE, Limit: 100 });
  const ttl = listed.Data.find((t) => t.Topic === "big-ttl")?.MsgTTL;
  assert.ok(typeof ttl === "bigint", `MsgTTL is ${typeof ttl}`);
  await client.trocket.ModifyTopic({ InstanceId: INSTANCE, Topic: "big-ttl", MsgTTL: ttl });
  const modify = calls().find((c) => c.action === "ModifyTopic");
  return { received: ttl, sent: (modify?.params as { MsgTTL?: unknown }).MsgTTL };
}

Deno.test("typed calls against the in-process emulator, with bigint integers", async () => {
  const client = createClient({ region: "ap-guangzhou", emulator: true });
  const instances = await client.trocket.DescribeInstanceList({ Offset: 0, Limit: 10 });
  assert.equal(typeof instances.TotalCount, "bigint");
  assert.equal(instances.TotalCount, BigInt(instances.Data.length));
  assert.match(instances.RequestId, /\S/);
  const created = await client.trocket.CreateTopic({
    InstanceId: INSTANCE,
    Topic: "made-by-client",
    TopicType: "NORMAL",
    QueueNum: 3,
  });
  assert.equal(created.Topic, "made-by-client");
  const log = client.emulator!.calls();
  assert.deepEqual(log.map((c) => c.action), ["DescribeInstanceList", "CreateTopic"]);
  assert.equal(log[1]!.region, "ap-guangzhou");
  assert.equal((log[1]!.params as { QueueNum: unknown }).QueueNum, 3);
});

Deno.test("a uint64 from a response reaches a later request unchanged (in-process)", async () => {
  const emulator = createEmulator({ data: dataWithBigTopic() });
  const client = createClient({ region: "ap-guangzhou", emulator });
  assert.deepEqual(await uint64RoundTrip(client, () => emulator.calls()), {
    received: BIG,
    sent: BIG,
  });
});

Deno.test("over loopback: the real HTTP path, a uint64 round trip and any action by name", async () => {
  const server = await serveEmulator({ port: 0, data: dataWithBigTopic() });
  try {
    const client = createClient({
      region: "ap-guangzhou",
      endpointUrl: server.url,
      credential: { ...DEMO_CREDENTIAL },
    });
    assert.deepEqual(await uint64RoundTrip(client, () => server.emulator.calls()), {
      received: BIG,
      sent: BIG,
    });
    const certs = await client.call("tencentcloud/ssl.DescribeCertificates", { Limit: 2 });
    assert.ok(Array.isArray(certs.Certificates));
    assert.ok((certs.Certificates as unknown[]).length <= 2);
    assert.equal(typeof certs.TotalCount, "bigint");
    const ports = await client.yunjing.DescribeOpenPorts({ Limit: 5 });
    assert.ok(ports.OpenPorts !== undefined && ports.OpenPorts !== null);
    assert.equal(
      server.emulator.calls().filter((c) => c.action === "ModifyTopic").length,
      1,
      "the modification was sent once",
    );
  } finally {
    await server.close();
  }
});

Deno.test("parameters are checked against the catalog before anything is sent", async () => {
  const client = createClient({ region: "ap-guangzhou", emulator: true });
  await assert.rejects(
    // @ts-expect-error: `InstanceID` is not a parameter of DescribeTopicList (InstanceId is).
    client.trocket.DescribeTopicList({ InstanceID: INSTANCE }),
    (error: unknown) => {
      assert.ok(error instanceof TencentApiError);
      assert.equal(error.code, "UnknownParameter");
      assert.equal(error.httpStatus, 0);
      assert.match(error.message, /InstanceID/);
      return true;
    },
  );
  await assert.rejects(
    client.call("trocket.CreateTopic", { InstanceId: INSTANCE, Topic: "t", TopicType: "NORMAL" }),
    (error: unknown) =>
      error instanceof TencentApiError && error.code === "MissingParameter" &&
      /QueueNum/.test(error.message),
  );
  await assert.rejects(
    client.call("trocket.DescribeTopicList", { InstanceId: 42 }),
    (error: unknown) => error instanceof TencentApiError && error.code === "InvalidParameterValue",
  );
  assert.deepEqual(client.emulator!.calls(), [], "no request reached the emulator");
});

Deno.test("unknown actions and services are InvalidAction with a suggestion", async () => {
  const client = createClient({ region: "ap-guangzhou", emulator: true });
  await assert.rejects(
    client.call("trocket.DescribeTopicLst", { InstanceId: INSTANCE }),
    (error: unknown) =>
      error instanceof TencentApiError && error.code === "InvalidAction" &&
      /did you mean DescribeTopicList/.test(error.message),
  );
  await assert.rejects(
    client.call("trockett.DescribeTopicList"),
    (error: unknown) =>
      error instanceof TencentApiError && /did you mean "trocket"/.test(error.message),
  );
  await assert.rejects(
    client.call("DescribeTopicList"),
    (error: unknown) => error instanceof TencentApiError && error.code === "InvalidAction",
  );
});

Deno.test("API errors keep the code and request id and are not retried when retrying cannot help", async () => {
  const client = createClient({ region: "ap-guangzhou", emulator: true });
  await assert.rejects(
    client.trocket.DescribeTopicList({ InstanceId: "rmq-doesnotexist" }),
    (error: unknown) => {
      assert.ok(error instanceof TencentApiError);
      assert.match(error.code, /^ResourceNotFound/);
      assert.equal(error.httpStatus, 200);
      assert.match(error.requestId ?? "", /\S/);
      return true;
    },
  );
  assert.equal(client.emulator!.calls().length, 1);
});

Deno.test("throttling of a read is retried with backoff, then given up after the attempts", async () => {
  const slept: number[] = [];
  const emulator = createEmulator();
  emulator.setFaults("rate=1;codes=RequestLimitExceeded;times=3;actions=DescribeTopicList");
  const client = createClient({
    region: "ap-guangzhou",
    emulator,
    deps: { sleep: instantSleep(slept), random: () => 0.5 },
    retry: { attempts: 4, delayMs: 100, jitter: "none" },
  });
  const topics = await client.trocket.DescribeTopicList({ InstanceId: INSTANCE });
  assert.ok(topics.Data.length > 0);
  const outcomes = emulator.calls().map((c) => c.outcome);
  assert.deepEqual(outcomes, [
    "RequestLimitExceeded",
    "RequestLimitExceeded",
    "RequestLimitExceeded",
    "ok",
  ]);
  // Backoff 100, 200, 400 ms (jitter none), besides any rate-limiter pacing.
  for (const delay of [100, 200, 400]) assert.ok(slept.includes(delay), `slept ${slept}`);

  emulator.reset();
  emulator.setFaults("rate=1;codes=RequestLimitExceeded;actions=DescribeTopicList");
  await assert.rejects(
    client.trocket.DescribeTopicList({ InstanceId: INSTANCE }, { retry: { attempts: 2 } }),
    (error: unknown) => error instanceof TencentApiError && error.code === "RequestLimitExceeded",
  );
  assert.equal(emulator.calls().length, 2);
});

Deno.test("a mutating call cut after it was applied is not sent again (no ClientToken)", async () => {
  const emulator = createEmulator();
  emulator.setFaults("cut-after=1;times=1;actions=CreateTopic");
  const client = createClient({
    region: "ap-guangzhou",
    emulator,
    deps: { sleep: instantSleep([]) },
  });
  await assert.rejects(
    client.trocket.CreateTopic({
      InstanceId: INSTANCE,
      Topic: "maybe-made",
      TopicType: "NORMAL",
      QueueNum: 3,
    }),
    (error: unknown) => {
      assert.ok(error instanceof NetworkError);
      assert.match(error.message, /may have been applied/);
      assert.match(error.message, /DescribeTopicList/);
      return true;
    },
  );
  assert.deepEqual(emulator.calls().map((c) => c.outcome), ["cut-after"]);
});

Deno.test("without credentials the first call fails with a ConfigError naming the sources", async () => {
  const client = createClient({
    region: "ap-guangzhou",
    env: () => undefined,
    deps: { fetch: () => Promise.reject(new Error("nothing may be sent")) },
  });
  await assert.rejects(
    client.trocket.DescribeTopicList({ InstanceId: INSTANCE }),
    (error: unknown) =>
      error instanceof ConfigError && /TENCENTCLOUD_SECRET_ID/.test(error.message),
  );
});

Deno.test("a bad region, endpoint URL or rate scale is a UsageError naming the option, nothing sent", async () => {
  const nothing = { fetch: () => Promise.reject(new Error("nothing may be sent")) };
  const usage = (pattern: RegExp) => (error: unknown) =>
    error instanceof UsageError && pattern.test(error.message);
  assert.throws(
    () => createClient({ region: "ap guangzhou", emulator: true, deps: nothing }),
    usage(/^region must be a region name like ap-guangzhou, got "ap guangzhou"$/),
  );
  assert.throws(
    () => createClient({ region: "ap-guangzhou", endpointUrl: "localhost:4566", deps: nothing }),
    usage(
      /^endpointUrl \(or TCFLOW_ENDPOINT_URL\) must be http:\/\/ or https:\/\/, got localhost:$/,
    ),
  );
  assert.throws(
    () => createClient({ region: "ap-guangzhou", endpointUrl: "http://[bad", deps: nothing }),
    usage(/^endpointUrl \(or TCFLOW_ENDPOINT_URL\): not a URL: "http:\/\/\[bad"$/),
  );
  assert.throws(
    () => createClient({ region: "ap-guangzhou", emulator: true, rateScale: 0, deps: nothing }),
    usage(/^rateScale must be a number > 0, got 0$/),
  );
  const client = createClient({ region: "ap-guangzhou", emulator: true });
  await assert.rejects(
    client.trocket.DescribeTopicList({ InstanceId: INSTANCE }, { region: "ap-guangzhou/x" }),
    usage(/^region must be a region name/),
  );
  assert.deepEqual(client.emulator!.calls(), []);
});

Deno.test("rate scale applies to the client's limiter and the in-process emulator", async () => {
  const client = createClient({ region: "ap-guangzhou", emulator: true, rateScale: 10 });
  // DescribeTopicList is documented at 20/s: ×10 with 0.9 headroom → 180/s, so 40 calls take
  // at least ~200 ms and none is throttled by the emulator (at 200/s).
  const start = performance.now();
  for (let i = 0; i < 40; i++) await client.trocket.DescribeTopicList({ InstanceId: INSTANCE });
  const elapsedMs = performance.now() - start;
  assert.ok(elapsedMs >= 180, `40 calls in ${elapsedMs} ms`);
  assert.ok(client.emulator!.calls().every((c) => c.outcome === "ok"));
});

Deno.test("an action with a ClientToken is retried after a cut with the same token, applied once", async () => {
  // The emulator applies the first two calls and cuts the connection before answering.
  const emulator = createEmulator({ faults: "cut-after=1;times=2;actions=AllocateAddresses" });
  const client = createClient({
    region: "ap-guangzhou",
    emulator,
    deps: { sleep: instantSleep([]) },
  });
  const result = await client.call("vpc.AllocateAddresses", { AddressCount: 1 });
  const calls = () => emulator.calls().filter((c) => c.action === "AllocateAddresses");
  assert.deepEqual(calls().map((c) => c.outcome), ["cut-after", "cut-after", "ok"]);
  const tokens = new Set(calls().map((c) => (c.params as { ClientToken?: string }).ClientToken));
  assert.equal(tokens.size, 1, "one token for every attempt");
  const token = [...tokens][0] ?? "";
  assert.match(token, /^[0-9a-f]{32}$/);
  // Applied once: the emulator keeps one answer under the token, and the retry got that answer.
  const state = () =>
    (emulator.state().vpc as { tokens: Record<string, { TaskId: string }> }).tokens;
  assert.deepEqual(Object.keys(state()), [`2017-03-12|AllocateAddresses|${token}`]);
  assert.equal(
    (result as { TaskId?: string }).TaskId,
    state()[`2017-03-12|AllocateAddresses|${token}`]!.TaskId,
  );
  // A second logical call gets a new token: applied again.
  await client.call("vpc.AllocateAddresses", { AddressCount: 1 });
  assert.equal(Object.keys(state()).length, 2);
  assert.equal(calls().length, 4);
});

Deno.test("untyped calls skip the catalog and reach the server", async () => {
  const client = createClient({ region: "ap-guangzhou", emulator: true });
  await assert.rejects(
    client.call("trocket.DescribeNothing", { Anything: 1 }, { untyped: true }),
    (error: unknown) => error instanceof TencentApiError && error.code === "InvalidAction",
  );
  assert.equal(client.emulator!.calls().length, 0, "untyped needs a version");
  await assert.rejects(
    client.call("trocket.DescribeNothing", { Anything: 1 }, {
      untyped: true,
      version: "2023-03-08",
    }),
    (error: unknown) => error instanceof TencentApiError && error.httpStatus === 200,
  );
  assert.equal(client.emulator!.calls().length, 1);
});

Deno.test("request and response types (checked at compile time)", () => {
  // Integers: number or bigint in requests; bigint in responses; optional fields optional.
  const byNumber: DescribeTopicListRequest = { InstanceId: INSTANCE, Limit: 10 };
  const byBigint: DescribeTopicListRequest = { InstanceId: INSTANCE, Limit: 10n };
  // @ts-expect-error: InstanceId is required.
  const missing: DescribeTopicListRequest = { Limit: 10 };
  // @ts-expect-error: Limit is an Integer, not a string.
  const wrong: DescribeTopicListRequest = { InstanceId: INSTANCE, Limit: "10" };
  const response: DescribeTopicListResponse = { Data: [], TotalCount: 3n, RequestId: "r" };
  // @ts-expect-error: integers of responses are bigint.
  const asNumber: number = response.TotalCount;
  const total: bigint | null | undefined = response.TotalCount;
  assert.deepEqual([byNumber.Limit, byBigint.Limit, missing.Limit, wrong.InstanceId], [
    10,
    10n,
    10,
    INSTANCE,
  ]);
  assert.equal(total, asNumber);
});
