/**
 * Test helpers of the engine tests: the real emulator in-process on a virtual clock, the real
 * client and signer, and a runner for workflow text.
 *
 * @module
 */
import { createEmulator, DEMO_CREDENTIAL, type EmulatorOptions } from "../lib/emulator/emulator.ts";
import type { Deps } from "../lib/deps.ts";
import { MemorySink } from "../lib/journal/events.ts";
import { type RunOptions, type RunResult, runWorkflow } from "../lib/engine/executor.ts";
import { createRateLimiter } from "../lib/engine/rate_limiter.ts";
import { createVirtualClock, type VirtualClock } from "../lib/engine/virtual_clock.ts";
import { createTencentClient } from "../lib/tencent/client.ts";
import { loadWorkflowText } from "../lib/workflow/load.ts";
import { formatDiagnostic } from "../lib/workflow/snippet.ts";
import type { Workflow } from "../lib/workflow/model.ts";

/** 2026-01-01T00:00:00Z. */
export const START_MS = Date.UTC(2026, 0, 1);

/** The demo credential as a plain object. */
export const CREDENTIAL = {
  secretId: DEMO_CREDENTIAL.secretId,
  secretKey: DEMO_CREDENTIAL.secretKey,
};

/** Parses and validates a workflow; throws with the diagnostics when it is invalid. */
export function workflowOf(text: string): Workflow {
  const loaded = loadWorkflowText(text, "test.yaml");
  if (loaded.workflow === undefined) {
    const messages = loaded.diagnostics.map((d) => formatDiagnostic(d, loaded.source));
    throw new Error(`invalid test workflow:\n${messages.join("\n")}`);
  }
  return loaded.workflow;
}

/** An engine wired to an in-process emulator. */
export interface TestEngine {
  emulator: ReturnType<typeof createEmulator>;
  clock: VirtualClock;
  deps: Deps;
  client: ReturnType<typeof createTencentClient>;
  /** Runs workflow text; returns the result and the events. */
  run(
    text: string,
    extra?: Partial<Omit<RunOptions, "deps" | "client">>,
  ): Promise<{ result: RunResult; sink: MemorySink }>;
}

/** Builds an engine on a virtual clock (time moves only when everyone sleeps). */
export function testEngine(
  options: {
    emulator?: EmulatorOptions;
    /** Wraps the emulator's handler (e.g. to count requests in flight). */
    wrapFetch?: (handle: (r: Request) => Promise<Response>) => (r: Request) => Promise<Response>;
    rateScale?: number;
  } = {},
): TestEngine {
  // Time advances only after the clock went unused for 3 checks 1 ms apart, so that real
  // asynchronous work (signing, in-process requests) is not overtaken by virtual time.
  const clock = createVirtualClock({ startMs: START_MS, tickDelayMs: 1, settleTicks: 3 });
  const emulator = createEmulator({
    now: clock.now,
    // The emulator's own waits (latency faults) let time run.
    sleep: async (ms) => {
      clock.release();
      try {
        await clock.sleep(ms);
      } finally {
        clock.hold();
      }
    },
    ...options.emulator,
  });
  // Time stands still while the emulator works on a request, as it would for a fast server.
  const handle = async (r: Request) => {
    clock.hold();
    try {
      const response = await emulator.handle(r);
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, headers: response.headers });
    } finally {
      clock.release();
    }
  };
  const deps: Deps = {
    now: clock.now,
    sleep: clock.sleep,
    random: seeded(7),
    fetch: options.wrapFetch ? options.wrapFetch(handle) : handle,
  };
  const client = createTencentClient({ deps, credential: CREDENTIAL });
  return {
    emulator,
    clock,
    deps,
    client,
    async run(text, extra = {}) {
      const sink = new MemorySink();
      const result = await runWorkflow(workflowOf(text), {
        inputs: {},
        runId: "run-test",
        rateLimiter: createRateLimiter({ deps, scale: options.rateScale ?? 1 }),
        sink,
        region: "ap-guangzhou",
        ...extra,
        deps,
        client,
      });
      return { result, sink };
    },
  };
}

/** A small deterministic PRNG (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The trocket topics of an instance in the emulator's state. */
export function topicsOf(
  emulator: { state(): Record<string, unknown> },
  instanceId: string,
): string[] {
  const trocket = emulator.state().trocket as {
    instances: Array<{ InstanceId: string; topics: Array<{ Topic: string }> }>;
  };
  return trocket.instances.find((i) => i.InstanceId === instanceId)?.topics.map((t) => t.Topic) ??
    [];
}
