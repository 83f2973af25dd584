import assert from "node:assert/strict";
import type { EventOf } from "./events.ts";
import { DIR_MODE, FILE_MODE, FileJournalStore } from "./file_store.ts";
import { JOURNAL_FORMAT, JournalError, type RunMeta } from "./store.ts";

const START = Date.UTC(2026, 10, 23, 10, 0, 0);

function meta(runId: string, format = JOURNAL_FORMAT): RunMeta {
  return {
    format,
    runId,
    workflow: "demo",
    file: "/w/demo.yaml",
    workflowSource: "tcflow: 1\nname: demo\nsteps: []\n",
    workflowSha256: "0".repeat(64),
    startedMs: START,
    inputs: { n: 8n },
    secretInputNames: [],
  };
}

const started = (runId: string): EventOf<"run-started"> => ({
  type: "run-started",
  timeMs: START,
  runId,
  workflow: "demo",
  file: "/w/demo.yaml",
  inputs: { n: 8n },
  stepIds: ["a", "b"],
});

const stepStarted = (stepId: string, timeMs: number): EventOf<"step-started"> => ({
  type: "step-started",
  timeMs,
  stepId,
  kind: "set",
});

const finished = (runId: string): EventOf<"run-finished"> => ({
  type: "run-finished",
  timeMs: START + 9,
  runId,
  status: "succeeded",
  durationMs: 9,
  outputs: {},
});

async function tempStore(): Promise<FileJournalStore> {
  return new FileJournalStore(await Deno.makeTempDir({ prefix: "tcflow-damage-" }));
}

/** A finished run of four records. */
async function finishedRun(store: FileJournalStore, runId: string, format = JOURNAL_FORMAT) {
  await store.create(meta(runId, format));
  await store.append(runId, started(runId));
  await store.append(runId, stepStarted("a", START + 1));
  await store.append(runId, stepStarted("b", START + 2));
  await store.append(runId, finished(runId));
  await store.close(runId);
  return `${store.runDir(runId)}/events.jsonl`;
}

function damaged(pattern: RegExp) {
  return (error: unknown) =>
    error instanceof JournalError && error.code === "E_RUN_DAMAGED" && pattern.test(error.message);
}

async function statusOf(store: FileJournalStore, runId: string) {
  const run = (await store.list()).find((r) => r.runId === runId);
  return [run?.status, run?.damaged];
}

Deno.test("journal records carry their length and checksum; meta too", async () => {
  const store = await tempStore();
  const path = await finishedRun(store, "r2");
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  assert.equal(lines.length, 4);
  for (const line of lines) {
    assert.match(line, /^\{"n":\d+,"crc32":"[0-9a-f]{8}","e":\{"type":/);
    JSON.parse(line); // each record is still one JSON document
  }
  const metaText = await Deno.readTextFile(`${store.runDir("r2")}/meta.json`);
  assert.match(metaText, /^\{"format":2,"n":\d+,"crc32":"[0-9a-f]{8}","meta":\{/);
  const record = await store.read("r2");
  assert.deepEqual(record.meta, meta("r2"));
  assert.equal(record.events.length, 4);
  assert.equal(record.ignoredLines, 0);
});

Deno.test("a flipped byte in the middle of a journal makes the run damaged, not different", async () => {
  const store = await tempStore();
  const path = await finishedRun(store, "flip");
  await finishedRun(store, "fine");
  const bytes = await Deno.readFile(path);
  // "stepId":"a" becomes "stepId":"c": valid JSON, a wrong journal.
  const text = new TextDecoder().decode(bytes);
  const at = text.indexOf('"stepId":"a"') + '"stepId":"'.length;
  bytes[at] = "c".charCodeAt(0);
  await Deno.writeFile(path, bytes);
  await assert.rejects(store.read("flip"), damaged(/events\.jsonl line 2: checksum mismatch/));
  await assert.rejects(store.open("flip"), damaged(/line 2/));
  assert.deepEqual(await statusOf(store, "flip"), [
    "damaged",
    "events.jsonl line 2: checksum mismatch",
  ]);
  assert.deepEqual(await statusOf(store, "fine"), ["succeeded", undefined]);
});

Deno.test("a garbage line in the middle is damage, in format 2 and in old format 1 journals", async () => {
  for (const format of [2, 1]) {
    const store = await tempStore();
    const path = await finishedRun(store, "garbage", format);
    const lines = (await Deno.readTextFile(path)).split("\n");
    lines.splice(2, 0, "#%@ not a record");
    await Deno.writeTextFile(path, lines.join("\n"));
    await assert.rejects(
      store.read("garbage"),
      damaged(/events\.jsonl line 3/),
      `format ${format}`,
    );
    const [status, reason] = await statusOf(store, "garbage");
    assert.equal(status, "damaged", `format ${format}`);
    assert.match(String(reason), /line 3/);
  }
});

Deno.test("only a torn LAST record is accepted; a damaged complete last record is not", async () => {
  const store = await tempStore();
  const path = await finishedRun(store, "torn");
  const whole = await Deno.readFile(path);
  await Deno.writeFile(path, whole.subarray(0, whole.length - 7)); // the run-finished cut short
  const record = await store.read("torn");
  assert.equal(record.ignoredLines, 1);
  assert.deepEqual(record.events.map((e) => e.type), [
    "run-started",
    "step-started",
    "step-started",
  ]);
  assert.deepEqual(await statusOf(store, "torn"), ["interrupted", undefined]);

  const cut = whole.slice(0, whole.length - 7);
  cut[cut.length - 1] = 0x0a; // the same cut, then a newline: a complete record that does not check
  await Deno.writeFile(path, cut);
  await assert.rejects(store.read("torn"), damaged(/line 4/));
});

Deno.test("old format 1 journals still read (a torn last line ignored, resumable)", async () => {
  const store = await tempStore();
  const path = await finishedRun(store, "old", 1);
  const text = await Deno.readTextFile(path);
  assert.match(text, /^\{"type":"run-started"/); // plain JSON lines, as tcflow 1 wrote them
  await Deno.writeTextFile(path, text + '{"type":"step-sta', { append: false });
  const record = await store.read("old");
  assert.equal(record.meta.format, 1);
  assert.equal(record.events.length, 4);
  assert.equal(record.ignoredLines, 1);
  await store.open("old");
  await store.append("old", stepStarted("c", START + 20));
  await store.close("old");
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  assert.equal(lines.length, 5);
  assert.match(lines[4]!, /^\{"type":"step-started"/); // an old run keeps its format
});

Deno.test("a missing or damaged meta.json is listed as damaged; other runs still list", async () => {
  const store = await tempStore();
  await finishedRun(store, "a-fine");
  await finishedRun(store, "b-nometa");
  await finishedRun(store, "c-badmeta");
  await Deno.remove(`${store.runDir("b-nometa")}/meta.json`);
  const metaPath = `${store.runDir("c-badmeta")}/meta.json`;
  const text = await Deno.readTextFile(metaPath);
  await Deno.writeTextFile(metaPath, text.replace('"workflow": "demo"', '"workflow": "dema"'));
  const runs = await store.list();
  assert.deepEqual(runs.map((r) => [r.runId, r.status, r.damaged]), [
    ["b-nometa", "damaged", "meta.json is missing"],
    ["c-badmeta", "damaged", "meta.json: checksum mismatch"],
    ["a-fine", "succeeded", undefined],
  ]);
  await assert.rejects(store.read("b-nometa"), damaged(/meta\.json is missing/));
  await assert.rejects(store.open("c-badmeta"), damaged(/checksum mismatch/));
});

Deno.test("a run without meta.json is listed at the time its id names (UTC), else at 0", async () => {
  const store = await tempStore();
  await finishedRun(store, "20261123T104512Z-ab12");
  await finishedRun(store, "no-time-in-id");
  for (const id of ["20261123T104512Z-ab12", "no-time-in-id"]) {
    await Deno.remove(`${store.runDir(id)}/meta.json`);
  }
  const runs = await store.list();
  assert.deepEqual(runs.map((r) => [r.runId, r.status, r.startedMs]).sort(), [
    // 2026-11-23 10:45:12 UTC: November is month 10 of Date.UTC.
    ["20261123T104512Z-ab12", "damaged", 1_795_430_712_000],
    ["no-time-in-id", "damaged", 0],
  ]);
});

Deno.test("a run directory appears whole: none is visible while create writes its meta", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-atomic-" });
  let release!: () => void;
  let reached!: () => void;
  const atEvents = new Promise<void>((resolve) => (reached = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const store = new FileJournalStore(dir, {
    async open(path, options) {
      if (path.endsWith("/events.jsonl")) {
        reached();
        await gate; // meta.json is written and synced: a kill here must leave no broken run
      }
      return await Deno.open(path, options);
    },
  });
  const creating = store.create(meta("atomic"));
  await atEvents;
  const reader = new FileJournalStore(dir);
  assert.deepEqual(await reader.list(), []);
  await assert.rejects(
    reader.read("atomic"),
    (e) => e instanceof JournalError && e.code === "E_RUN_NOT_FOUND",
  );
  release();
  await creating;
  await store.close("atomic");
  assert.deepEqual((await reader.list()).map((r) => r.runId), ["atomic"]);
  const names = [];
  for await (const entry of Deno.readDir(`${dir}/runs`)) names.push(entry.name);
  assert.deepEqual(names, ["atomic"]); // the temp directory was renamed, nothing left over
});

Deno.test("journal files are 0600 and their directories 0700", async () => {
  const parent = await Deno.makeTempDir({ prefix: "tcflow-modes-" });
  const store = new FileJournalStore(`${parent}/state`);
  await finishedRun(store, "modes");
  const mode = async (path: string) => (await Deno.stat(path)).mode! & 0o777;
  assert.equal(await mode(`${parent}/state`), DIR_MODE);
  assert.equal(await mode(`${parent}/state/runs`), DIR_MODE);
  assert.equal(await mode(store.runDir("modes")), DIR_MODE);
  for (const name of ["meta.json", "events.jsonl", "lock"]) {
    assert.equal(await mode(`${store.runDir("modes")}/${name}`), FILE_MODE, name);
  }
});

Deno.test("a full disk is E_STORAGE naming the journal's path (writes to /dev/full)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-full-" });
  const store = new FileJournalStore(dir, {
    open: (path, options) =>
      path.endsWith("/events.jsonl")
        ? Deno.open("/dev/full", { write: true })
        : Deno.open(path, options),
  });
  await store.create(meta("full"));
  await assert.rejects(
    store.append("full", started("full")),
    (e) =>
      e instanceof JournalError && e.code === "E_STORAGE" &&
      e.message.includes(`${store.runDir("full")}/events.jsonl`) && /No space left/.test(e.message),
  );
  // Nothing more is written after a failed write (the file may end with a torn record).
  await assert.rejects(store.append("full", stepStarted("a", START)), /No space left/);
  await store.close("full");
});

Deno.test("an unwritable state dir is E_STORAGE naming the path", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-unwritable-" });
  await Deno.writeTextFile(`${dir}/file`, "not a directory\n");
  const store = new FileJournalStore(`${dir}/file/state`);
  await assert.rejects(
    store.create(meta("nowhere")),
    (e) =>
      e instanceof JournalError && e.code === "E_STORAGE" &&
      e.message.includes(`${dir}/file/state/runs`),
  );
});

Deno.test("checksums are chained: a record dropped, copied or moved in the middle is damage", async () => {
  const store = await tempStore();
  const path = await finishedRun(store, "chain");
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  const variants: [string, string[]][] = [
    ["dropped", [lines[0]!, lines[2]!, lines[3]!]],
    ["copied", [lines[0]!, lines[1]!, lines[1]!, lines[2]!, lines[3]!]],
    ["moved", [lines[0]!, lines[2]!, lines[1]!, lines[3]!]],
  ];
  for (const [what, variant] of variants) {
    await Deno.writeTextFile(path, variant.join("\n") + "\n");
    await assert.rejects(store.read("chain"), damaged(/checksum mismatch/), what);
  }
  // Appends after a resume continue the chain.
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  await store.open("chain");
  await store.append("chain", stepStarted("c", START + 30));
  await store.close("chain");
  assert.equal((await store.read("chain")).events.length, 5);
});
