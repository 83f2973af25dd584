import assert from "node:assert/strict";
import {
  canonicalQuery,
  canonicalUri,
  encodeHuaweiQuery,
  formatSdkDate,
  huaweiCanonicalRequest,
  type HuaweiRequest,
  parseSdkDate,
  signHuawei,
} from "./signer.ts";
import { verifyHuaweiRequest } from "../emulator/verify_huawei.ts";

const CRED = { ak: "AK", sk: "SK" };
const DATE = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));

/** The seed's operation: Cloud Phone ListEncodeServers, GET /v1/{project_id}/cloud-phone/encode-servers. */
const LIST: HuaweiRequest = {
  method: "GET",
  host: "cph.cn-north-4.myhuaweicloud.com:8443",
  path: "/v1/abc/cloud-phone/encode-servers",
  query: { limit: "10", "a b": ["z", "y&"] },
  headers: { "X-Project-Id": "abc", "content-type": "application/json" },
  body: new Uint8Array(),
};

Deno.test("X-Sdk-Date format round-trips", () => {
  assert.equal(formatSdkDate(DATE), "20240102T030405Z");
  assert.equal(parseSdkDate("20240102T030405Z")?.getTime(), DATE.getTime());
  assert.equal(parseSdkDate("2024-01-02T03:04:05Z"), undefined);
});

Deno.test("canonical URI and query encode like the SDK", () => {
  assert.equal(
    canonicalUri("/v1/abc/cloud-phone/encode-servers"),
    "/v1/abc/cloud-phone/encode-servers/",
  );
  assert.equal(canonicalUri("/v1/a%20b/x:y/"), "/v1/a%20b/x%3Ay/");
  assert.equal(
    canonicalQuery({ b: "1", a: ["z", "y&"], "ä k": "*'()!" }),
    "a=y%26&a=z&b=1&%C3%A4%20k=%2A%27%28%29%21",
  );
  assert.equal(encodeHuaweiQuery({ limit: "10" }), "limit=10");
});

Deno.test("signHuawei matches a vector computed by the official SDK's AKSKSigner", async () => {
  assert.equal(
    await huaweiCanonicalRequest(LIST, "20240102T030405Z"),
    [
      "GET",
      "/v1/abc/cloud-phone/encode-servers/",
      "a%20b=y%26&a%20b=z&limit=10",
      "content-type:application/json",
      "host:cph.cn-north-4.myhuaweicloud.com:8443",
      "x-project-id:abc",
      "x-sdk-date:20240102T030405Z",
      "",
      "content-type;host;x-project-id;x-sdk-date",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ].join("\n"),
  );
  assert.deepEqual(await signHuawei(LIST, CRED, DATE), {
    "X-Sdk-Date": "20240102T030405Z",
    host: "cph.cn-north-4.myhuaweicloud.com:8443",
    Authorization:
      "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=32275249235095425dd5ebce74aac5b97b85923a993dd761b0dbd74b9e87c5db",
  });
});

async function incoming(req: HuaweiRequest, cred = CRED, date = DATE) {
  const signed = await signHuawei(req, cred, date);
  const query = encodeHuaweiQuery(req.query);
  return {
    method: req.method,
    url: new URL(`https://${req.host}${req.path}${query ? "?" + query : ""}`),
    headers: new Headers({ ...req.headers, ...signed }),
    body: req.body,
  };
}

const VERIFY = {
  lookupSecret: (ak: string) => (ak === CRED.ak ? CRED.sk : undefined),
  nowS: DATE.getTime() / 1000,
};

Deno.test("verifyHuaweiRequest accepts own signatures and rejects tampering", async () => {
  const post: HuaweiRequest = {
    ...LIST,
    method: "POST",
    body: new TextEncoder().encode('{"server_ids":["cph-1"]}'),
  };
  assert.deepEqual(await verifyHuaweiRequest(await incoming(LIST), VERIFY), { ok: true, ak: "AK" });
  assert.deepEqual(await verifyHuaweiRequest(await incoming(post), VERIFY), { ok: true, ak: "AK" });

  const reasonOf = async (request: Awaited<ReturnType<typeof incoming>>) => {
    const verdict = await verifyHuaweiRequest(request, VERIFY);
    return verdict.ok ? "ok" : `${verdict.code} ${verdict.reason} ${verdict.httpStatus}`;
  };
  const tamperedQuery = await incoming(LIST);
  tamperedQuery.url.searchParams.set("limit", "11");
  assert.equal(await reasonOf(tamperedQuery), "APIGW.0301 signature 401");
  const tamperedBody = await incoming(post);
  tamperedBody.body = new TextEncoder().encode('{"server_ids":["cph-2"]}');
  assert.equal(await reasonOf(tamperedBody), "APIGW.0301 signature 401");
  const tamperedHeader = await incoming(LIST);
  tamperedHeader.headers.set("x-project-id", "other");
  assert.equal(await reasonOf(tamperedHeader), "APIGW.0301 signature 401");
  assert.equal(
    await reasonOf(await incoming(LIST, { ...CRED, sk: "wrong" })),
    "APIGW.0301 signature 401",
  );
  assert.equal(
    await reasonOf(await incoming(LIST, { ...CRED, ak: "NOPE" })),
    "APIGW.0301 unknown-ak 401",
  );
  assert.equal(
    await reasonOf(await incoming(LIST, CRED, new Date(DATE.getTime() - 901_000))),
    "APIGW.0301 expired 401",
  );
  assert.equal(
    await reasonOf(await incoming(LIST, CRED, new Date(DATE.getTime() + 900_000))),
    "ok",
  );
  const noAuth = await incoming(LIST);
  noAuth.headers.delete("authorization");
  assert.equal(await reasonOf(noAuth), "APIGW.0301 missing-authorization 401");
  const badAuth = await incoming(LIST);
  badAuth.headers.set("authorization", "SDK-HMAC-SHA1 Access=AK");
  assert.equal(await reasonOf(badAuth), "APIGW.0301 invalid-authorization 401");
  const noDate = await incoming(LIST);
  noDate.headers.delete("x-sdk-date");
  assert.equal(await reasonOf(noDate), "APIGW.0301 missing-date 401");
  // A declared payload hash must match the body; UNSIGNED-PAYLOAD is signed as such.
  const unsigned = await incoming({
    ...post,
    headers: { ...post.headers, "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD" },
  });
  assert.equal(await reasonOf(unsigned), "ok");
  unsigned.headers.set("x-sdk-content-sha256", "0".repeat(64));
  assert.equal(await reasonOf(unsigned), "APIGW.0301 signature 401");
});
