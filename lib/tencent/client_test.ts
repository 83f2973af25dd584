import assert from "node:assert/strict";
import { systemDeps } from "../deps.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { createVirtualClock } from "../engine/virtual_clock.ts";
import { createTencentClient } from "./client.ts";
import { NetworkError, TencentApiError } from "./errors.ts";
import { http1Fetch } from "./http1.ts";

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

/**
 * The emulator on a loopback socket, HTTP/1.1 with `Connection: close`: it applies every request;
 * `cut(action)` closes the connection the instant after applying, without a word.
 */
function serveOnLoopback(
  emulator: ReturnType<typeof createEmulator>,
  cut: (action: string) => boolean,
) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  const handlers = new Set<Promise<void>>();
  const serveOne = async (conn: Deno.Conn) => {
    let bytes = new Uint8Array(0);
    const chunk = new Uint8Array(8192);
    const text = () => new TextDecoder().decode(bytes);
    let length = -1;
    let headEnd = -1;
    while (headEnd < 0 || bytes.length < headEnd + length) {
      const n = await conn.read(chunk);
      if (n === null) return;
      const next = new Uint8Array(bytes.length + n);
      next.set(bytes);
      next.set(chunk.subarray(0, n), bytes.length);
      bytes = next;
      if (headEnd < 0 && text().includes("\r\n\r\n")) {
        headEnd = text().indexOf("\r\n\r\n") + 4;
        length = Number(/\r\ncontent-length: (\d+)/i.exec(text())?.[1] ?? "0");
      }
    }
    const lines = text().slice(0, headEnd - 4).split("\r\n");
    const headers = new Headers();
    for (const line of lines.slice(1)) {
      headers.append(line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim());
    }
    const response = await emulator.handle(
      new Request(`http://127.0.0.1:${port}/`, {
        method: "POST",
        headers,
        body: bytes.slice(headEnd, headEnd + length),
      }),
    );
    if (cut(headers.get("x-tc-action") ?? "")) return; // applied, then closed at once
    const payload = new Uint8Array(await response.arrayBuffer());
    let head = "HTTP/1.1 200 OK\r\n";
    response.headers.forEach((value, name) => (head += `${name}: ${value}\r\n`));
    head += `content-length: ${payload.length}\r\nconnection: close\r\n\r\n`;
    const out = new Uint8Array([...new TextEncoder().encode(head), ...payload]);
    for (let written = 0; written < out.length;) written += await conn.write(out.subarray(written));
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        const handler = serveOne(conn).catch(() => {}).finally(() => conn.close());
        handlers.add(handler);
        handler.finally(() => handlers.delete(handler));
      }
    } catch { /* closed */ }
  })();
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      listener.close();
      await accepting;
      await Promise.all([...handlers]);
    },
  };
}

Deno.test("sendOnce carries non-idempotent calls; idempotent ones go through fetch", async () => {
  const emulator = createEmulator();
  const server = serveOnLoopback(emulator, (action) => action === "CreateTopic");
  try {
    const fetched: string[] = [];
    const sentOnce: string[] = [];
    const deps = {
      ...systemDeps(),
      fetch: (r: Request) => {
        fetched.push(r.headers.get("x-tc-action") ?? "");
        return fetch(r);
      },
    };
    const client = createTencentClient({
      deps,
      credential,
      endpointUrl: server.url,
      sendOnce: (request, opts) => {
        sentOnce.push(request.headers.get("x-tc-action") ?? "");
        return http1Fetch(request, opts);
      },
    });
    const list = await client.call("trocket", "DescribeTopicList", V, REGION, {
      InstanceId: "rmq-2x9f8k1p",
    }, { idempotent: true });
    assert.equal(list.httpStatus, 200);
    const create = {
      InstanceId: "rmq-2x9f8k1p",
      Topic: "sent-once",
      TopicType: "NORMAL",
      QueueNum: 3,
    };
    // The server applies the create and closes the connection at once, without answering.
    await assert.rejects(
      client.call("trocket", "CreateTopic", V, REGION, create),
      (e) =>
        e instanceof NetworkError && e.phase === "after-send" && e.service === "trocket" &&
        e.action === "CreateTopic",
    );
    assert.deepEqual(fetched, ["DescribeTopicList"]);
    assert.deepEqual(sentOnce, ["CreateTopic"]);
    assert.equal(emulator.calls().filter((c) => c.action === "CreateTopic").length, 1);
    // A call not marked idempotent (the default) is sent once, even a read.
    await client.call("trocket", "DescribeTopicList", V, REGION, { InstanceId: "rmq-2x9f8k1p" });
    assert.deepEqual(sentOnce, ["CreateTopic", "DescribeTopicList"]);
  } finally {
    await server.close();
  }
});
