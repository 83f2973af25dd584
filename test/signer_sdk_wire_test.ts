/**
 * The unmodified official `tencentcloud-sdk-nodejs` client, over real HTTP, against a tiny server
 * that checks every request with `verifyTencentRequest`: TC3 (POST JSON and GET) and v1
 * (HmacSHA1 / HmacSHA256, GET and form POST), and the failure codes it sees.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { verifyTencentRequest } from "../lib/emulator/verify.ts";

const require = createRequire(import.meta.url);
const { CommonClient } = require("tencentcloud-sdk-nodejs/tencentcloud/common/common_client.js");

const CRED = { secretId: "AKIDWIRETEST0000", secretKey: "wire-secret-key" };

interface SdkError {
  code?: string;
  message?: string;
}

Deno.test("the official SDK's TC3 and v1 requests verify over HTTP", async () => {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const body = new Uint8Array(await request.arrayBuffer());
    const verdict = await verifyTencentRequest(
      { method: request.method, url: new URL(request.url), headers: request.headers, body },
      {
        lookupSecret: (id) => (id === CRED.secretId ? CRED.secretKey : undefined),
        nowS: Math.floor(Date.now() / 1000),
      },
    );
    seen.push(`${verdict.scheme} ${request.method} ${verdict.ok ? "ok" : verdict.code}`);
    const response = verdict.ok
      ? { Echo: verdict.action ?? "", RequestId: "req-1" }
      : { Error: { Code: verdict.code, Message: verdict.message }, RequestId: "req-1" };
    return Response.json({ Response: response });
  });
  try {
    const endpoint = `127.0.0.1:${server.addr.port}`;
    const client = (
      signMethod: string,
      reqMethod: string,
      credential: typeof CRED = CRED,
    ) =>
      new CommonClient(endpoint, "2023-03-08", {
        credential,
        region: "ap-guangzhou",
        profile: { signMethod, httpProfile: { protocol: "http://", reqMethod, reqTimeout: 10 } },
      });
    const params = {
      InstanceId: "rmq-72mo3a9o",
      Filters: [{ Name: "TopicName", Values: ["订单 a+b&c"] }],
    };
    for (
      const [signMethod, reqMethod] of [
        ["TC3-HMAC-SHA256", "POST"],
        ["TC3-HMAC-SHA256", "GET"],
        ["HmacSHA1", "GET"],
        ["HmacSHA1", "POST"],
        ["HmacSHA256", "GET"],
        ["HmacSHA256", "POST"],
      ] as const
    ) {
      const answer = await client(signMethod, reqMethod).request("DescribeTopicList", params);
      assert.equal(answer.Echo, "DescribeTopicList", `${signMethod} ${reqMethod}`);
    }
    for (const signMethod of ["TC3-HMAC-SHA256", "HmacSHA256"]) {
      const wrongKey = client(signMethod, "POST", { ...CRED, secretKey: "wrong" });
      await assert.rejects(wrongKey.request("DescribeTopicList", params), (e: SdkError) => {
        assert.equal(e.code, "AuthFailure.SignatureFailure");
        return true;
      });
      const unknownId = client(signMethod, "POST", { ...CRED, secretId: "AKIDUNKNOWN" });
      await assert.rejects(unknownId.request("DescribeTopicList", params), (e: SdkError) => {
        assert.equal(e.code, "AuthFailure.SecretIdNotFound");
        return true;
      });
    }
    assert.equal(seen.length, 10);
  } finally {
    await server.shutdown();
  }
});
