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
import { cli, fixture } from "./_journal_fixture.ts";

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

const INSTANCES = ["rmq-72mo3a9o", "rmq-2x9f8k1p"];

/** An engine whose two trocket instances have `count` topics each (`t<instance>-<n>`). */
function engineWithTopicsEach(count: number) {
  const state = createEmulator().state() as {
    trocket: { instances: Array<{ InstanceId: string; topics: unknown[] }> };
  };
  for (const [n, id] of INSTANCES.entries()) {
    const instance = state.trocket.instances.find((i) => i.InstanceId === id)!;
    instance.topics = Array.from({ length: count }, (_, i) => ({
      Topic: `t${n}-${String(i).padStart(3, "0")}`,
      TopicType: "NORMAL",
      QueueNum: 3,
      Remark: "",
      MsgTTL: 72,
      CreatedTime: 1714521600000,
      TagList: [],
    }));
  }
  return testEngine({ emulator: { data: { trocket: state.trocket } } });
}

const FOREACH_READ = `
tcflow: 1
name: pages
steps:
  - id: topics
    action: trocket.DescribeTopicList
    foreach: \${{ ${JSON.stringify(INSTANCES)} }}
    concurrency: 1
    paginate: true
    with: { InstanceId: "\${{ item }}", Limit: 5 }
`;

/** How many times each topic name occurs in the journal's bytes. */
function occurrences(text: string, count: number): number[] {
  return INSTANCES.flatMap((_, n) =>
    Array.from({ length: count }, (_, i) => `"t${n}-${String(i).padStart(3, "0")}"`)
  ).map((name) => text.split(name).length - 1);
}

Deno.test("a paginated foreach journals each item once, in its pages; replay puts them back", async () => {
  const engine = engineWithTopicsEach(12);
  const journal = new MemorySink();
  const { result } = await engine.run(FOREACH_READ, { sink: journal });
  assert.equal(result.status, "succeeded");
  const events = journal.events.map((e) => decodeEvent(encodeEvent(e).trimEnd()));
  const text = events.map((e) => encodeEvent(e)).join("");
  // Each topic occurs once: in its page, not again in its item's outputs or the step's.
  assert.deepEqual(occurrences(text, 12), Array(24).fill(1));
  const finished = events.filter((e) => e.type === "item-finished");
  assert.deepEqual(finished.map((e) => [e.index, e.pagedPath, e.pagedItems]), [
    [0, ["Data"], 12],
    [1, ["Data"], 12],
  ]);
  const succeeded = events.find((e) => e.type === "step-succeeded");
  assert.ok(succeeded?.type === "step-succeeded");
  assert.deepEqual([succeeded.outputs, succeeded.itemOutputs], [[], 2]);
  // Replay (runs, report, resume) reads the step's and every item's outputs back, in order.
  const step = replay(events).steps.find((s) => s.id === "topics")!;
  assert.equal(stringifyJson(step.outputs), stringifyJson(result.steps[0]!.outputs));
  assert.deepEqual(
    step.itemRecords.map((item) => stringifyJson(item.outputs)),
    (result.steps[0]!.outputs as unknown[]).map((o) => stringifyJson(o)),
  );
  const topics = (step.outputs as Array<{ Data: Array<{ Topic: string }> }>)
    .map((o) => o.Data.map((t) => t.Topic));
  assert.deepEqual(topics.map((t) => [t.length, t[0], t[11]]), [
    [12, "t0-000", "t0-011"],
    [12, "t1-000", "t1-011"],
  ]);
});

Deno.test("a paginated foreach stopped between an item's pages goes on from the next page; each item once", async () => {
  const engine = engineWithTopicsEach(12);
  // Stopped after the 2nd page of item 1 (item 0 finished: 3 pages).
  const events: RunEvent[] = [];
  const controller = new AbortController();
  const sink = {
    append(event: RunEvent) {
      events.push(decodeEvent(encodeEvent(event).trimEnd()));
      if (event.type === "page-fetched" && event.index === 1 && event.page === 2) {
        controller.abort("killed");
      }
      return Promise.resolve();
    },
  };
  await assert.rejects(
    engine.run(FOREACH_READ, { sink, signal: controller.signal }),
    (reason: unknown) => reason === "killed",
  );
  assert.deepEqual(offsets(engine), [0, 5, 10, 0, 5]);
  const resume = resumeState(replay(events));
  assert.equal(resume.pages.get("topics")?.[1]?.pages, 2);

  const second = new MemorySink();
  const { result } = await engine.run(FOREACH_READ, {
    sink: second,
    resume: recordedSteps(resume),
    resumeItems: Object.fromEntries(resume.items),
    resumePages: Object.fromEntries(resume.pages),
  });
  assert.equal(result.status, "succeeded");
  assert.deepEqual(offsets(engine), [0, 5, 10, 0, 5, 10], "item 1's 3rd page only was read");
  const all = [...events, ...second.events.map((e) => decodeEvent(encodeEvent(e).trimEnd()))];
  const text = all.map((e) => encodeEvent(e)).join("");
  assert.deepEqual(occurrences(text, 12), Array(24).fill(1));
  const step = replay(all).steps.find((s) => s.id === "topics")!;
  assert.equal(stringifyJson(step.outputs), stringifyJson(result.steps[0]!.outputs));
  assert.deepEqual((step.outputs as Array<{ Data: unknown[] }>).map((o) => o.Data.length), [
    12,
    12,
  ]);
  // What resume takes from this journal is the whole list too (a later step reading it).
  assert.equal(
    stringifyJson(resumeState(replay(all)).completed.get("topics")?.outputs),
    stringifyJson(result.steps[0]!.outputs),
  );
});

Deno.test("CLI: a paginated foreach's journal file holds each item once; report shows them all", async () => {
  const engine = engineWithTopicsEach(40);
  const fx = await fixture(engine.emulator.handle);
  const file = `${fx.dir}/pages.yaml`;
  await Deno.writeTextFile(file, FOREACH_READ);
  const run = await cli(fx, ["run", file, "--json", "--quiet"]);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.steps[0].outputs[1].Data.length, 40);
  const bytes = await Deno.readFile(`${fx.dir}/.tcflow/runs/${doc.run_id}/events.jsonl`);
  const text = new TextDecoder().decode(bytes);
  // The journal's size (README): 2 items x 40 topics, 8 pages each.
  console.log(`journal of a 2-item paginated foreach (80 topics, 16 pages): ${bytes.length} bytes`);
  assert.deepEqual(occurrences(text, 40), Array(80).fill(1));
  const report = await cli(fx, ["report", doc.run_id]);
  assert.equal(report.code, 0, report.stderr);
  for (const name of ["t0-000", "t0-039", "t1-000", "t1-039"]) {
    assert.ok(report.stdout.includes(name), `the report shows ${name}`);
  }
});
