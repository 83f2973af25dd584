/**
 * `tcflow worker` stops gracefully (PRODUCT.md section 14): a first SIGTERM stops claiming
 * runs and finishes what the worker holds (its run and that run's items); a second one
 * releases them at once, and another worker finishes the run without sending anything twice.
 * Real worker processes, the emulator over loopback, a real PostgreSQL.
 */
import assert from "node:assert/strict";
import { serveEmulator } from "../lib/emulator/server.ts";
import { spawnCli } from "./_crash.ts";
import { freshDatabase, stopTestServer, testServer } from "./_postgres.ts";

const server = await testServer();
if (typeof server === "string") console.log(`pg_stop_test: ${server}`);
Deno.test.afterAll(stopTestServer);
const ignore = typeof server === "string";
const ITEMS = 16;

async function fixture() {
  if (typeof server === "string") throw new Error(server);
  const db = await freshDatabase(server);
  const emulator = await serveEmulator({
    port: 0,
    rateScale: Infinity,
    faults: "latency=150ms;actions=CreateTopic",
  });
  const dir = await Deno.makeTempDir({ prefix: "tcflow-pgstop-" });
  const names = Array.from({ length: ITEMS }, (_, i) => `stop-${i}`).join(", ");
  await Deno.writeTextFile(
    `${dir}/w.yaml`,
    `tcflow: 1
name: stop
region: ap-guangzhou
inputs:
  names: { type: list, default: [${names}] }
steps:
  - id: each
    action: trocket.CreateTopic
    foreach: \${{ inputs.names }}
    concurrency: 4
    on_error: continue
    with: { InstanceId: rmq-72mo3a9o, Topic: \${{ item }}, TopicType: NORMAL, QueueNum: 3 }
`,
  );
  const submitted = await spawnCli(["submit", `${dir}/w.yaml`, "--store", db.url, "--json"])
    .done();
  assert.equal(submitted.code, 0, submitted.stderr);
  const worker = (name: string, more: string[] = []) =>
    spawnCli([
      "worker",
      "--store",
      db.url,
      "--name",
      name,
      "--concurrency",
      "4",
      "--lease",
      "2s",
      "--endpoint-url",
      emulator.url,
      ...more,
    ]);
  const sends = () => {
    const counts = new Map<string, number>();
    for (const call of emulator.emulator.calls()) {
      if (call.action !== "CreateTopic") continue;
      const topic = (call.params as { Topic: string }).Topic;
      counts.set(topic, (counts.get(topic) ?? 0) + 1);
    }
    return counts;
  };
  const runs = async () =>
    JSON.parse((await spawnCli(["runs", "--json", "--store", db.url]).done()).stdout).runs;
  return {
    worker,
    sends,
    runs,
    async close() {
      await emulator.close();
      await db.drop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** The end of a process, or it is killed and the test fails after `ms`. */
async function within(proc: ReturnType<typeof spawnCli>, ms: number, what: string) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      proc.kill();
      reject(new Error(`${what}: still running after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([proc.done(), late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test({
  name: "worker: SIGTERM stops claiming and finishes the run in hand and its items, exit 0",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const w = fx.worker("w1");
      assert.ok(await w.waitForLine(/claimed 4 items/), "the worker claimed items");
      w.child.kill("SIGTERM");
      const out = await within(w, 60_000, "the worker after SIGTERM");
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stderr, /worker w1: stopping: no new runs claimed; finishing 1 run\(s\)/);
      assert.match(out.stderr, /finished run \S+ succeeded/);
      const sends = fx.sends();
      assert.equal(sends.size, ITEMS, "every item was sent");
      assert.ok([...sends.values()].every((n) => n === 1), "none twice");
      const [run] = await fx.runs();
      assert.equal(run.status, "succeeded");
    } finally {
      await fx.close();
    }
  },
});

Deno.test({
  name: "worker: a second SIGTERM releases the run and items; another worker finishes it",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const w = fx.worker("w1");
      assert.ok(await w.waitForLine(/claimed 4 items/), "the worker claimed items");
      w.child.kill("SIGTERM");
      assert.ok(await w.waitForLine(/stopping: no new runs claimed/));
      w.child.kill("SIGTERM");
      const out = await within(w, 60_000, "the worker after a second SIGTERM");
      assert.match(out.stderr, /stopping now: releasing 1 run\(s\)/);
      assert.match(out.stderr, /released run \S+; another worker continues it/);
      const heir = await within(fx.worker("w2", ["--exit-when-idle"]), 120_000, "the heir");
      assert.match(heir.stderr, /reclaimed run \S+ \(stop\) from w1/);
      const sends = fx.sends();
      assert.ok([...sends.values()].every((n) => n === 1), "nothing was sent twice");
      const [run] = await fx.runs();
      // A CreateTopic cut off in flight by the second SIGTERM has no ClientToken to re-send
      // with: it is uncertain (section 5), never failed; every other item succeeded.
      assert.ok(run.status === "succeeded" || run.status === "uncertain", run.status);
      assert.equal(heir.code, run.status === "succeeded" ? 0 : 1, heir.stderr);
    } finally {
      await fx.close();
    }
  },
});
