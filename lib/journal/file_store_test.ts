import assert from "node:assert/strict";
import type { EventOf } from "./events.ts";
import { FileJournalStore } from "./file_store.ts";
import { JournalError, type RunMeta, runMeta } from "./store.ts";

const START = Date.UTC(2026, 10, 23, 10, 0, 0);

function meta(runId: string, extra: Partial<RunMeta> = {}): RunMeta {
  return {
    format: 1,
    runId,
    workflow: "demo",
    file: "/w/demo.yaml",
    workflowSource: "tcflow: 1\nname: demo\nsteps: []\n",
    workflowSha256: "0".repeat(64),
    startedMs: START,
    inputs: { n: 8n },
    secretInputNames: [],
    ...extra,
  };
}

const started = (runId: string, stepIds: string[] = ["a", "b"]): EventOf<"run-started"> => ({
  type: "run-started",
  timeMs: START,
  runId,
  workflow: "demo",
  file: "/w/demo.yaml",
  inputs: { n: 8n },
  stepIds,
});

async function tempStore(): Promise<FileJournalStore> {
  return new FileJournalStore(await Deno.makeTempDir({ prefix: "tcflow-journal-" }));
}

function code(c: string) {
  return (error: unknown) => error instanceof JournalError && error.code === c;
}

Deno.test("file store: create, append, read back exactly (uint64, numbers, order)", async () => {
  const store = await tempStore();
  await store.create(meta("r1"));
  const big = 18446744073709551615n;
  await store.append("r1", started("r1"));
  await store.append("r1", {
    type: "step-started",
    timeMs: START + 1,
    stepId: "a",
    kind: "action",
    action: "trocket.CreateTopic",
  });
  await store.append("r1", {
    type: "step-succeeded",
    timeMs: START + 20,
    stepId: "a",
    attempts: 2,
    durationMs: 19,
    requests: [{ InstanceId: "rmq-1", QueueNum: 8n }],
    outputs: { Id: big, Ratio: 0.5, Name: "t" },
    requestId: "req-1",
  });
  await store.close("r1");

  const record = await store.read("r1");
  assert.equal(record.ignoredLines, 0);
  assert.equal(record.locked, false);
  assert.deepEqual(record.meta, meta("r1"));
  assert.equal(record.events.length, 3);
  const done = record.events[2]!;
  assert.equal(done.type, "step-succeeded");
  if (done.type !== "step-succeeded") return;
  assert.equal(done.timeMs, START + 20);
  assert.equal(typeof done.attempts, "number");
  assert.equal(done.attempts, 2);
  assert.deepEqual(done.outputs, { Id: big, Ratio: 0.5, Name: "t" });
  assert.deepEqual(done.requests, [{ InstanceId: "rmq-1", QueueNum: 8n }]);
  const text = await Deno.readTextFile(`${store.runDir("r1")}/events.jsonl`);
  assert.match(text, /"Id":18446744073709551615[,}]/);
  assert.equal(text.split("\n").length, 4); // three lines and the final newline
});

Deno.test("file store: a torn last line is ignored, then cut off by the next writer", async () => {
  const store = await tempStore();
  await store.create(meta("torn"));
  await store.append("torn", started("torn"));
  await store.close("torn");
  const path = `${store.runDir("torn")}/events.jsonl`;
  // A crash in the middle of a write: half a line, no newline.
  await Deno.writeTextFile(path, '{"type":"step-started","timeMs":17', { append: true });

  const before = await store.read("torn");
  assert.equal(before.events.length, 1);
  assert.equal(before.ignoredLines, 1);

  await store.open("torn");
  await store.append("torn", { type: "step-started", timeMs: START + 5, stepId: "a", kind: "set" });
  await store.close("torn");
  const after = await store.read("torn");
  assert.equal(after.ignoredLines, 0);
  assert.deepEqual(after.events.map((e) => e.type), ["run-started", "step-started"]);
  assert.equal(after.events[1]!.timeMs, START + 5);
});

Deno.test("file store: concurrent appends are all written, whole, in call order", async () => {
  const store = await tempStore();
  await store.create(meta("many"));
  const n = 300;
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      store.append("many", {
        type: "foreach-progress",
        timeMs: START + i,
        stepId: "a",
        done: i,
        failed: 0,
        total: n,
      })),
  );
  await store.close("many");
  const { events, ignoredLines } = await store.read("many");
  assert.equal(ignoredLines, 0);
  assert.equal(events.length, n);
  events.forEach((event, i) => assert.equal(event.type === "foreach-progress" && event.done, i));
});

Deno.test("file store: one writer per run; others get E_RUN_LOCKED until it closes", async () => {
  const store = await tempStore();
  await store.create(meta("busy"));
  const other = new FileJournalStore(store.stateDir);
  await assert.rejects(other.open("busy"), code("E_RUN_LOCKED"));
  assert.equal(await other.isLocked("busy"), true);
  assert.equal((await other.list())[0]?.status, "running");
  await assert.rejects(other.append("busy", started("busy")), code("E_RUN_NOT_OPEN"));
  await store.close("busy");
  assert.equal(await other.isLocked("busy"), false);
  await other.open("busy");
  await other.append("busy", started("busy"));
  await other.close("busy");
  assert.equal((await store.read("busy")).events.length, 1);
});

Deno.test("file store: errors are data with codes", async () => {
  const store = await tempStore();
  await store.create(meta("x1"));
  await assert.rejects(store.create(meta("x1")), code("E_RUN_EXISTS"));
  await store.close("x1");
  await assert.rejects(store.read("nope"), code("E_RUN_NOT_FOUND"));
  await assert.rejects(store.open("nope"), code("E_RUN_NOT_FOUND"));
  await assert.rejects(store.read("../etc"), code("E_RUN_ID"));
  assert.deepEqual(await new FileJournalStore(`${store.stateDir}/missing`).list(), []);
});

Deno.test("file store: list gives status, duration and step counts, oldest first", async () => {
  const store = await tempStore();
  await store.create(meta("later", { startedMs: START + 60_000 }));
  await store.append("later", { ...started("later"), timeMs: START + 60_000 });
  await store.close("later"); // no run-finished, no writer: interrupted
  await store.create(meta("first"));
  await store.append("first", started("first"));
  await store.append("first", {
    type: "step-started",
    timeMs: START + 1,
    stepId: "a",
    kind: "set",
  });
  await store.append("first", {
    type: "step-succeeded",
    timeMs: START + 2,
    stepId: "a",
    attempts: 0,
    durationMs: 1,
    requests: [],
    outputs: {},
  });
  await store.append("first", {
    type: "step-skipped",
    timeMs: START + 3,
    stepId: "b",
    reason: "when",
  });
  await store.append("first", {
    type: "run-finished",
    timeMs: START + 1500,
    runId: "first",
    status: "succeeded",
    durationMs: 1500,
    outputs: {},
  });
  await store.close("first");
  const runs = await store.list();
  assert.deepEqual(runs.map((r) => [r.runId, r.status, r.durationMs]), [
    ["first", "succeeded", 1500],
    ["later", "interrupted", 0],
  ]);
  assert.deepEqual(runs[0]!.steps, { succeeded: 1, skipped: 1 });
  assert.deepEqual(runs[1]!.steps, { pending: 2 });
});

Deno.test("file store: secret values never reach the files", async () => {
  const store = await tempStore();
  const secret = "sk-Very-Secret-4242";
  const workflow = {
    name: "demo",
    file: "demo.yaml",
    source: "tcflow: 1\n",
    inputs: [
      {
        name: "apiKey",
        type: "string" as const,
        required: true,
        secret: true,
        pos: { line: 1, column: 1, offset: 0, length: 0 },
      },
      {
        name: "note",
        type: "string" as const,
        required: true,
        secret: false,
        pos: { line: 1, column: 1, offset: 0, length: 0 },
      },
    ],
  };
  const m = await runMeta({
    runId: "sec",
    workflow,
    inputs: { apiKey: secret, note: `uses ${"key-of-env-77"}` },
    startedMs: START,
    cwd: "/home/u",
    secrets: ["key-of-env-77"],
  });
  assert.equal(m.file, "/home/u/demo.yaml");
  assert.deepEqual(m.secretInputNames, ["apiKey"]);
  // A target is recorded only when it says something: an empty one leaves the field out.
  assert.equal("target" in m, false);
  const empty = await runMeta({ runId: "sec", workflow, inputs: {}, startedMs: START, target: {} });
  assert.equal("target" in empty, false);
  const aimed = { endpointUrl: "http://127.0.0.1:9" };
  const targeted = await runMeta({
    runId: "sec",
    workflow,
    inputs: {},
    startedMs: START,
    target: aimed,
  });
  assert.deepEqual(targeted.target, aimed);
  await store.create(m);
  const sink = store.sink("sec", { secrets: [secret] });
  await sink.append({ ...started("sec"), inputs: { apiKey: secret } });
  await sink.append({
    type: "step-failed",
    timeMs: START + 1,
    stepId: "a",
    attempts: 1,
    durationMs: 1,
    requests: [{ Key: secret, [`x-${secret}`]: 1n }],
    error: { code: "AuthFailure", message: `bad key ${secret}` },
    continued: false,
  });
  await store.close("sec");
  for await (const entry of Deno.readDir(store.runDir("sec"))) {
    const text = await Deno.readTextFile(`${store.runDir("sec")}/${entry.name}`);
    assert.equal(text.includes(secret), false, entry.name);
    assert.equal(text.includes("key-of-env-77"), false, entry.name);
  }
  const { meta: read, events } = await store.read("sec");
  assert.equal(read.inputs.apiKey, "***");
  assert.equal(read.inputs.note, "uses ***");
  assert.match(
    JSON.stringify(events[1], (_k, v) => typeof v === "bigint" ? String(v) : v),
    /bad key \*\*\*/,
  );
});

Deno.test("file store: a killed writer loses no finished event and frees the run", async () => {
  const store = await tempStore();
  const module = new URL("./file_store.ts", import.meta.url).href;
  const script = `
    import { FileJournalStore } from ${JSON.stringify(module)};
    const store = new FileJournalStore(${JSON.stringify(store.stateDir)});
    await store.create(${JSON.stringify({ ...meta("killed"), inputs: {} })});
    for (let i = 0; i < 5; i++) {
      await store.append("killed", { type: "step-started", timeMs: ${START} + i, stepId: "s" + i, kind: "set" });
    }
    console.log("appended");
    await new Promise(() => setTimeout(() => {}, 60_000)); // killed while it holds the lock
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const first = await reader.read();
  assert.match(first.value ?? "", /appended/);
  assert.equal(await store.isLocked("killed"), true);
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  const record = await store.read("killed");
  assert.equal(record.events.length, 5);
  assert.equal(record.locked, false);
  assert.equal((await store.list())[0]?.status, "interrupted");
  await store.open("killed");
  await store.close("killed");
});
