import assert from "node:assert/strict";
import type { Deps } from "../deps.ts";
import { createHuaweiCphEmulator, HUAWEI_DEMO_CREDENTIAL } from "../emulator/huawei_cph.ts";
import { huaweiCphSeed } from "../emulator/huawei_cph_data.ts";
import { NetworkError } from "../tencent/errors.ts";
import { createHuaweiClient } from "./client.ts";
import { HuaweiApiError, HuaweiRequestError } from "./errors.ts";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

function deps(fetch: Deps["fetch"]): Pick<Deps, "now" | "sleep" | "fetch"> {
  return {
    now: () => NOW,
    fetch,
    // Timers that never fire unless a test wants them to.
    sleep: (_ms, signal) =>
      new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason))),
  };
}

Deno.test("calls ListEncodeServers against the emulator by any of its names", async () => {
  const cph = createHuaweiCphEmulator({ now: () => NOW });
  const client = createHuaweiClient({
    deps: deps(cph.handle),
    credential: HUAWEI_DEMO_CREDENTIAL,
    region: "cn-north-4",
  });
  assert.equal(client.ak, HUAWEI_DEMO_CREDENTIAL.ak);
  const seed = huaweiCphSeed().encode_servers;
  for (
    const name of [
      "ListEncodeServers",
      "cph.ListEncodeServers",
      "huaweicloud/cph.ListEncodeServers",
    ]
  ) {
    const result = await client.call(name, { limit: 4, type: 0 });
    assert.equal(result.httpStatus, 200);
    assert.match(result.requestId, /^[0-9a-f]{32}$/);
    const servers = result.response.encode_servers as Array<Record<string, unknown>>;
    assert.deepEqual(
      servers.map((s) => s.encode_server_id),
      seed.filter((s) => s.type === 0).slice(0, 4).map((s) => s.encode_server_id),
    );
    assert.equal(servers[0]!.type, 0n, "integers are exact (bigint)");
    assert.ok(!("request_id" in result.response));
  }
  const invoked = await client.invoke("huaweicloud/cph", "ListEncodeServers", "v1", "", {
    server_id: "none",
  });
  assert.deepEqual(invoked.response.encode_servers, []);
});

Deno.test("API errors keep Huawei's code, request id and HTTP status", async () => {
  const cph = createHuaweiCphEmulator({ now: () => NOW });
  const client = createHuaweiClient({
    deps: deps(cph.handle),
    credential: { ...HUAWEI_DEMO_CREDENTIAL, sk: "not-the-key" },
    region: "cn-north-4",
  });
  const error = await client.call("ListEncodeServers").then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof HuaweiApiError);
  assert.equal(error.code, "APIGW.0301");
  assert.equal(error.httpStatus, 401);
  assert.match(error.requestId ?? "", /^[0-9a-f]{32}$/);
  assert.doesNotMatch(error.message, /not-the-key/);
});

Deno.test("unknown operations and unsendable parameters fail before sending", async () => {
  let sent = 0;
  const client = createHuaweiClient({
    deps: deps(() => {
      sent++;
      return Promise.resolve(new Response("{}"));
    }),
    credential: HUAWEI_DEMO_CREDENTIAL,
    region: "cn-north-4",
  });
  await assert.rejects(
    client.call("cph.ListEncodeServer"),
    (e: unknown) => e instanceof HuaweiRequestError && e.code === "E_UNKNOWN_ACTION",
  );
  await assert.rejects(client.call("ListEncodeServers", { Offset: 1 }), HuaweiRequestError);
  await assert.rejects(
    client.invoke("huaweicloud/cph", "ListEncodeServers", "v9", "r", {}),
    /not in the Huawei catalog/,
  );
  assert.equal(sent, 0);
});

Deno.test("network failures: refused connection is before-send, a timeout is a timeout", async () => {
  const refused = createHuaweiClient({
    deps: deps(() =>
      Promise.reject(new TypeError("error sending request: tcp connect error: Connection refused"))
    ),
    credential: HUAWEI_DEMO_CREDENTIAL,
    region: "cn-north-4",
  });
  await assert.rejects(
    refused.call("ListEncodeServers"),
    (e: unknown) =>
      e instanceof NetworkError && e.phase === "before-send" && e.service === "huaweicloud/cph",
  );

  // The request never answers; the timer the client starts for its timeout (whenever signing
  // lets it start) runs out on the next turn of the event loop.
  let timers = 0;
  const slow = createHuaweiClient({
    deps: {
      now: () => NOW,
      fetch: () => new Promise(() => {}),
      sleep: (_ms, signal) =>
        new Promise((resolve, reject) => {
          timers++;
          setTimeout(resolve, 0);
          signal?.addEventListener("abort", () => reject(signal.reason));
        }),
    },
    credential: HUAWEI_DEMO_CREDENTIAL,
    region: "cn-north-4",
    timeoutMs: 5,
  });
  await assert.rejects(
    slow.call("ListEncodeServers"),
    (e: unknown) => e instanceof NetworkError && e.phase === "timeout",
  );
  assert.equal(timers, 1);
});

Deno.test("a caller's abort rejects with its reason, while in flight or while signing", async () => {
  let sent: () => void = () => {};
  const inFlight = new Promise<void>((resolve) => sent = resolve);
  let sends = 0;
  const client = createHuaweiClient({
    deps: deps(() => {
      sends++;
      sent();
      return new Promise(() => {});
    }),
    credential: HUAWEI_DEMO_CREDENTIAL,
    region: "cn-north-4",
  });

  const waiting = new AbortController();
  const pending = client.call("ListEncodeServers", {}, { signal: waiting.signal });
  await inFlight;
  waiting.abort(new Error("stop"));
  await assert.rejects(pending, /stop/);
  assert.equal(sends, 1);

  // Aborted while the request is being signed: it is never sent, and the call still settles.
  const signing = new AbortController();
  const early = client.call("ListEncodeServers", {}, { signal: signing.signal });
  signing.abort(new Error("stop early"));
  await assert.rejects(early, /stop early/);
  assert.equal(sends, 1);
});
