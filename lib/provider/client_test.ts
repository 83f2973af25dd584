import assert from "node:assert/strict";
import type { ActionSpec } from "../catalog/types.ts";
import type { Deps } from "../deps.ts";
import { NetworkError } from "../tencent/errors.ts";
import type { SendOnceFn } from "../tencent/http1.ts";
import { createProviderClient } from "./client.ts";
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
