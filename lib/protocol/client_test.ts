import assert from "node:assert/strict";
import type { ActionSpec } from "../catalog/types.ts";
import type { Deps } from "../deps.ts";
import { NetworkError } from "../tencent/errors.ts";
import type { SendOnceFn } from "../tencent/http1.ts";
import { ConfigError } from "../errors.ts";
import { systemDeps } from "../deps.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { createProviderClient, RESIGN_AFTER_MS } from "./client.ts";
import { classifyAnyError } from "../provider/registry.ts";
import { tencentProvider } from "../provider/tencent.ts";
import type { Provider } from "./provider.ts";

/** A tiny provider: `List*` actions are GETs, the rest POSTs; answers are `{"ok": …}`. */
const provider: Provider<{ key: string }> = {
  name: "huaweicloud",
  ownsService: () => true,
  findAction: () => undefined,
  serviceVersion: () => undefined,
  versions: () => [],
  findStructure: () => undefined,
  actionSuggestion: () => undefined,
  serviceSuggestion: () => undefined,
  endpoint: ({ endpointUrl }) => {
    const url = new URL(endpointUrl ?? "https://api.example.test/");
    return { url, host: url.host };
  },
  buildRequest: ({ spec, endpoint, params }) => {
    const get = spec.name.startsWith("List");
    return Promise.resolve(
      new Request(new URL(spec.name, endpoint.url), {
        method: get ? "GET" : "POST",
        ...(get ? {} : { body: JSON.stringify(params) }),
      }),
    );
  },
  parseResponse: ({ status, text }) => ({
    ok: true,
    result: { response: JSON.parse(text), requestId: "r", httpStatus: status },
  }),
  classifyError: () => "never",
  ownsError: () => false,
  credentialsHint: "set TEST_KEY",
  keyId: (credential) => credential.key,
};

function spec(name: string): ActionSpec {
  return { service: "huaweicloud/test", version: "v1", name, mutating: true } as ActionSpec;
}

function setup(sendOnce: SendOnceFn) {
  const via: string[] = [];
  const deps: Pick<Deps, "now" | "sleep" | "fetch"> = {
    now: () => 0,
    sleep: (_ms, signal) =>
      new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason))),
    fetch: (request) => {
      via.push(`fetch ${request.method} ${new URL(request.url).pathname}`);
      return Promise.resolve(Response.json({ ok: "fetch" }));
    },
  };
  const client = createProviderClient({
    provider,
    deps,
    credential: { key: "k" },
    sendOnce: (request, opts) => {
      via.push(`once ${request.method} ${new URL(request.url).pathname}`);
      return sendOnce(request, opts);
    },
  });
  return { client, via };
}

Deno.test("sendOnce carries POSTs; GETs and idempotent calls go through fetch", async () => {
  const { client, via } = setup(() => Promise.resolve(Response.json({ ok: "once" })));
  assert.deepEqual((await client.call(spec("ListThings"), "r1", {})).response, { ok: "fetch" });
  assert.deepEqual((await client.call(spec("CreateThing"), "r1", { a: 1 })).response, {
    ok: "once",
  });
  const token = await client.call(spec("CreateThing"), "r1", {}, { idempotent: true });
  assert.deepEqual(token.response, { ok: "fetch" });
  assert.deepEqual(via, [
    "fetch GET /ListThings",
    "once POST /CreateThing",
    "fetch POST /CreateThing",
  ]);
});

Deno.test("a NetworkError of sendOnce keeps its phase and names the call", async () => {
  let site: unknown;
  const { client } = setup((_request, opts) => {
    site = opts.site;
    return Promise.reject(
      new NetworkError({
        service: "huaweicloud/test",
        action: "CreateThing",
        phase: "after-send",
        message: "cut",
      }),
    );
  });
  await assert.rejects(
    client.call(spec("CreateThing"), "r1", {}),
    (e) => e instanceof NetworkError && e.phase === "after-send" && e.action === "CreateThing",
  );
  assert.deepEqual(site, { service: "huaweicloud/test", action: "CreateThing" });
});

Deno.test("clock skew: SignatureExpire → corrected from the Date header, re-signed once", async () => {
  const realNow = Date.now();
  const emulator = createEmulator({ now: () => realNow });
  const skewedNow = realNow - 10 * 60_000; // our clock is 10 minutes late
  const client = createProviderClient({
    provider: tencentProvider,
    deps: { ...systemDeps(), now: () => skewedNow, fetch: (r) => emulator.handle(r) },
    credential: { ...DEMO_CREDENTIAL },
  });
  const list = tencentProvider.findAction("trocket", "DescribeInstanceList")!;
  const result = await client.call(list, "ap-guangzhou", { Offset: 0, Limit: 10 });
  assert.equal(result.httpStatus, 200);
  assert.deepEqual(emulator.calls().map((c) => c.outcome), ["AuthFailure.SignatureExpire", "ok"]);
  assert.ok(Math.abs(client.clockOffsetMs() - 10 * 60_000) < 1000, `${client.clockOffsetMs()}`);
  // The correction is kept: the next call is signed right the first time.
  await client.call(list, "ap-guangzhou", { Offset: 0, Limit: 10 });
  assert.equal(emulator.calls().length, 3);
});

Deno.test("clock skew: a second SignatureExpire, or one without a Date header, is thrown", async () => {
  let sent = 0;
  const expired = (date: string | undefined) => () => {
    sent++;
    return Promise.resolve(
      Response.json(
        { Response: { Error: { Code: "AuthFailure.SignatureExpire", Message: "x" } } },
        { headers: date === undefined ? {} : { date } },
      ),
    );
  };
  const list = tencentProvider.findAction("trocket", "DescribeInstanceList")!;
  for (const [date, sends] of [[new Date(0).toUTCString(), 2], [undefined, 1]] as const) {
    sent = 0;
    const client = createProviderClient({
      provider: tencentProvider,
      deps: { ...systemDeps(), fetch: expired(date) },
      credential: { ...DEMO_CREDENTIAL },
    });
    await assert.rejects(
      client.call(list, "ap-guangzhou", {}),
      (e) => (e as { code?: string }).code === "AuthFailure.SignatureExpire",
    );
    assert.equal(sent, sends);
  }
});

Deno.test("a connection refused by Deno's permissions is a ConfigError naming the host", async () => {
  const refusal = () =>
    new Deno.errors.NotCapable(
      'Requires net access to "api.example.test:443", run again with the --allow-net flag',
    );
  const viaFetch = createProviderClient({
    provider,
    deps: { ...systemDeps(), fetch: () => Promise.reject(refusal()) },
    credential: { key: "k" },
  });
  // Through sendOnce (http1Fetch wraps the refusal in a before-send NetworkError).
  const { client: viaOnce } = setup(() =>
    Promise.reject(
      new NetworkError({
        service: "huaweicloud/test",
        action: "CreateThing",
        phase: "before-send",
        message: "could not connect",
        cause: refusal(),
      }),
    )
  );
  for (const client of [viaFetch, viaOnce]) {
    await assert.rejects(client.call(spec("CreateThing"), "r1", {}), (e) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, /no permission to connect to api\.example\.test/);
      assert.match(e.message, /--allow-net=api\.example\.test/);
      return true;
    });
  }
  assert.equal(classifyAnyError(new ConfigError("x")), "never");
});

/** The X-TC-Timestamp (s) of each request the emulator received. */
function signedAt(log: Request[]): number[] {
  return log.map((r) => Number(r.headers.get("x-tc-timestamp")));
}

/**
 * A client and an emulator on one settable clock, keeping a copy of every request received:
 * `advance(ms)` stands for a wait (for a rate-limit slot) inside `beforeSend`.
 */
function clockedClient() {
  const startMs = Date.now();
  let clock = startMs;
  const emulator = createEmulator({ now: () => clock });
  const received: Request[] = [];
  const client = createProviderClient({
    provider: tencentProvider,
    deps: {
      ...systemDeps(),
      now: () => clock,
      fetch: (r) => (received.push(r.clone()), emulator.handle(r)),
    },
    credential: { ...DEMO_CREDENTIAL },
  });
  const list = tencentProvider.findAction("trocket", "DescribeInstanceList")!;
  const advance = (ms: number) => void (clock += ms);
  return { startMs, now: () => clock, advance, emulator, received, client, list };
}

Deno.test("beforeSend: awaited after the request is signed, right before it is sent", async () => {
  const { startMs, advance, emulator, received, client, list } = clockedClient();
  const seen: number[] = [];
  await client.call(list, "ap-guangzhou", { Offset: 0, Limit: 10 }, {
    beforeSend: () => {
      seen.push(received.length);
      advance(20_000); // a wait for the rate-limit slot
      return Promise.resolve();
    },
  });
  assert.deepEqual(seen, [0], "awaited once, before anything was sent");
  // Signed before the wait: the timestamp is that of before it (Tencent accepts 5 minutes).
  assert.deepEqual(signedAt(received), [Math.floor(startMs / 1000)]);
  assert.deepEqual(emulator.calls().map((c) => c.outcome), ["ok"]);
});

Deno.test("beforeSend: after a wait longer than RESIGN_AFTER_MS the request is signed again", async () => {
  const { now, advance, emulator, received, client, list } = clockedClient();
  await client.call(list, "ap-guangzhou", { Offset: 0, Limit: 10 }, {
    beforeSend: () => {
      advance(RESIGN_AFTER_MS + 1000);
      return Promise.resolve();
    },
  });
  assert.deepEqual(signedAt(received), [Math.floor(now() / 1000)]);
  assert.deepEqual(emulator.calls().map((c) => c.outcome), ["ok"]);
});

Deno.test("beforeSend: once per request (the re-signed one after SignatureExpire too); its rejection sends nothing", async () => {
  const realNow = Date.now();
  const emulator = createEmulator({ now: () => realNow });
  const client = createProviderClient({
    provider: tencentProvider,
    deps: { ...systemDeps(), now: () => realNow - 10 * 60_000, fetch: (r) => emulator.handle(r) },
    credential: { ...DEMO_CREDENTIAL },
  });
  const list = tencentProvider.findAction("trocket", "DescribeInstanceList")!;
  let slots = 0;
  await client.call(list, "ap-guangzhou", { Offset: 0, Limit: 10 }, {
    beforeSend: () => Promise.resolve(void slots++),
  });
  assert.equal(slots, 2);
  assert.deepEqual(emulator.calls().map((c) => c.outcome), ["AuthFailure.SignatureExpire", "ok"]);
  const refused = new Error("no slot");
  await assert.rejects(
    client.call(list, "ap-guangzhou", { Offset: 0, Limit: 10 }, {
      beforeSend: () => Promise.reject(refused),
    }),
    (e) => e === refused,
  );
  assert.equal(emulator.calls().length, 2, "nothing sent");
});
