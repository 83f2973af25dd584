/**
 * A `paginate` read is resumed page by page (PRODUCT.md section 13): every `page-fetched`
 * event journals the page's items and the pager's state for the next page, and `resume` goes
 * on from the page after the last one read instead of reading from page 1. The real executor,
 * journal codec and replay, and the in-process emulator on a virtual clock.
 */
import assert from "node:assert/strict";
import { createEmulator } from "../lib/emulator/emulator.ts";
import { decodeEvent, encodeEvent } from "../lib/journal/codec.ts";
import { MemorySink, type RunEvent } from "../lib/journal/events.ts";
import { recordedSteps, replay, resumeState } from "../lib/journal/replay.ts";
import { stringifyJson } from "../lib/json.ts";
import { testEngine } from "./_engine.ts";

const TARGET = "rmq-72mo3a9o";

function engineWithTopics(count: number) {
  const state = createEmulator().state() as {
    trocket: { instances: Array<{ InstanceId: string; topics: unknown[] }> };
  };
  const target = state.trocket.instances.find((i) => i.InstanceId === TARGET)!;
  target.topics = Array.from({ length: count }, (_, i) => ({
    Topic: `t-${String(i).padStart(3, "0")}`,
    TopicType: "NORMAL",
    QueueNum: 3,
    Remark: "",
    MsgTTL: 72,
    CreatedTime: 1714521600000,
    TagList: [],
  }));
  return testEngine({ emulator: { data: { trocket: state.trocket } } });
}

const READ = `
tcflow: 1
name: pages
steps:
  - id: topics
    action: trocket.DescribeTopicList
    paginate: true
    with: { InstanceId: ${TARGET}, Limit: 10 }
outputs:
  names: \${{ steps.topics.outputs.Data.map(t, t.Topic) }}
`;

/** A sink that stops the run (as a kill would) after page `page`; events go through the codec. */
function stoppingSink(page: number) {
  const events: RunEvent[] = [];
  const controller = new AbortController();
  return {
    events,
    sink: {
      append(event: RunEvent) {
        events.push(decodeEvent(encodeEvent(event).trimEnd()));
        if (event.type === "page-fetched" && event.page === page) controller.abort("killed");
        return Promise.resolve();
      },
    },
    signal: controller.signal,
  };
}

const offsets = (engine: ReturnType<typeof testEngine>) =>
  engine.emulator.calls().filter((c) => c.action === "DescribeTopicList")
    .map((c) => Number((c.params as { Offset: number }).Offset));

Deno.test("resume reads a paginated list from the page after the last one read", async () => {
  const engine = engineWithTopics(45);
  const first = stoppingSink(3);
  await assert.rejects(
    engine.run(READ, { sink: first.sink, signal: first.signal }),
    (reason: unknown) => reason === "killed",
  );
  assert.deepEqual(offsets(engine), [0, 10, 20]);
  const resume = resumeState(replay(first.events));
  assert.equal(resume.pages.get("topics")?.[-1]?.pages, 3);

  const sink = new MemorySink();
  const { result } = await engine.run(READ, {
    sink,
    resume: recordedSteps(resume),
    resumePages: Object.fromEntries(resume.pages),
  });
  assert.equal(result.status, "succeeded");
  assert.deepEqual(offsets(engine), [0, 10, 20, 30, 40], "pages 4 and 5 only were read again");
  assert.deepEqual(sink.ofType("page-fetched").map((e) => e.page), [4, 5]);
  assert.deepEqual(
    result.outputs.names,
    Array.from({ length: 45 }, (_, i) => `t-${String(i).padStart(3, "0")}`),
  );
});

Deno.test("a read whose pages all arrived leaves nothing to go on from", async () => {
  const engine = engineWithTopics(15);
  const sink = new MemorySink();
  await engine.run(READ, { sink });
  assert.deepEqual(sink.ofType("page-fetched").map((e) => e.page), [1, 2]);
  assert.equal(resumeState(replay(sink.events)).pages.size, 0);
});

Deno.test("a page journaled for resume shows the credentials in its items as ***", async () => {
  const engine = testEngine();
  const { response } = await engine.client.call(
    "apigateway",
    "CreateApiKey",
    "2018-08-08",
    "ap-guangzhou",
    { SecretName: "partner-key" },
  );
  const secret = (response as { Result: { AccessKeySecret: string } }).Result.AccessKeySecret;
  assert.ok(secret.length >= 20);
  const sink = new MemorySink();
  const { result } = await engine.run(
    `
tcflow: 1
name: keys
steps:
  - id: keys
    action: apigateway.DescribeApiKeysStatus
    paginate: true
    with: { Limit: 1 }
`,
    { sink },
  );
  assert.equal(result.status, "succeeded");
  const pages = sink.ofType("page-fetched");
  assert.ok(pages.length >= 1 && pages[0]?.list?.length === 1, "the page's items are journaled");
  assert.equal(stringifyJson(sink.events).includes(secret), false);
  assert.equal((pages[0]?.list?.[0] as { AccessKeySecret: string }).AccessKeySecret, "***");
});

Deno.test("a paginated read's items are journaled once, in its pages; replay puts them back", async () => {
  const engine = engineWithTopics(25);
  const journal = new MemorySink();
  // Without the workflow's outputs (they list the names again, on purpose).
  const { result } = await engine.run(READ.slice(0, READ.indexOf("outputs:")), { sink: journal });
  assert.equal(result.status, "succeeded");
  const events = journal.events.map((e) => decodeEvent(encodeEvent(e).trimEnd()));
  const text = events.map((e) => encodeEvent(e)).join("");
  // Each topic's name occurs once in the journal's bytes: in the list of its page.
  for (let i = 0; i < 25; i++) {
    const name = `"t-${String(i).padStart(3, "0")}"`;
    assert.equal(text.split(name).length - 1, 1, `${name} is journaled once`);
  }
  const succeeded = events.find((e) => e.type === "step-succeeded");
  assert.ok(succeeded?.type === "step-succeeded");
  assert.deepEqual(succeeded.pagedPath, ["Data"]);
  assert.equal(succeeded.pagedItems, 25);
  assert.deepEqual((succeeded.outputs as { Data: unknown[] }).Data, []);
  // Replay (runs, report, resume) reads the whole list back, in order.
  const step = replay(events).steps.find((s) => s.id === "topics")!;
  assert.equal(stringifyJson(step.outputs), stringifyJson(result.steps[0]!.outputs));
  const names = (step.outputs as { Data: Array<{ Topic: string }> }).Data.map((t) => t.Topic);
  assert.equal(names.length, 25);
  assert.equal(names[24], "t-024");
});

Deno.test("a resumed read's pages of both sessions add up to its list on replay", async () => {
  const engine = engineWithTopics(25);
  const first = stoppingSink(2);
  await assert.rejects(
    engine.run(READ, { sink: first.sink, signal: first.signal }),
    (reason: unknown) => reason === "killed",
  );
  const resume = resumeState(replay(first.events));
  const second = new MemorySink();
  const { result } = await engine.run(READ, {
    sink: second,
    resumePages: Object.fromEntries(resume.pages),
  });
  assert.equal(result.status, "succeeded");
  const events = [
    ...first.events,
    ...second.events.map((e) => decodeEvent(encodeEvent(e).trimEnd())),
  ];
  const step = replay(events).steps.find((s) => s.id === "topics")!;
  assert.equal(stringifyJson(step.outputs), stringifyJson(result.steps[0]!.outputs));
  assert.equal((step.outputs as { Data: unknown[] }).Data.length, 25);
});
