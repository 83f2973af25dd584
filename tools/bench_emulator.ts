/**
 * Benchmark: signed requests per second that the emulator server answers over loopback.
 *
 * Requests are TC3-signed beforehand (each with its own body, so nothing is cached by
 * content); the timed part is sending them with `fetch` from `concurrency` workers to
 * `serveEmulator` and reading every answer: HTTP parsing, signature verification, catalog
 * parameter checks, the trocket handler and the JSON answer. Rate limits are off
 * (`rateScale: Infinity`) since they are not what is measured.
 *
 * Run: `deno run --allow-all tools/bench_emulator.ts`
 *
 * @module
 */
import { signedRequest } from "../lib/emulator/_signed_request.ts";
import { serveEmulator } from "../lib/emulator/server.ts";

/** Sends `requests` signed calls with `concurrency` workers; returns the rate. */
export async function benchEmulator(
  options: { requests?: number; concurrency?: number } = {},
): Promise<{ requestsPerS: number; requests: number; concurrency: number; errors: number }> {
  const requests = options.requests ?? 4000;
  const concurrency = options.concurrency ?? 16;
  const server = await serveEmulator({ port: 0, rateScale: Infinity });
  try {
    const timestampS = Math.floor(Date.now() / 1000);
    const pending = await Promise.all(
      Array.from({ length: requests }, (_, i) =>
        signedRequest({
          service: "trocket",
          action: "DescribeTopicList",
          params: { InstanceId: "rmq-2x9f8k1p", Offset: i % 3, Limit: 10 },
          region: "ap-guangzhou",
          url: server.url,
          timestampS,
        })),
    );
    let next = 0;
    let errors = 0;
    const worker = async () => {
      while (next < pending.length) {
        const request = pending[next++]!;
        const text = await (await fetch(request)).text();
        if (text.includes('"Error"')) errors++;
      }
    };
    const startMs = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsedMs = performance.now() - startMs;
    return {
      requestsPerS: Math.round((requests * 1000) / elapsedMs),
      requests,
      concurrency,
      errors,
    };
  } finally {
    await server.close();
  }
}

if (import.meta.main) {
  console.log(await benchEmulator());
}
