/**
 * End to end: the Huawei client (catalog → request → AK/SK signature → HTTP → answer) against
 * the emulated Cloud Phone service, in-process (the handler as `fetch`) and over loopback
 * (`Deno.serve` + real `fetch`); and a request signed by the official
 * `@huaweicloud/huaweicloud-sdk-core` signer accepted by the emulator over HTTP.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { systemDeps } from "../lib/deps.ts";
import { createHuaweiCphEmulator, HUAWEI_DEMO_CREDENTIAL } from "../lib/emulator/huawei_cph.ts";
import { DEMO_PROJECT_ID, huaweiCphSeed } from "../lib/emulator/huawei_cph_data.ts";
import { createHuaweiClient, type HuaweiClient } from "../lib/huawei/client.ts";
import { classifyHuaweiError, HuaweiApiError } from "../lib/huawei/errors.ts";

const seed = huaweiCphSeed().encode_servers;
const ids = (list: unknown) =>
  (list as Array<{ encode_server_id: string }>).map((s) => s.encode_server_id);

/** Follows offset/limit until a short page (the API returns no total). */
async function listAll(client: HuaweiClient, params: Record<string, unknown>, limit: number) {
  const items: unknown[] = [];
  let pages = 0;
  for (let offset = 0;; offset += limit) {
    const { response } = await client.call("huaweicloud/cph.ListEncodeServers", {
      ...params,
      offset,
      limit,
    });
    const page = response.encode_servers as unknown[];
    items.push(...page);
    pages++;
    if (page.length < limit) return { items, pages };
  }
}

async function scenario(client: HuaweiClient, badClient: HuaweiClient): Promise<void> {
  // Paging: 10 servers by 3 → 4 pages, in order, nothing twice.
  const all = await listAll(client, {}, 3);
  assert.equal(all.pages, Math.floor(seed.length / 3) + 1);
  assert.deepEqual(ids(all.items), ids(seed));

  // Filters, combined with paging.
  const containers = await listAll(client, { type: 1 }, 2);
  assert.deepEqual(ids(containers.items), ids(seed.filter((s) => s.type === 1)));
  const running = await client.call("ListEncodeServers", { status: 1 });
  assert.deepEqual(ids(running.response.encode_servers), ids(seed.filter((s) => s.status === 1)));
  const serverId = seed[4]!.server_id;
  const onServer = await client.call("ListEncodeServers", { server_id: serverId, type: 0 });
  assert.deepEqual(
    ids(onServer.response.encode_servers),
    ids(seed.filter((s) => s.server_id === serverId && s.type === 0)),
  );

  // Deprecated and new access fields both arrive.
  const first =
    (running.response.encode_servers as Array<{ access_infos: Array<Record<string, unknown>> }>)[
      0
    ]!;
  for (
    const key of [
      "access_ip",
      "intranet_ip",
      "public_ip",
      "server_ip",
      "listen_port",
      "access_port",
      "type",
    ]
  ) {
    assert.ok(key in first.access_infos[0]!, key);
  }

  // Bad limits are refused by the service, with Huawei's error body, and not retried.
  for (const limit of [0, 101]) {
    const error = await client.call("ListEncodeServers", { limit }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof HuaweiApiError, `limit ${limit}`);
    assert.equal(error.httpStatus, 400);
    assert.equal(error.code, "CPS.0005");
    assert.match(error.message, new RegExp(`limit must be between 1 and 100, got ${limit}`));
    assert.match(error.requestId ?? "", /^[0-9a-f]{32}$/);
    assert.equal(classifyHuaweiError(error), "never");
  }

  // A bad signature is 401 APIGW.0301, never retried, and the secret is not in the error.
  const denied = await badClient.call("ListEncodeServers").then(() => undefined, (e: unknown) => e);
  assert.ok(denied instanceof HuaweiApiError);
  assert.deepEqual([denied.httpStatus, denied.code], [401, "APIGW.0301"]);
  assert.equal(classifyHuaweiError(denied), "never");
  assert.doesNotMatch(JSON.stringify({ ...denied, message: denied.message }), /wrong-secret/);
}

Deno.test("Huawei client against the CPH emulator in-process", async () => {
  const cph = createHuaweiCphEmulator();
  const deps = { ...systemDeps(), fetch: cph.handle };
  await scenario(
    createHuaweiClient({ deps, credential: HUAWEI_DEMO_CREDENTIAL, region: "cn-north-4" }),
    createHuaweiClient({
      deps,
      credential: { ...HUAWEI_DEMO_CREDENTIAL, sk: "wrong-secret" },
      region: "cn-north-4",
    }),
  );
});

Deno.test("Huawei client against the CPH emulator over loopback HTTP", async () => {
  const cph = createHuaweiCphEmulator();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, cph.handle);
  try {
    const endpointUrl = `http://127.0.0.1:${server.addr.port}`;
    const options = { deps: systemDeps(), region: "cn-north-4", endpointUrl, timeoutMs: 10_000 };
    await scenario(
      createHuaweiClient({ ...options, credential: HUAWEI_DEMO_CREDENTIAL }),
      createHuaweiClient({
        ...options,
        credential: { ...HUAWEI_DEMO_CREDENTIAL, sk: "wrong-secret" },
      }),
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("a request signed by the official Huawei SDK signer is accepted over HTTP", async () => {
  const require = createRequire(import.meta.url);
  const { AKSKSigner } = require("@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js") as {
    AKSKSigner: {
      sign(
        request: {
          endpoint: string;
          method: string;
          headers: Record<string, string>;
          queryParams: Record<string, string>;
        },
        credential: { getAk(): string; getSk(): string },
      ): Record<string, string>;
    };
  };
  const cph = createHuaweiCphEmulator();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, cph.handle);
  try {
    const endpoint =
      `http://127.0.0.1:${server.addr.port}/v1/${DEMO_PROJECT_ID}/cloud-phone/encode-servers`;
    const queryParams = { limit: "2", type: "1" };
    const headers = AKSKSigner.sign(
      { endpoint, method: "GET", headers: { "Content-Type": "application/json" }, queryParams },
      { getAk: () => HUAWEI_DEMO_CREDENTIAL.ak, getSk: () => HUAWEI_DEMO_CREDENTIAL.sk },
    );
    const response = await fetch(`${endpoint}?limit=2&type=1`, {
      headers: { "Content-Type": "application/json", ...headers },
    });
    const body = await response.json() as { encode_servers: unknown };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.deepEqual(ids(body.encode_servers), ids(seed.filter((s) => s.type === 1).slice(0, 2)));
  } finally {
    await server.shutdown();
  }
});
