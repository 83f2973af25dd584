/**
 * Benchmark: TC3-HMAC-SHA256 signatures per second, tcflow's WebCrypto signer (with its cached
 * signing key) against the official `tencentcloud-sdk-nodejs` `Sign.sign3` (node:crypto), on
 * the same typical POST JSON request. Run: `deno run --allow-all tools/bench_signer.ts`.
 *
 * `crypto.subtle` is asynchronous: each of a signature's three operations (two SHA-256, one
 * HMAC) runs off the JavaScript thread, so one signature at a time measures the round trips
 * (latency), and 16 in flight measure throughput. The SDK's signer is synchronous: one at a
 * time is all it does.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { signTc3, type Tc3Request } from "../lib/tencent/signer.ts";

const require = createRequire(import.meta.url);

/** Signs `iterations` requests with each signer and reports the rates (signatures per second). */
export async function benchSigner(
  options: { iterations?: number; rounds?: number } = {},
): Promise<{ tcflowPerS: number; tcflowConcurrent16PerS: number; sdkPerS: number }> {
  const iterations = options.iterations ?? 5_000;
  const rounds = options.rounds ?? 5;
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

  const sign = (i: number) => signTc3({ ...req, timestampS: req.timestampS + (i % 60) }, cred);
  const sdkSign = (i: number) =>
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
  const perS = (startMs: number) => (iterations * 1000) / (performance.now() - startMs);
  for (let i = 0; i < 1_000; i++) { // warm-up
    await sign(i);
    sdkSign(i);
  }

  // Rounds alternate the three measurements; the figures are the medians.
  const figures = { tcflow: [] as number[], concurrent: [] as number[], sdk: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    for (let i = 0; i < iterations; i++) await sign(i);
    figures.tcflow.push(perS(start));

    start = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < iterations) await sign(next++);
    }));
    figures.concurrent.push(perS(start));

    start = performance.now();
    for (let i = 0; i < iterations; i++) sdkSign(i);
    figures.sdk.push(perS(start));
  }
  const median = (values: number[]) =>
    Math.round([...values].sort((a, b) => a - b)[values.length >> 1]!);
  return {
    tcflowPerS: median(figures.tcflow),
    tcflowConcurrent16PerS: median(figures.concurrent),
    sdkPerS: median(figures.sdk),
  };
}

if (import.meta.main) console.log(await benchSigner());
