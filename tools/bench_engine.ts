/**
 * Benchmarks of the engine and the typed client against the emulator server over loopback:
 *
 * - {@link benchEngine}: sequential and concurrent call throughput of tcflow's typed client
 *   (catalog checks, rate limiter, retry loop, TC3 signing, fetch, lossless JSON) next to the
 *   official Node SDK (`tencentcloud-sdk-nodejs`) doing the same `trocket.DescribeTopicList`
 *   calls to the same server — `tcflow emulator` in its own process, reached over loopback —
 *   and the per-call overhead over a bare pre-signed `fetch`.
 * - {@link benchRateLimit}: a `foreach` of 1,000 calls of an action documented at 20/s, with
 *   the emulator's and the client's rate scale ×10 (200/s): the achieved rate as % of the
 *   limit and the throttling errors the server sent and the workflow saw.
 * - {@link benchPaginate}: memory while a `paginate: true` step follows 100,000 topics.
 *
 * Server rate limits are off (`rateScale: Infinity`) where they are not what is measured, and
 * the client's limiter is then scaled out of the way.
 *
 * Run one: `deno run --allow-all tools/bench_engine.ts engine|engine-in-process|ratelimit|paginate`.
 *
 * @module
 */
import { createClient, type TcflowClient } from "../mod.ts";
import { systemDeps } from "../lib/deps.ts";
import { signedRequest } from "../lib/emulator/_signed_request.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { serveEmulator } from "../lib/emulator/server.ts";
import { MemorySink } from "../lib/journal/events.ts";
import { runWorkflow } from "../lib/engine/executor.ts";
import { createRateLimiter } from "../lib/engine/rate_limiter.ts";
import { createTencentClient } from "../lib/tencent/client.ts";
import { loadWorkflowText } from "../lib/workflow/load.ts";

const INSTANCE = "rmq-2x9f8k1p";
const REGION = "ap-guangzhou";
/** A client rate scale large enough that pacing never waits (the limiter needs a finite one). */
const UNLIMITED_SCALE = 1e9;

type SdkCall = (params: Record<string, unknown>) => Promise<Record<string, unknown>>;
type SdkClient = { DescribeTopicList: SdkCall };

async function sdkClient(port: number): Promise<SdkClient> {
  // Loaded here: only this benchmark needs the SDK.
  const { default: tc } = await import("tencentcloud-sdk-nodejs");
  const sdk = tc as unknown as {
    trocket: { v20230308: { Client: new (config: unknown) => SdkClient } };
  };
  return new sdk.trocket.v20230308.Client({
    credential: { ...DEMO_CREDENTIAL },
    region: REGION,
    profile: {
      httpProfile: { endpoint: `127.0.0.1:${port}`, protocol: "http://", reqTimeout: 30 },
    },
  });
}

/** Runs `count` calls with `concurrency` workers; returns calls per second. */
async function drive(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count) await call(next++);
  };
  const startMs = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (count * 1000) / (performance.now() - startMs);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** An emulator server the benchmark talks to over loopback. */
interface BenchServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const ROOT = new URL("../", import.meta.url).pathname;

/**
 * `tcflow emulator --port 0` in its own process: like a real endpoint, the server does not run
 * on the client's thread (in-process, every request's server work — verifying the signature,
 * the handler, the response — is interleaved with the client's own work on one event loop, so
 * the figure measures the server as much as the client).
 */
async function emulatorProcess(): Promise<BenchServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      "cli.ts",
      "emulator",
      "--port",
      "0",
      "--rate-scale",
      "1000000000",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let url: string | undefined;
  while (url === undefined) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`tcflow emulator did not start: ${seen}`);
    seen += value;
    url = /listening on (http:\/\/\S+)/.exec(seen)?.[1];
  }
  reader.releaseLock();
  return {
    url,
    port: Number(new URL(url).port),
    async close() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

/** Where {@link benchEngine} runs the emulator server. */
export type ServerPlacement = "process" | "in-process";

/** Figures of {@link benchEngine}. */
export interface EngineFigures {
  /** Rounds, and calls per client per round (sequential; four times as many at concurrency 16). */
  rounds: number;
  calls: number;
  /** `process`: `tcflow emulator` in its own process; `in-process`: on the client's event loop. */
  server: ServerPlacement;
  /** Sequential calls/s over all rounds: the typed client, the SDK, bare pre-signed fetch. */
  sequential: { tcflowPerS: number; sdkPerS: number; rawFetchPerS: number };
  /** Mean µs a call costs over a bare pre-signed fetch (signing, checks, JSON, limiter, retry loop). */
  overheadUs: { tcflow: number; sdk: number };
  /** Calls/s with 16 concurrent callers, over all rounds. */
  concurrent16: { tcflowPerS: number; sdkPerS: number };
  /** tcflow's calls/s divided by the SDK's, over all rounds. */
  ratio: { sequential: number; concurrent16: number };
  /** The same ratio within each round: median, lowest, highest (the spread of the machine). */
  roundRatios: {
    sequential: { median: number; min: number; max: number };
    concurrent16: { median: number; min: number; max: number };
  };
}

/**
 * tcflow vs the official SDK, same emulator server, same calls: `trocket.DescribeTopicList`
 * with an `Offset` that changes from call to call (no two consecutive bodies are equal, so
 * nothing can be reused between calls).
 *
 * The clients take turns in many short rounds, so a slow moment of the machine falls on both:
 * first the sequential rounds (bare fetch, then both clients one after the other, which one goes
 * first alternating), then the rounds at concurrency 16. Throughputs are totals over all rounds.
 */
export async function benchEngine(
  options: { calls?: number; rounds?: number; server?: ServerPlacement } = {},
): Promise<EngineFigures> {
  const calls = options.calls ?? 100;
  const rounds = options.rounds ?? 60;
  const placement = options.server ?? "process";
  const server: BenchServer = placement === "process"
    ? await emulatorProcess()
    : await serveEmulator({ port: 0, rateScale: Infinity });
  try {
    const client: TcflowClient = createClient({
      region: REGION,
      endpointUrl: server.url,
      credential: { ...DEMO_CREDENTIAL },
      rateScale: UNLIMITED_SCALE,
    });
    const sdk = await sdkClient(server.port);
    const paramsOf = (i: number) => ({ InstanceId: INSTANCE, Offset: i % 100, Limit: 10 });
    const tcflowCall = (i: number) => client.trocket.DescribeTopicList(paramsOf(i));
    const sdkCall = (i: number) => sdk.DescribeTopicList(paramsOf(i));
    // Pre-signed requests: what is left is HTTP and the server.
    const presign = (count: number) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          signedRequest({
            service: "trocket",
            action: "DescribeTopicList",
            params: paramsOf(i),
            region: REGION,
            url: server.url,
            timestampS: Math.floor(Date.now() / 1000),
          })),
      );
    const rawCall = (signed: Request[]) => async (i: number) =>
      await (await fetch(signed[i]!)).text();

    // Warm up every path (JIT, connections, the catalog's trocket file).
    await drive(300, 1, tcflowCall);
    await drive(300, 1, sdkCall);
    await drive(300, 1, rawCall(await presign(300)));

    // Sequential rounds first, then concurrent ones: 16 callers leave 16 pooled connections
    // behind in each client, which a sequential caller would then cycle through.
    const ms = { raw: 0, tcflow: 0, sdk: 0, tcflow16: 0, sdk16: 0 };
    const ratios = { sequential: [] as number[], concurrent16: [] as number[] };
    const timed = async (
      count: number,
      concurrency: number,
      call: (i: number) => Promise<unknown>,
    ) => (count * 1000) / await drive(count, concurrency, call);
    for (const concurrency of [1, 16]) {
      const count = concurrency === 1 ? calls : calls * 4;
      for (let round = 0; round < rounds; round++) {
        if (concurrency === 1) ms.raw += await timed(count, 1, rawCall(await presign(count)));
        const msOf: Record<"tcflow" | "sdk", number> = { tcflow: 0, sdk: 0 };
        for (
          const who of round % 2 === 0 ? ["tcflow", "sdk"] as const : ["sdk", "tcflow"] as const
        ) {
          msOf[who] = await timed(count, concurrency, who === "tcflow" ? tcflowCall : sdkCall);
        }
        if (concurrency === 1) {
          ms.tcflow += msOf.tcflow;
          ms.sdk += msOf.sdk;
          ratios.sequential.push(msOf.sdk / msOf.tcflow);
        } else {
          ms.tcflow16 += msOf.tcflow;
          ms.sdk16 += msOf.sdk;
          ratios.concurrent16.push(msOf.sdk / msOf.tcflow);
        }
      }
    }
    const perS = (count: number, totalMs: number) => (count * rounds * 1000) / totalMs;
    const rawFetchPerS = perS(calls, ms.raw);
    const tcflowPerS = perS(calls, ms.tcflow);
    const sdkPerS = perS(calls, ms.sdk);
    const concurrent16 = {
      tcflowPerS: perS(calls * 4, ms.tcflow16),
      sdkPerS: perS(calls * 4, ms.sdk16),
    };
    const us = (rate: number) => 1e6 / rate;
    const spread = (values: number[]) => ({
      median: median(values),
      min: Math.min(...values),
      max: Math.max(...values),
    });
    return {
      rounds,
      calls,
      server: placement,
      sequential: { tcflowPerS, sdkPerS, rawFetchPerS },
      overheadUs: {
        tcflow: us(tcflowPerS) - us(rawFetchPerS),
        sdk: us(sdkPerS) - us(rawFetchPerS),
      },
      concurrent16,
      ratio: {
        sequential: tcflowPerS / sdkPerS,
        concurrent16: concurrent16.tcflowPerS / concurrent16.sdkPerS,
      },
      roundRatios: {
        sequential: spread(ratios.sequential),
        concurrent16: spread(ratios.concurrent16),
      },
    };
  } finally {
    await server.close();
  }
}

/** Figures of {@link benchRateLimit}. */
export interface RateLimitFigures {
  calls: number;
  /** The documented limit × scale. */
  limitPerS: number;
  /** Calls / (last call − first call), as the server's clock saw them. */
  achievedPerS: number;
  achievedPercent: number;
  /** Throttling answers the server sent. */
  throttledByServer: number;
  /** Throttling errors that failed a call of the workflow (after retries). */
  throttledInWorkflow: number;
  /** Throttling answers retried by the engine. */
  throttledRetried: number;
  status: string;
}

/** A `foreach` of 1,000 `DescribeTopicList` calls (20/s documented) at rate scale ×10. */
export async function benchRateLimit(
  options: { calls?: number; scale?: number; concurrency?: number } = {},
): Promise<RateLimitFigures> {
  const calls = options.calls ?? 1_000;
  const scale = options.scale ?? 10;
  const concurrency = options.concurrency ?? 16;
  const server = await serveEmulator({ port: 0, rateScale: scale });
  try {
    const deps = systemDeps();
    const { workflow: wf, diagnostics } = loadWorkflowText(
      [
        "tcflow: 1",
        "name: ratelimit",
        `region: ${REGION}`,
        "inputs:",
        "  items: { type: list }",
        "steps:",
        "  - id: many",
        "    action: trocket.DescribeTopicList",
        "    foreach: ${{ inputs.items }}",
        `    concurrency: ${concurrency}`,
        `    with: { InstanceId: ${INSTANCE}, Offset: 0, Limit: 1 }`,
        "    on_error: continue",
      ].join("\n"),
      "ratelimit.yaml",
    );
    if (wf === undefined) throw new Error(`bench workflow: ${diagnostics[0]?.message}`);
    const sink = new MemorySink();
    const result = await runWorkflow(wf, {
      inputs: { items: Array.from({ length: calls }, (_, i) => BigInt(i)) },
      deps,
      client: createTencentClient({
        deps,
        credential: { ...DEMO_CREDENTIAL },
        endpointUrl: server.url,
      }),
      rateLimiter: createRateLimiter({ deps, scale }),
      sink,
      runId: "bench-ratelimit",
    });
    const log = server.emulator.calls().filter((c) => c.action === "DescribeTopicList");
    const isThrottle = (code: string) => code.startsWith("RequestLimitExceeded");
    const ok = log.filter((c) => c.outcome === "ok");
    const first = log[0]?.timeMs ?? 0;
    const last = log[log.length - 1]?.timeMs ?? first;
    const achievedPerS = log.length > 1 ? ((log.length - 1) * 1000) / (last - first) : 0;
    const limitPerS = 20 * scale;
    return {
      calls: ok.length,
      limitPerS,
      achievedPerS,
      achievedPercent: (achievedPerS / limitPerS) * 100,
      throttledByServer: log.filter((c) => isThrottle(c.outcome)).length,
      throttledInWorkflow: sink.ofType("attempt-failed").filter((e) =>
        isThrottle(e.error.code) && e.retryInMs === undefined
      ).length,
      throttledRetried: sink.ofType("attempt-failed").filter((e) =>
        isThrottle(e.error.code) && e.retryInMs !== undefined
      ).length,
      status: result.status,
    };
  } finally {
    await server.close();
  }
}

/** Figures of {@link benchPaginate}. */
export interface PaginateFigures {
  items: number;
  pages: number;
  ms: number;
  /** Memory after seeding the emulator, before the run (MB). */
  baseline: { rssMB: number; heapMB: number };
  /** Highest memory seen while paginating (sampled every 50 ms) and after (MB). */
  peak: { rssMB: number; heapMB: number };
  after: { rssMB: number; heapMB: number };
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function memory(): { rssMB: number; heapMB: number } {
  const m = Deno.memoryUsage();
  return { rssMB: mb(m.rss), heapMB: mb(m.heapUsed) };
}

/** A `paginate: true` step over 100,000 topics of an in-process emulator. */
export async function benchPaginate(options: { items?: number } = {}): Promise<PaginateFigures> {
  const items = options.items ?? 100_000;
  const trocket = createEmulator().state().trocket as {
    instances: Array<{ InstanceId: string; topics: unknown[] }>;
  };
  trocket.instances.find((i) => i.InstanceId === INSTANCE)!.topics = Array.from(
    { length: items },
    (_, i) => ({
      Topic: `topic-${String(i).padStart(6, "0")}`,
      TopicType: "NORMAL",
      QueueNum: 3,
      Remark: "",
      MsgTTL: 72,
      CreatedTime: 1714521600000,
      TagList: [],
    }),
  );
  const emulator = createEmulator({ data: { trocket }, rateScale: Infinity });
  const deps = { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) };
  const { workflow, diagnostics } = loadWorkflowText(
    [
      "tcflow: 1",
      "name: paginate",
      `region: ${REGION}`,
      "steps:",
      "  - id: topics",
      "    action: trocket.DescribeTopicList",
      `    with: { InstanceId: ${INSTANCE} }`,
      "    paginate: true",
      "outputs:",
      "  count: ${{ size(steps.topics.outputs.Data) }}",
    ].join("\n"),
    "paginate.yaml",
  );
  if (workflow === undefined) throw new Error(`bench workflow: ${diagnostics[0]?.message}`);
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = memory();
  const peak = { ...baseline };
  const timer = setInterval(() => {
    const now = memory();
    peak.rssMB = Math.max(peak.rssMB, now.rssMB);
    peak.heapMB = Math.max(peak.heapMB, now.heapMB);
  }, 50);
  const sink = new MemorySink();
  const startMs = performance.now();
  try {
    const result = await runWorkflow(workflow, {
      inputs: {},
      deps,
      client: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
      rateLimiter: createRateLimiter({ deps, scale: UNLIMITED_SCALE }),
      sink,
      runId: "bench-paginate",
    });
    const ms = performance.now() - startMs;
    const after = memory();
    peak.rssMB = Math.max(peak.rssMB, after.rssMB);
    peak.heapMB = Math.max(peak.heapMB, after.heapMB);
    const count = Number(result.outputs.count);
    if (result.status !== "succeeded" || count !== items) {
      throw new Error(`paginate bench: ${result.status}, ${count} of ${items} items`);
    }
    return {
      items: count,
      pages: sink.ofType("page-fetched").length,
      ms: Math.round(ms),
      baseline,
      peak,
      after,
    };
  } finally {
    clearInterval(timer);
  }
}

if (import.meta.main) {
  const which = Deno.args[0] ?? "engine";
  const run = {
    engine: () => benchEngine(),
    "engine-in-process": () => benchEngine({ server: "in-process" }),
    ratelimit: () => benchRateLimit(),
    paginate: () => benchPaginate(),
  }[which];
  if (run === undefined) throw new Error(`unknown benchmark ${which}`);
  console.log(await run());
}
