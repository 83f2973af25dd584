import assert from "node:assert/strict";
import { findHuaweiAction } from "../catalog/huawei.ts";
import { buildHuaweiRequest, huaweiEndpoint } from "../huawei/request.ts";
import { signHuawei } from "../huawei/signer.ts";
import { createHuaweiCphEmulator, HUAWEI_DEMO_CREDENTIAL } from "./huawei_cph.ts";
import { DEMO_PROJECT_ID, DEMO_SERVER_IDS, huaweiCphSeed } from "./huawei_cph_data.ts";

const spec = findHuaweiAction("huaweicloud/cph", "ListEncodeServers")!;
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

async function signed(
  params: Record<string, unknown>,
  credential: { ak: string; sk: string; projectId: string } = HUAWEI_DEMO_CREDENTIAL,
  timestampMs = NOW,
): Promise<Request> {
  return await buildHuaweiRequest({
    spec,
    params,
    credential,
    endpoint: huaweiEndpoint({ service: spec.service, region: "cn-north-4" }),
    timestampMs,
  });
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return await response.json() as Record<string, unknown>;
}

type Server = { encode_server_id: string; type: number; status: number; server_id: string };

Deno.test("seed data: 8–12 servers of both types, several statuses, deprecated and new access fields", () => {
  const { encode_servers: servers } = huaweiCphSeed();
  assert.ok(servers.length >= 8 && servers.length <= 12);
  assert.deepEqual(new Set(servers.map((s) => s.type)), new Set([0, 1]));
  assert.ok(new Set(servers.map((s) => s.status)).size >= 5);
  assert.equal(new Set(servers.map((s) => s.encode_server_id)).size, servers.length);
  for (const s of servers) {
    assert.equal(s.encode_server_id.length, 32);
    for (const a of s.access_infos) {
      assert.equal(a.intranet_ip, a.server_ip);
      assert.equal(a.access_ip, a.public_ip === "" ? a.server_ip : a.public_ip);
    }
  }
});

Deno.test("lists every server with Huawei's response shape", async () => {
  const cph = createHuaweiCphEmulator({ now: () => NOW });
  const response = await cph.handle(await signed({}));
  assert.equal(response.status, 200);
  const body = await json(response);
  assert.deepEqual(Object.keys(body), ["encode_servers", "request_id"]);
  assert.equal(body.request_id, response.headers.get("x-request-id"));
  assert.match(String(body.request_id), /^[0-9a-f]{32}$/);
  assert.deepEqual(body.encode_servers, huaweiCphSeed().encode_servers);
});

Deno.test("filters type, status and server_id, then offset/limit", async () => {
  const cph = createHuaweiCphEmulator({ now: () => NOW });
  const all = huaweiCphSeed().encode_servers;
  const list = async (params: Record<string, unknown>) =>
    (await json(await cph.handle(await signed(params)))).encode_servers as Server[];
  const containers = await list({ type: 1 });
  assert.deepEqual(
    containers.map((s) => s.encode_server_id),
    all.filter((s) => s.type === 1).map((s) => s.encode_server_id),
  );
  assert.ok(containers.length > 0 && containers.length < all.length);
  const running = await list({ status: 1, type: 0 });
  assert.deepEqual(
    running.map((s) => s.encode_server_id),
    all.filter((s) => s.status === 1 && s.type === 0).map((s) => s.encode_server_id),
  );
  const onServer = await list({ server_id: DEMO_SERVER_IDS[1] });
  assert.ok(onServer.length > 0 && onServer.every((s) => s.server_id === DEMO_SERVER_IDS[1]));
  assert.deepEqual(await list({ server_id: "nope" }), []);
  const page = await list({ offset: 2, limit: 3 });
  assert.deepEqual(
    page.map((s) => s.encode_server_id),
    all.slice(2, 5).map((s) => s.encode_server_id),
  );
  assert.deepEqual(await list({ offset: 100 }), []);
});

Deno.test("bad parameters are 400 CPS.0005 with the reason", async () => {
  const cph = createHuaweiCphEmulator({ now: () => NOW });
  for (
    const [params, reason] of [
      [{ limit: 0 }, /limit must be between 1 and 100, got 0/],
      [{ limit: 101 }, /limit must be between 1 and 100, got 101/],
      [{ offset: -1 }, /offset must be between 0/],
      [{ type: 7 }, /type must be one of 0, 1, got 7/],
      [{ status: "running" }, /status must be an integer/],
    ] as const
  ) {
    const response = await cph.handle(await signed(params));
    assert.equal(response.status, 400, JSON.stringify(params));
    const body = await json(response);
    assert.equal(body.error_code, "CPS.0005");
    assert.match(String(body.error_msg), reason);
    assert.match(String(body.request_id), /^[0-9a-f]{32}$/);
  }
  // The signature covers the query: editing it after signing is refused.
  const request = await signed({});
  const url = new URL(request.url);
  url.searchParams.set("limit", "5");
  assert.equal((await cph.handle(new Request(url, { headers: request.headers }))).status, 401);
  // An unknown query parameter, signed (the client refuses to send one, so it is signed here).
  const host = "cph.cn-north-4.myhuaweicloud.com";
  const path = `/v1/${DEMO_PROJECT_ID}/cloud-phone/encode-servers`;
  const headers = await signHuawei(
    { method: "GET", host, path, query: { Limit: "5" }, headers: {}, body: new Uint8Array() },
    HUAWEI_DEMO_CREDENTIAL,
    new Date(NOW),
  );
  const unknown = await cph.handle(new Request(`https://${host}${path}?Limit=5`, { headers }));
  assert.equal(unknown.status, 400);
  assert.match(String((await json(unknown)).error_msg), /unknown query parameter Limit/);
});

Deno.test("signature, window, access key and project are checked", async () => {
  const cph = createHuaweiCphEmulator({
    now: () => NOW,
    credentials: [{ ak: "OTHERAK", sk: "other-sk", projectId: "other-project" }],
  });
  const status = async (request: Request) => {
    const response = await cph.handle(request);
    const body = await json(response);
    return [response.status, body.error_code];
  };
  assert.deepEqual(await status(await signed({}, { ...HUAWEI_DEMO_CREDENTIAL, sk: "wrong" })), [
    401,
    "APIGW.0301",
  ]);
  assert.deepEqual(await status(await signed({}, { ...HUAWEI_DEMO_CREDENTIAL, ak: "UNKNOWN" })), [
    401,
    "APIGW.0301",
  ]);
  assert.deepEqual(await status(await signed({}, HUAWEI_DEMO_CREDENTIAL, NOW - 16 * 60_000)), [
    401,
    "APIGW.0301",
  ]);
  const unsigned = new Request(
    `https://cph.cn-north-4.myhuaweicloud.com/v1/${DEMO_PROJECT_ID}/cloud-phone/encode-servers`,
  );
  assert.deepEqual(await status(unsigned), [401, "APIGW.0301"]);
  const other = { ak: "OTHERAK", sk: "other-sk", projectId: "other-project" };
  assert.deepEqual(await status(await signed({}, other)), [200, undefined]);
  assert.deepEqual(await status(await signed({ project_id: DEMO_PROJECT_ID }, other)), [
    403,
    "CPS.0001",
  ]);
});

Deno.test("unknown routes are 404 APIGW.0101", async () => {
  const cph = createHuaweiCphEmulator({ now: () => NOW });
  const response = await cph.handle(
    new Request("https://cph.cn-north-4.myhuaweicloud.com/v1/p/cloud-phone/servers"),
  );
  assert.equal(response.status, 404);
  assert.equal((await json(response)).error_code, "APIGW.0101");
  const post = await cph.handle(
    new Request(`https://cph.cn-north-4.myhuaweicloud.com/v1/p/cloud-phone/encode-servers`, {
      method: "POST",
      body: "{}",
    }),
  );
  assert.equal(post.status, 404);
});

Deno.test("matches Huawei requests only", () => {
  const cph = createHuaweiCphEmulator();
  assert.ok(cph.matches(new URL("https://cph.cn-north-4.myhuaweicloud.com/x"), new Headers()));
  assert.ok(
    cph.matches(new URL("http://127.0.0.1:4566/v1/p/cloud-phone/encode-servers"), new Headers()),
  );
  assert.ok(
    cph.matches(
      new URL("http://127.0.0.1:4566/"),
      new Headers({ authorization: "SDK-HMAC-SHA256 Access=A" }),
    ),
  );
  assert.ok(
    !cph.matches(
      new URL("https://trocket.tencentcloudapi.com/"),
      new Headers({ authorization: "TC3-HMAC-SHA256 Credential=x" }),
    ),
  );
});

Deno.test("load/snapshot: seedable state, bad data refused, undefined restores the seed", async () => {
  const server = { ...huaweiCphSeed().encode_servers[0]!, encode_server_id: "only-one" };
  const cph = createHuaweiCphEmulator({ now: () => NOW, data: { encode_servers: [server] } });
  const body = await json(await cph.handle(await signed({})));
  assert.deepEqual((body.encode_servers as Server[]).map((s) => s.encode_server_id), ["only-one"]);
  const snap = cph.snapshot();
  snap.encode_servers.length = 0;
  assert.equal(cph.snapshot().encode_servers.length, 1, "snapshots are copies");
  assert.throws(() => cph.load({ servers: [] }), /encode_servers/);
  assert.throws(() => cph.load({ encode_servers: [{ name: "x" }] }), /encode_server_id/);
  cph.load(undefined);
  assert.equal(cph.snapshot().encode_servers.length, huaweiCphSeed().encode_servers.length);
});
