import assert from "node:assert/strict";
import { hmac, hmacKey, hmacSha256Raw, sha256Hex, toHex, utf8 } from "../crypto.ts";
import {
  canonicalRequestTc3,
  clearTc3KeyCache,
  type Credential,
  hashedCanonicalRequestTc3,
  signTc3,
  stripPort,
  tc3Date,
  tc3KeyCacheStats,
  type Tc3Request,
} from "./signer.ts";
import { verifyTencentRequest } from "../emulator/verify.ts";

// The worked example of tools/seeds/trocket-2023-03-08-rocketmq5-api.txt, "签名方法 v3".
const SEED_PAYLOAD =
  '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const SEED_REQUEST: Tc3Request = {
  method: "POST",
  host: "cvm.tencentcloudapi.com",
  path: "/",
  contentType: "application/json; charset=utf-8",
  body: utf8(SEED_PAYLOAD),
  service: "cvm",
  action: "DescribeInstances",
  version: "2017-03-12",
  region: "ap-guangzhou",
  timestampS: 1551113065,
  signedHeaders: ["content-type", "host", "x-tc-action"],
};

Deno.test("seed worked example: canonical request and HashedCanonicalRequest", async () => {
  assert.equal(
    await sha256Hex(SEED_REQUEST.body),
    "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064",
  );
  assert.equal(
    await canonicalRequestTc3(SEED_REQUEST),
    [
      "POST",
      "/",
      "",
      "content-type:application/json; charset=utf-8",
      "host:cvm.tencentcloudapi.com",
      "x-tc-action:describeinstances",
      "",
      "content-type;host;x-tc-action",
      "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064",
    ].join("\n"),
  );
  assert.equal(
    await hashedCanonicalRequestTc3(SEED_REQUEST),
    "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84",
  );
  assert.equal(tc3Date(1551113065), "2019-02-25");
});

Deno.test("seed worked example: key derivation chain and signature from the printed SecretDate", async () => {
  // The seed masks the SecretKey but prints every derived key: check each later step.
  const secretDate = hexBytes("f1cb4d518a0eda9d5cbbfdb7850983f1e603eeae484edea76e4dd8d8deb5556e");
  const secretService = await hmacSha256Raw(secretDate, "cvm");
  assert.equal(
    toHex(secretService),
    "e7c609ce81bea53546bed2cc904778bef9ca14082e48e67883443ed64e227cd7",
  );
  const secretSigning = await hmacSha256Raw(secretService, "tc3_request");
  assert.equal(
    toHex(secretSigning),
    "8aa8ab5755582f576e94bcfe383b8e29325b0ca90c3590d569221c6a63a091ed",
  );
  const stringToSign = "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n" +
    (await hashedCanonicalRequestTc3(SEED_REQUEST));
  assert.equal(
    toHex(await hmac(await hmacKey(secretSigning, "SHA-256"), stringToSign)),
    "be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3",
  );
});

Deno.test("seed worked example (apigateway copy, unmasked by its literal key): full Authorization, verified", async () => {
  // tools/seeds/apigateway-2018-08-08-api.txt prints the same example with SecretId
  // `AKID` + 32 `*` and SecretKey 32 `*`, and the signature those literal values give.
  const cred = { secretId: "AKID" + "*".repeat(32), secretKey: "*".repeat(32) };
  const headers = await signTc3(SEED_REQUEST, cred);
  assert.equal(
    headers.Authorization,
    "TC3-HMAC-SHA256 Credential=AKID********************************/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f",
  );
  const verdict = await verifyTencentRequest(
    {
      method: "POST",
      url: new URL("https://cvm.tencentcloudapi.com/"),
      headers: new Headers(headers),
      body: SEED_REQUEST.body,
    },
    { lookupSecret: () => cred.secretKey, nowS: 1551113065 + 120 },
  );
  assert.deepEqual(verdict, {
    ok: true,
    secretId: cred.secretId,
    scheme: "TC3-HMAC-SHA256",
    service: "cvm",
    action: "DescribeInstances",
    version: "2017-03-12",
    region: "ap-guangzhou",
  });
});

const CRED: Credential = { secretId: "AKIDTESTTESTTEST", secretKey: "test-secret-key" };
const NOW_S = 1_700_000_000;

function jsonRequest(body: string, overrides: Partial<Tc3Request> = {}): Tc3Request {
  return {
    method: "POST",
    host: "trocket.tencentcloudapi.com",
    path: "/",
    contentType: "application/json",
    body: utf8(body),
    service: "trocket",
    action: "DescribeTopicList",
    version: "2023-03-08",
    region: "ap-guangzhou",
    timestampS: NOW_S,
    ...overrides,
  };
}

Deno.test("signTc3 returns the headers to send", async () => {
  const headers = await signTc3(jsonRequest("{}", { language: "en-US" }), {
    ...CRED,
    token: "session-token",
  });
  assert.deepEqual(Object.keys(headers).sort(), [
    "Authorization",
    "Content-Type",
    "Host",
    "X-TC-Action",
    "X-TC-Language",
    "X-TC-Region",
    "X-TC-Timestamp",
    "X-TC-Token",
    "X-TC-Version",
  ]);
  assert.match(
    headers.Authorization!,
    /^TC3-HMAC-SHA256 Credential=AKIDTESTTESTTEST\/2023-11-14\/trocket\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/,
  );
  assert.equal(headers["X-TC-Timestamp"], "1700000000");
  const { region: _region, ...noRegion } = jsonRequest("{}");
  const bare = await signTc3(noRegion, CRED);
  assert.equal("X-TC-Region" in bare, false);
  assert.equal("X-TC-Token" in bare, false);
  assert.equal("X-TC-Language" in bare, false);
  await assert.rejects(
    signTc3(jsonRequest("{}", { signedHeaders: ["content-type", "host", "x-custom"] }), CRED),
    TypeError,
  );
});

Deno.test("stripPort keeps names, IPv4 and bracketed IPv6", () => {
  assert.equal(stripPort("cvm.tencentcloudapi.com"), "cvm.tencentcloudapi.com");
  assert.equal(stripPort("127.0.0.1:4566"), "127.0.0.1");
  assert.equal(stripPort("[::1]:8080"), "[::1]");
});

Deno.test("the derived signing key is cached per (secret, date, service)", async () => {
  clearTc3KeyCache();
  await signTc3(jsonRequest("{}"), CRED);
  await signTc3(jsonRequest('{"a":1}'), CRED);
  await signTc3(jsonRequest("{}", { timestampS: NOW_S + 60 }), CRED); // same date
  assert.deepEqual(tc3KeyCacheStats(), { derivations: 1, hits: 2, size: 1 });
  await signTc3(jsonRequest("{}", { timestampS: NOW_S + 86_400 }), CRED); // next day
  await signTc3(jsonRequest("{}", { service: "apigateway" }), CRED);
  await signTc3(jsonRequest("{}"), { ...CRED, secretKey: "other" });
  assert.deepEqual(tc3KeyCacheStats(), { derivations: 4, hits: 2, size: 4 });
  // Bounded: many distinct services do not grow the map without limit.
  for (let i = 0; i < 300; i++) await signTc3(jsonRequest("{}", { service: `svc${i}` }), CRED);
  assert.ok(tc3KeyCacheStats().size <= 256);
});

/** Builds what a server receives for a signed request. */
async function incoming(
  req: Tc3Request,
  cred: Credential,
  mutate: (parts: { headers: Headers; body: Uint8Array; url: URL }) => void = () => {},
) {
  const sent = await signTc3(req, cred);
  const headers = new Headers(sent);
  const url = new URL(`http://${req.host}${req.path}${req.query ? "?" + req.query : ""}`);
  const parts = { headers, body: req.body, url };
  mutate(parts);
  return { method: req.method, url: parts.url, headers: parts.headers, body: parts.body };
}

const VERIFY = {
  lookupSecret: (id: string) => (id === CRED.secretId ? CRED.secretKey : undefined),
  nowS: NOW_S,
};

Deno.test("verifyTencentRequest accepts its own signatures", async () => {
  const ok = await verifyTencentRequest(
    await incoming(jsonRequest('{"TopicName":"订单"}'), CRED),
    VERIFY,
  );
  assert.equal(ok.ok, true);
  assert.equal(ok.ok && ok.secretId, CRED.secretId);
  assert.equal(ok.service, "trocket");
  assert.equal(ok.action, "DescribeTopicList");
  // Host with a port, GET with a query, extra signed headers, a different service in the scope.
  const get = jsonRequest("", {
    method: "GET",
    host: "127.0.0.1:4566",
    query: "Limit=10&Offset=0&Name=%E4%B8%AD",
    contentType: "application/x-www-form-urlencoded",
    service: "apigateway",
    signedHeaders: ["content-type", "host", "x-tc-action", "x-tc-timestamp"],
  });
  const okGet = await verifyTencentRequest(await incoming(get, CRED), VERIFY);
  assert.deepEqual([okGet.ok, okGet.service], [true, "apigateway"]);
  // Within the window on both sides.
  for (const skew of [-300, 300]) {
    const r = await verifyTencentRequest(
      await incoming(jsonRequest("{}", { timestampS: NOW_S + skew }), CRED),
      VERIFY,
    );
    assert.equal(r.ok, true);
  }
});

Deno.test("verifyTencentRequest also accepts clients that sign the host with its port", async () => {
  // Build the canonical request by hand the way such a client would.
  const req = jsonRequest("{}", { host: "localhost:4566" });
  const headers = new Headers(await signTc3(req, CRED));
  const canonical = (await canonicalRequestTc3(req)).replace(
    "host:localhost\n",
    "host:localhost:4566\n",
  );
  const date = tc3Date(NOW_S);
  const kSigning = await hmacSha256Raw(
    await hmacSha256Raw(await hmacSha256Raw("TC3" + CRED.secretKey, date), "trocket"),
    "tc3_request",
  );
  const stringToSign = `TC3-HMAC-SHA256\n${NOW_S}\n${date}/trocket/tc3_request\n${await sha256Hex(
    canonical,
  )}`;
  const signature = toHex(await hmac(await hmacKey(kSigning, "SHA-256"), stringToSign));
  headers.set(
    "authorization",
    headers.get("authorization")!.replace(/Signature=[0-9a-f]+/, `Signature=${signature}`),
  );
  const r = await verifyTencentRequest(
    { method: "POST", url: new URL("http://localhost:4566/"), headers, body: req.body },
    VERIFY,
  );
  assert.equal(r.ok, true);
});

Deno.test("verifyTencentRequest rejects with Tencent's codes", async () => {
  const codeOf = async (
    req: Tc3Request,
    cred: Credential,
    mutate?: Parameters<typeof incoming>[2],
  ) => {
    const r = await verifyTencentRequest(await incoming(req, cred, mutate), VERIFY);
    return r.ok ? "ok" : r.code;
  };
  const base = jsonRequest('{"Limit":10}');
  assert.equal(await codeOf(base, CRED), "ok");
  assert.equal(
    await codeOf(base, CRED, (p) => (p.body = utf8('{"Limit":11}'))),
    "AuthFailure.SignatureFailure",
  );
  assert.equal(await codeOf(base, { ...CRED, secretKey: "wrong" }), "AuthFailure.SignatureFailure");
  assert.equal(
    await codeOf(base, CRED, (p) => p.headers.set("x-tc-action", "DeleteTopic")),
    "ok", // X-TC-Action is not signed by default (as with the SDKs)
  );
  assert.equal(
    await codeOf(
      { ...base, signedHeaders: ["content-type", "host", "x-tc-action"] },
      CRED,
      (p) => p.headers.set("x-tc-action", "DeleteTopic"),
    ),
    "AuthFailure.SignatureFailure",
  );
  assert.equal(
    await codeOf(base, CRED, (p) => p.headers.set("content-type", "text/plain")),
    "AuthFailure.SignatureFailure",
  );
  assert.equal(
    await codeOf(base, CRED, (p) => p.headers.set("host", "cvm.tencentcloudapi.com")),
    "AuthFailure.SignatureFailure",
  );
  assert.equal(
    await codeOf({ ...base, timestampS: NOW_S - 301 }, CRED),
    "AuthFailure.SignatureExpire",
  );
  assert.equal(
    await codeOf({ ...base, timestampS: NOW_S + 301 }, CRED),
    "AuthFailure.SignatureExpire",
  );
  assert.equal(
    await codeOf(base, { ...CRED, secretId: "AKIDUNKNOWN" }),
    "AuthFailure.SecretIdNotFound",
  );
  assert.equal(
    await codeOf(base, CRED, (p) => p.headers.delete("authorization")),
    "AuthFailure.InvalidAuthorization",
  );
  assert.equal(
    await codeOf(base, CRED, (p) => p.headers.set("authorization", "Bearer abc")),
    "AuthFailure.InvalidAuthorization",
  );
  assert.equal(
    await codeOf(base, CRED, (p) => p.headers.delete("x-tc-timestamp")),
    "MissingParameter",
  );
  assert.equal(
    await codeOf(base, CRED, (p) => p.headers.delete("x-tc-action")),
    "MissingParameter",
  );
  assert.equal(
    await codeOf(base, CRED, (p) => p.headers.set("x-tc-timestamp", "soon")),
    "InvalidParameterValue",
  );
  // A timestamp moved inside the window but not the one signed.
  assert.equal(
    await codeOf(base, CRED, (p) => p.headers.set("x-tc-timestamp", String(NOW_S + 1))),
    "AuthFailure.SignatureFailure",
  );
  // SignedHeaders without host.
  assert.equal(
    await codeOf(base, CRED, (p) =>
      p.headers.set(
        "authorization",
        p.headers.get("authorization")!.replace("content-type;host", "content-type"),
      )),
    "AuthFailure.SignatureFailure",
  );
  // The secret key never appears in a failure message.
  const r = await verifyTencentRequest(
    await incoming(base, { ...CRED, secretKey: "wrong" }),
    VERIFY,
  );
  assert.equal(!r.ok && r.message.includes(CRED.secretKey), false);
  const expired = await verifyTencentRequest(
    await incoming({ ...base, timestampS: NOW_S - 1000 }, CRED),
    VERIFY,
  );
  assert.match(!expired.ok ? expired.message : "", /Signature expired/);
});

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));
}
