/**
 * Verifier checks that mutation testing found unguarded: a signature that does not cover the
 * host is refused even when it is otherwise valid, and so is a credential scope whose date is
 * not the UTC date of X-TC-Timestamp (both re-signed correctly, so only that check can refuse).
 */
import assert from "node:assert/strict";
import { hmac, hmacKey, hmacSha256Raw, toHex, utf8 } from "../crypto.ts";
import {
  hashedCanonicalRequestTc3,
  signTc3,
  tc3KeyCacheStats,
  type Tc3Request,
  tc3SigningKey,
} from "./signer.ts";
import { verifyTencentRequest } from "../emulator/verify.ts";

const CRED = { secretId: "AKIDMUTATIONTEST", secretKey: "mutation-secret-key" };
const NOW_S = 1_700_000_000; // 2023-11-14T22:13:20Z
const VERIFY = { lookupSecret: () => CRED.secretKey, nowS: NOW_S };

function request(overrides: Partial<Tc3Request> = {}): Tc3Request {
  return {
    method: "POST",
    host: "trocket.tencentcloudapi.com",
    path: "/",
    contentType: "application/json",
    body: utf8("{}"),
    service: "trocket",
    action: "DescribeTopicList",
    version: "2023-03-08",
    region: "ap-guangzhou",
    timestampS: NOW_S,
    ...overrides,
  };
}

function incoming(headers: Record<string, string>) {
  return {
    method: "POST",
    url: new URL("https://trocket.tencentcloudapi.com/"),
    headers: new Headers(headers),
    body: utf8("{}"),
  };
}

Deno.test("a valid signature that does not cover host is refused", async () => {
  const headers = await signTc3(request({ signedHeaders: ["content-type", "x-tc-action"] }), CRED);
  assert.match(headers.Authorization!, /SignedHeaders=content-type;x-tc-action,/);
  const verdict = await verifyTencentRequest(incoming(headers), VERIFY);
  assert.equal(verdict.ok, false);
  assert.equal(!verdict.ok && verdict.code, "AuthFailure.SignatureFailure");
  assert.match(
    !verdict.ok ? verdict.message : "",
    /SignedHeaders must include content-type and host/,
  );
  // The same request signed over host too is accepted: only the coverage was wrong.
  const covered = await signTc3(
    request({ signedHeaders: ["content-type", "host", "x-tc-action"] }),
    CRED,
  );
  assert.equal((await verifyTencentRequest(incoming(covered), VERIFY)).ok, true);
});

Deno.test("a scope date that is not the timestamp's UTC date is refused, even signed with it", async () => {
  const req = request();
  const date = "2023-11-15"; // the timestamp is on 2023-11-14 (UTC)
  const kSigning = await hmacSha256Raw(
    await hmacSha256Raw(await hmacSha256Raw("TC3" + CRED.secretKey, date), "trocket"),
    "tc3_request",
  );
  const stringToSign = `TC3-HMAC-SHA256\n${NOW_S}\n${date}/trocket/tc3_request\n` +
    (await hashedCanonicalRequestTc3(req));
  const signature = toHex(await hmac(await hmacKey(kSigning, "SHA-256"), stringToSign));
  const headers = await signTc3(req, CRED);
  headers.Authorization =
    `TC3-HMAC-SHA256 Credential=${CRED.secretId}/${date}/trocket/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`;
  const verdict = await verifyTencentRequest(incoming(headers), VERIFY);
  assert.equal(verdict.ok, false);
  assert.equal(!verdict.ok && verdict.code, "AuthFailure.SignatureFailure");
  assert.match(!verdict.ok ? verdict.message : "", /date 2023-11-15 of the credential scope/);
});

Deno.test("the signing-key cache counts whole derivations and hits from a fresh process (no reset needed)", async () => {
  const before = tc3KeyCacheStats();
  assert.ok(Number.isInteger(before.derivations) && Number.isInteger(before.hits), `${before}`);
  await tc3SigningKey("stats-secret-key", "2026-01-02", "cvm");
  await tc3SigningKey("stats-secret-key", "2026-01-02", "cvm");
  const after = tc3KeyCacheStats();
  assert.equal(after.derivations, before.derivations + 1);
  assert.equal(after.hits, before.hits + 1);
});
