/**
 * Benchmark: TC3-HMAC-SHA256 signatures per second, tcflow's WebCrypto signer (with its cached
 * signing key) against the official `tencentcloud-sdk-nodejs` `Sign.sign3` (node:crypto), on
 * the same typical POST JSON request. Run: `deno run --allow-all tools/bench_signer.ts`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { signTc3, type Tc3Request } from "../lib/tencent/signer.ts";

const require = createRequire(import.meta.url);

/** Signs `iterations` requests with each signer and reports the rates (signatures per second). */
export async function benchSigner(
  options: { iterations?: number } = {},
): Promise<{ tcflowPerS: number; sdkPerS: number }> {
  const iterations = options.iterations ?? 5_000;
  const Sign = require("tencentcloud-sdk-nodejs/tencentcloud/common/sign.js").default as {
    sign3(o: Record<string, unknown>): string;
  };
  const body = new TextEncoder().encode(
    JSON.stringify({
      InstanceId: "rmq-72mo3a9o",
      Offset: 0,
      Limit: 20,
      Filters: [{ Name: "TopicName", Values: ["orders"] }],
    }),
  );
  const cred = {
    secretId: "AKIDTCFLOWDEMO0000000000000000000000",
    secretKey: "tcflow-demo-secret-key",
  };
  const req: Tc3Request = {
    method: "POST",
    host: "trocket.tencentcloudapi.com",
    path: "/",
    contentType: "application/json",
    body,
    service: "trocket",
    action: "DescribeTopicList",
    version: "2023-03-08",
    region: "ap-guangzhou",
    timestampS: 1_700_000_000,
  };
  const payload = Buffer.from(body);

  let start = performance.now();
  for (let i = 0; i < iterations; i++) {
    await signTc3({ ...req, timestampS: req.timestampS + (i % 60) }, cred);
  }
  const tcflowMs = performance.now() - start;

  start = performance.now();
  for (let i = 0; i < iterations; i++) {
    Sign.sign3({
      method: "POST",
      url: "https://trocket.tencentcloudapi.com/",
      payload,
      timestamp: req.timestampS + (i % 60),
      service: "trocket",
      secretId: cred.secretId,
      secretKey: cred.secretKey,
      headers: { "Content-Type": "application/json" },
    });
  }
  const sdkMs = performance.now() - start;
  return {
    tcflowPerS: Math.round((iterations * 1000) / tcflowMs),
    sdkPerS: Math.round((iterations * 1000) / sdkMs),
  };
}

if (import.meta.main) console.log(await benchSigner());
