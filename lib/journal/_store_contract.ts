/**
 * The contract of {@link JournalStore}, one suite for every backend (file, memory, PostgreSQL):
 * `store_test.ts` and `pg_store_test.ts` run it.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { EventOf } from "./events.ts";
import { JournalError, type JournalStore, type RunMeta } from "./store.ts";

const START = Date.UTC(2026, 10, 23, 9, 0, 0);

function meta(runId: string, startedMs = START): RunMeta {
  return {
    format: 1,
    runId,
    workflow: "contract",
    file: "/w/contract.yaml",
    workflowSource: "tcflow: 1\n",
    workflowSha256: "ab".repeat(32),
    startedMs,
    inputs: { big: 18446744073709551615n, list: [1n, "two", 3.5] },
    secretInputNames: ["key"],
    region: "ap-guangzhou",
  };
}

const started = (runId: string, timeMs = START): EventOf<"run-started"> => ({
  type: "run-started",
  timeMs,
  runId,
  workflow: "contract",
  file: "/w/contract.yaml",
  inputs: {},
  stepIds: ["a"],
});

const code = (c: string) => (error: unknown) => error instanceof JournalError && error.code === c;

/**
 * Registers the contract tests of one backend. `make` gives an empty store; each test ends it.
 * `options` are passed to every `Deno.test` (e.g. `ignore` when the backend is missing).
 */
export function storeContract(
  name: string,
  make: () => Promise<JournalStore>,
  options: { ignore?: boolean } = {},
): void {
  const test = (title: string, fn: (store: JournalStore) => Promise<void>) =>
    Deno.test({
      name: `${name} store: ${title}`,
      ...options,
      fn: async () => {
        const store = await make();
        try {
          await fn(store);
        } finally {
          await store.end?.();
        }
      },
    });

  test("meta and events read back exactly, in order", async (store) => {
    await store.create(meta("c1"));
    await Promise.all([
      store.append("c1", started("c1")),
      store.append("c1", {
        type: "step-started",
        timeMs: START + 1,
        stepId: "a",
        kind: "action",
        items: 2,
      }),
      store.append("c1", {
        type: "step-succeeded",
        timeMs: START + 2,
        stepId: "a",
        attempts: 2,
        durationMs: 1,
        requests: [{ N: 1n }, { N: 2n }],
        outputs: [{ Id: 9007199254740993n }],
      }),
    ]);
    const open = await store.read("c1");
    assert.equal(open.locked, true);
    await store.close("c1");
    const { meta: m, events, ignoredLines, locked } = await store.read("c1");
    assert.deepEqual(m, meta("c1"));
    assert.equal(ignoredLines, 0);
    assert.equal(locked, false);
    assert.deepEqual(events.map((e) => e.type), ["run-started", "step-started", "step-succeeded"]);
    assert.deepEqual(events[1], {
      type: "step-started",
      timeMs: START + 1,
      stepId: "a",
      kind: "action",
      items: 2,
    });
    assert.deepEqual(events[2], {
      type: "step-succeeded",
      timeMs: START + 2,
      stepId: "a",
      attempts: 2,
      durationMs: 1,
      requests: [{ N: 1n }, { N: 2n }],
      outputs: [{ Id: 9007199254740993n }],
    });
  });

  test("one writer at a time", async (store) => {
    await store.create(meta("c2"));
    await assert.rejects(store.open("c2"), code("E_RUN_LOCKED"));
    await store.close("c2");
    await assert.rejects(store.append("c2", started("c2")), code("E_RUN_NOT_OPEN"));
    await store.open("c2");
    await store.append("c2", started("c2"));
    await store.close("c2");
    assert.equal((await store.read("c2")).events.length, 1);
  });

  test("errors and listing", async (store) => {
    assert.deepEqual(await store.list(), []);
    await assert.rejects(store.read("missing"), code("E_RUN_NOT_FOUND"));
    await assert.rejects(store.open("missing"), code("E_RUN_NOT_FOUND"));
    await assert.rejects(store.create(meta("../x")), code("E_RUN_ID"));
    await store.create(meta("late", START + 10_000));
    await assert.rejects(store.create(meta("late")), code("E_RUN_EXISTS"));
    await store.append("late", started("late", START + 10_000));
    await store.create(meta("early"));
    await store.append("early", started("early"));
    await store.append("early", {
      type: "run-finished",
      timeMs: START + 250,
      runId: "early",
      status: "failed",
      durationMs: 250,
      outputs: {},
    });
    await store.close("early");
    const runs = await store.list();
    assert.deepEqual(runs.map((r) => [r.runId, r.status, r.durationMs]), [
      ["early", "failed", 250],
      ["late", "running", 0],
    ]);
    await store.close("late");
    assert.equal((await store.list())[1]?.status, "interrupted");
  });
}
