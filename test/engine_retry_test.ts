/**
 * The engine against the real emulator (in-process, virtual clock): retries with backoff,
 * throttling, 5xx storms, timeouts, and the safety of retrying mutating calls whose outcome is
 * unknown.
 */
import assert from "node:assert/strict";
import { testEngine, topicsOf } from "./_engine.ts";

const TARGET = "rmq-72mo3a9o";
const EXISTING = "rmq-2x9f8k1p";

Deno.test("throttling answers are retried with exponential backoff", async () => {
  const engine = testEngine({
    emulator: { faults: "rate=1;codes=RequestLimitExceeded;times=2;actions=DescribeTopicList" },
  });
  const startMs = engine.clock.now();
  const { result, sink } = await engine.run(`
tcflow: 1
name: throttled
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${EXISTING} }
    retry: { attempts: 4, delay: 1s, max_delay: 10s, multiplier: 2, jitter: none }
`);
  assert.equal(result.status, "succeeded");
  assert.equal(result.steps[0]?.attempts, 3);
  const failures = sink.ofType("attempt-failed");
  assert.deepEqual(failures.map((e) => [e.attempt, e.error.code, e.retryInMs]), [
    [1, "RequestLimitExceeded", 1000],
    [2, "RequestLimitExceeded", 2000],
  ]);
  assert.ok(engine.clock.now() - startMs >= 3000);
  assert.deepEqual(engine.emulator.calls().map((c) => c.outcome), [
    "RequestLimitExceeded",
    "RequestLimitExceeded",
    "ok",
  ]);
});

Deno.test("a low server rate limit: the client-side limiter keeps under it", async () => {
  // The emulator allows 20 × 0.1 = 2 DescribeTopicList per second; the client is told the same.
  const engine = testEngine({ emulator: { rateScale: 0.1 }, rateScale: 0.1 });
  const { result } = await engine.run(`
tcflow: 1
name: paced
steps:
  - id: lists
    action: trocket.DescribeTopicList
    foreach: \${{ [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }}
    concurrency: 4
    with: { InstanceId: ${EXISTING} }
`);
  assert.equal(result.status, "succeeded");
  const calls = engine.emulator.calls();
  assert.equal(calls.length, 12);
  assert.ok(calls.every((c) => c.outcome === "ok"), "no call was throttled");
});

Deno.test("each action is paced at its own documented rate, not 20/s for all (virtual clock)", async () => {
  // trocket documents 10000/s for DescribeConsumerGroupList and 20/s for DescribeTopicList:
  // ten of the first go at once, ten of the second are spaced 1/(20 × 0.9) s apart.
  const engine = testEngine();
  const { result } = await engine.run(`
tcflow: 1
name: rates
steps:
  - id: groups
    action: trocket.DescribeConsumerGroupList
    foreach: \${{ [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }}
    concurrency: 10
    with: { InstanceId: ${EXISTING}, Offset: 0, Limit: 20 }
  - id: topics
    action: trocket.DescribeTopicList
    foreach: \${{ [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }}
    concurrency: 10
    with: { InstanceId: ${EXISTING} }
`);
  assert.equal(result.status, "succeeded");
  const span = (action: string) => {
    const times = engine.emulator.calls().filter((c) => c.action === action).map((c) => c.timeMs);
    assert.equal(times.length, 10);
    return Math.max(...times) - Math.min(...times);
  };
  assert.ok(span("DescribeConsumerGroupList") < 20, `${span("DescribeConsumerGroupList")} ms`);
  assert.ok(span("DescribeTopicList") >= 9 * 55, `${span("DescribeTopicList")} ms`);
});

Deno.test("a low server rate limit without client pacing: throttled calls are retried", async () => {
  const engine = testEngine({ emulator: { rateScale: 0.1 }, rateScale: 100 });
  const { result } = await engine.run(`
tcflow: 1
name: unpaced
defaults:
  retry: { attempts: 8, delay: 500ms, max_delay: 4s, multiplier: 2, jitter: equal }
steps:
  - id: lists
    action: trocket.DescribeTopicList
    foreach: \${{ [1, 2, 3, 4, 5, 6, 7, 8] }}
    concurrency: 8
    with: { InstanceId: ${EXISTING} }
`);
  assert.equal(result.status, "succeeded");
  const outcomes = engine.emulator.calls().map((c) => c.outcome);
  assert.ok(outcomes.includes("RequestLimitExceeded"), "the server did throttle");
  assert.equal(outcomes.filter((o) => o === "ok").length, 8);
  assert.equal(result.steps[0]?.attempts, outcomes.length);
});

Deno.test("a 5xx storm: every create succeeds exactly once", async () => {
  const engine = testEngine({ emulator: { faults: "5xx=0.6", faultSeed: 3 } });
  const { result } = await engine.run(`
tcflow: 1
name: storm
steps:
  - id: create
    action: trocket.CreateTopic
    foreach: \${{ ["t-0", "t-1", "t-2", "t-3", "t-4", "t-5", "t-6", "t-7", "t-8", "t-9"] }}
    concurrency: 3
    with: { InstanceId: ${TARGET}, Topic: "\${{ item }}", TopicType: NORMAL, QueueNum: 3 }
    retry: { attempts: 12, delay: 100ms, max_delay: 2s, multiplier: 2, jitter: full }
`);
  assert.equal(result.status, "succeeded", JSON.stringify(result.steps[0]?.error));
  const calls = engine.emulator.calls();
  assert.ok(calls.filter((c) => c.outcome === "5xx").length >= 5, "the storm happened");
  assert.equal(result.steps[0]?.attempts, calls.length);
  assert.deepEqual(topicsOf(engine.emulator, TARGET).sort(), [
    "t-0",
    "t-1",
    "t-2",
    "t-3",
    "t-4",
    "t-5",
    "t-6",
    "t-7",
    "t-8",
    "t-9",
  ]);
  assert.equal((result.steps[0]?.outputs as unknown[]).length, 10);
});

Deno.test("a cut after a create was applied, no ClientToken: uncertain, not sent twice", async () => {
  const engine = testEngine({ emulator: { faults: "cut-after=1;times=1;actions=CreateTopic" } });
  const { result, sink } = await engine.run(`
tcflow: 1
name: cut
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: orders-v2, TopicType: NORMAL, QueueNum: 3 }
  - id: after
    set: { x: 1 }
`);
  assert.equal(result.status, "uncertain");
  const [create, after] = result.steps;
  assert.equal(create?.status, "uncertain");
  assert.equal(create?.attempts, 1);
  assert.equal(create?.error?.code, "NetworkError.AfterSend");
  assert.match(create?.error?.message ?? "", /CreateTopic may have been applied/);
  assert.match(
    create?.error?.message ?? "",
    /check with trocket\.DescribeTopicList before resuming/,
  );
  assert.equal(after?.status, "skipped");
  assert.equal(sink.ofType("step-uncertain").length, 1);
  // Applied once by the emulator, and never sent again.
  const creates = engine.emulator.calls().filter((c) => c.action === "CreateTopic");
  assert.deepEqual(creates.map((c) => c.outcome), ["cut-after"]);
  assert.deepEqual(topicsOf(engine.emulator, TARGET), ["orders-v2"]);
});

Deno.test("an untyped CreateX the catalog does not know counts as mutating: a broken connection leaves it uncertain, not sent twice", async () => {
  // The emulator answers an action it does not know with an error; the connection breaks
  // while that answer is read, so the caller cannot know whether it was applied.
  const sent: string[] = [];
  const engine = testEngine({
    wrapFetch: (handle) => async (request) => {
      sent.push(request.headers.get("x-tc-action") ?? "");
      await handle(request);
      throw new TypeError("error reading response: connection reset by peer");
    },
  });
  const { result } = await engine.run(`
tcflow: 1
name: untyped-cut
steps:
  - id: make
    action: newsvc.CreateThing
    version: "2024-01-01"
    untyped: true
    with: { Name: a }
    retry: { attempts: 3, delay: 1s }
`);
  const make = result.steps[0];
  assert.equal(make?.status, "uncertain", JSON.stringify(make?.error));
  assert.equal(make?.attempts, 1);
  assert.match(make?.error?.message ?? "", /CreateThing may have been applied/);
  assert.deepEqual(sent, ["CreateThing"]);
});

Deno.test("a cut after sending a read is retried", async () => {
  const engine = testEngine({ emulator: { faults: "cut-after=1;times=1" } });
  const { result } = await engine.run(`
tcflow: 1
name: read-cut
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${EXISTING} }
    retry: { attempts: 3, delay: 1s }
`);
  assert.equal(result.status, "succeeded");
  assert.equal(result.steps[0]?.attempts, 2);
});

Deno.test("InternalError on a create without ClientToken is uncertain", async () => {
  const engine = testEngine({
    emulator: { faults: "rate=1;codes=InternalError;times=1;actions=CreateTopic" },
  });
  const { result } = await engine.run(`
tcflow: 1
name: internal
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: topic-1, TopicType: NORMAL, QueueNum: 3 }
`);
  assert.equal(result.steps[0]?.status, "uncertain");
  assert.equal(result.steps[0]?.error?.code, "InternalError");
});

Deno.test("errors that cannot be helped are not retried", async () => {
  const engine = testEngine();
  const { result } = await engine.run(`
tcflow: 1
name: not-found
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-doesnotexist }
`);
  assert.equal(result.status, "failed");
  assert.equal(result.steps[0]?.status, "failed");
  assert.equal(result.steps[0]?.attempts, 1);
  assert.match(result.steps[0]?.error?.code ?? "", /^ResourceNotFound/);
  assert.equal(engine.emulator.calls().length, 1);
});

Deno.test("retry.on adds a code; attempts are bounded", async () => {
  const engine = testEngine();
  const { result, sink } = await engine.run(`
tcflow: 1
name: retry-on
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-doesnotexist }
    retry: { attempts: 3, delay: 1s, on: ["ResourceNotFound*"] }
`);
  assert.equal(result.steps[0]?.status, "failed");
  assert.equal(result.steps[0]?.attempts, 3);
  assert.match(result.steps[0]?.error?.message ?? "", /gave up after 3 attempts/);
  assert.equal(sink.ofType("attempt-failed").length, 3);
});

Deno.test("a request without an answer times out, is retried, then fails", async () => {
  // Each answer would come 2.5 s late, after the 2 s timeout. Not later: a 60 s latency left the
  // abandoned first request's timer pending at 60 s, and the virtual clock jumped to it while
  // the second attempt was being signed on a loaded machine (the step took 62 s; seen under two
  // busy loops). At 2.5 s it is due during the 1 s backoff, before the second attempt starts.
  const engine = testEngine({ emulator: { faults: "latency=1:2500ms;actions=DescribeTopicList" } });
  const startMs = engine.clock.now();
  const { result, sink } = await engine.run(`
tcflow: 1
name: slow
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${EXISTING} }
    timeout: 2s
    retry: { attempts: 2, delay: 1s, jitter: none }
`);
  assert.equal(result.status, "failed");
  assert.equal(result.steps[0]?.attempts, 2);
  assert.equal(result.steps[0]?.error?.code, "NetworkError.Timeout");
  assert.deepEqual(sink.ofType("attempt-failed").map((e) => e.error.code), [
    "NetworkError.Timeout",
    "NetworkError.Timeout",
  ]);
  const stepEvent = sink.ofType("step-failed")[0]!;
  assert.equal(stepEvent.durationMs, 2000 + 1000 + 2000);
  assert.ok(engine.clock.now() - startMs >= 5000);
});

Deno.test("aborting a run stops it during a backoff wait", async () => {
  // The first answer (a throttling error) is the event to stop at: no polling.
  let answered = () => {};
  const firstAnswer = new Promise<void>((resolve) => answered = resolve);
  const engine = testEngine({
    emulator: { faults: "rate=1;codes=RequestLimitExceeded" },
    wrapFetch: (handle) => async (request) => {
      try {
        return await handle(request);
      } finally {
        answered();
      }
    },
  });
  const controller = new AbortController();
  const running = engine.run(
    `
tcflow: 1
name: aborted
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${EXISTING} }
    retry: { attempts: 10, delay: 10s, jitter: none }
`,
    { signal: controller.signal },
  );
  // Wait until the first attempt has failed, then stop the run.
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    firstAnswer,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("no attempt was answered within 10 s")), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
  assert.ok(engine.emulator.calls().length >= 1);
  controller.abort(new Error("stopped by the user"));
  await assert.rejects(running, /stopped by the user/);
  assert.ok(engine.emulator.calls().length < 10);
});
