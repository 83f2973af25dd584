import assert from "node:assert/strict";
import { systemDeps } from "../deps.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { createVirtualClock } from "../engine/virtual_clock.ts";
import { createTencentClient } from "./client.ts";
import { NetworkError, TencentApiError } from "./errors.ts";

const credential = { secretId: DEMO_CREDENTIAL.secretId, secretKey: DEMO_CREDENTIAL.secretKey };
const V = "2023-03-08";
const REGION = "ap-guangzhou";
const LIST = { Offset: 0, Limit: 10 };

function setup(emulatorOptions: Parameters<typeof createEmulator>[0] = {}) {
  const emulator = createEmulator(emulatorOptions);
  const deps = { ...systemDeps(), fetch: (r: Request) => emulator.handle(r) };
  return { emulator, deps, client: createTencentClient({ deps, credential }) };
}

Deno.test("a call returns the Response without RequestId, integers as bigint", async () => {
  const { client, emulator } = setup();
  const result = await client.call("trocket", "DescribeTopicList", V, REGION, {
    InstanceId: "rmq-2x9f8k1p",
    Limit: 5,
  });
  assert.equal(result.httpStatus, 200);
  assert.match(result.requestId, /^[0-9a-f-]{36}$/);
  assert.equal(result.response.RequestId, undefined);
  assert.equal(typeof result.response.TotalCount, "bigint");
  assert.ok(Array.isArray(result.response.Data));
  const [call] = emulator.calls();
  assert.equal(call?.action, "DescribeTopicList");
  assert.equal(call?.outcome, "ok");
  assert.equal(call?.secretId, credential.secretId);
  assert.equal(call?.region, REGION);
});

Deno.test("API errors keep code, message, request id and status", async () => {
  const { client } = setup();
  await assert.rejects(
    client.call("trocket", "DescribeTopicList", V, REGION, { InstanceId: "rmq-nope" }),
    (error) => {
      assert.ok(error instanceof TencentApiError);
      assert.match(error.code, /^ResourceNotFound/);
      assert.equal(error.httpStatus, 200);
      assert.match(error.requestId ?? "", /^[0-9a-f-]{36}$/);
      assert.equal(error.service, "trocket");
      assert.equal(error.action, "DescribeTopicList");
      return true;
    },
  );
});

Deno.test("a wrong secret key is answered with AuthFailure.SignatureFailure", async () => {
  const emulator = createEmulator();
  const deps = { ...systemDeps(), fetch: (r: Request) => emulator.handle(r) };
  const client = createTencentClient({ deps, credential: { ...credential, secretKey: "wrong" } });
  await assert.rejects(
    client.call("trocket", "DescribeInstanceList", V, REGION, LIST),
    (e) => e instanceof TencentApiError && e.code === "AuthFailure.SignatureFailure",
  );
});

Deno.test("uint64 parameters are sent exactly; ClientToken is filled", async () => {
  const { client, emulator } = setup();
  const big = 18446744073709551615n;
  await client.call("trocket", "DescribeTopicList", V, REGION, {
    InstanceId: "rmq-2x9f8k1p",
    Offset: big,
  }, { clientToken: "tok-1" }).catch(() => undefined);
  const params = emulator.calls()[0]?.params as Record<string, unknown>;
  assert.equal(params.Offset, big);
  assert.equal(params.ClientToken, "tok-1");
});

Deno.test("clock skew: SignatureExpire → corrected from the Date header, re-signed once", async () => {
  const realNow = Date.now();
  const emulator = createEmulator({ now: () => realNow });
  const skewedNow = realNow - 10 * 60_000; // our clock is 10 minutes late
  const deps = { ...systemDeps(), now: () => skewedNow, fetch: (r: Request) => emulator.handle(r) };
  const client = createTencentClient({ deps, credential });
  const result = await client.call("trocket", "DescribeInstanceList", V, REGION, LIST);
  assert.equal(result.httpStatus, 200);
  const outcomes = emulator.calls().map((c) => c.outcome);
  assert.deepEqual(outcomes, ["AuthFailure.SignatureExpire", "ok"]);
  assert.ok(Math.abs(client.clockOffsetMs() - 10 * 60_000) < 1000, `${client.clockOffsetMs()}`);
  // The correction is kept: the next call is signed right the first time.
  await client.call("trocket", "DescribeInstanceList", V, REGION, LIST);
  assert.equal(emulator.calls().length, 3);
});

Deno.test("a connection cut after the request is applied is an after-send NetworkError", async () => {
  const { client, emulator } = setup({ faults: "cut-after=1", faultSeed: 1 });
  await assert.rejects(
    client.call("trocket", "DescribeInstanceList", V, REGION, LIST),
    (e) =>
      e instanceof NetworkError && e.phase === "after-send" && e.code === "NetworkError.AfterSend",
  );
  assert.equal(emulator.calls()[0]?.outcome, "cut-after");
});

Deno.test("HTTP 5xx without a JSON body becomes HttpStatus.<n>", async () => {
  const { client } = setup({ faults: "5xx=1:503" });
  await assert.rejects(
    client.call("trocket", "DescribeInstanceList", V, REGION, LIST),
    (e) => e instanceof TencentApiError && e.code === "HttpStatus.503" && e.httpStatus === 503,
  );
});

Deno.test("a request without an answer times out (virtual clock)", async () => {
  const clock = createVirtualClock({ startMs: Date.now() });
  const emulator = createEmulator({
    now: clock.now,
    faults: "latency=1:60s",
    sleep: () => new Promise<void>(() => {}), // the answer never comes
  });
  const deps = { ...systemDeps(), ...clock, fetch: (r: Request) => emulator.handle(r) };
  const client = createTencentClient({ deps, credential, timeoutMs: 5_000 });
  const startMs = clock.now();
  await assert.rejects(
    client.call("trocket", "DescribeInstanceList", V, REGION, LIST),
    (e) => e instanceof NetworkError && e.phase === "timeout",
  );
  assert.equal(clock.now() - startMs, 5_000);
});

Deno.test("the caller's abort rejects with its reason", async () => {
  const { client } = setup();
  const controller = new AbortController();
  controller.abort(new Error("user stop"));
  await assert.rejects(
    client.call("trocket", "DescribeInstanceList", V, REGION, LIST, { signal: controller.signal }),
    /user stop/,
  );
});

Deno.test("session token and language headers are sent; bytes signed are bytes sent", async () => {
  const emulator = createEmulator();
  const seen: Request[] = [];
  const deps = {
    ...systemDeps(),
    fetch: (r: Request) => {
      seen.push(r.clone());
      return emulator.handle(r);
    },
  };
  const client = createTencentClient({
    deps,
    credential: { ...credential, token: "session-token-1" },
    language: "en-US",
  });
  await client.call("trocket", "DescribeInstanceList", V, REGION, { Offset: 0, Limit: 1 }).catch(
    () => undefined,
  );
  const request = seen[0]!;
  assert.equal(request.headers.get("x-tc-token"), "session-token-1");
  assert.equal(request.headers.get("x-tc-language"), "en-US");
  assert.equal(request.headers.get("x-tc-action"), "DescribeInstanceList");
  assert.equal(request.headers.get("host"), "trocket.tencentcloudapi.com");
  assert.equal(await request.text(), '{"Offset":0,"Limit":1}');
});
