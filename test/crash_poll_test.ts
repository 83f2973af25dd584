/**
 * A SIGKILL inside an `until` poll (issue 13 item 1, polls): `tcflow run` against the emulator
 * server waits for a new RocketMQ instance, which the emulator answers `CREATING` to its first
 * 3 reads; the run is killed once it journaled the 2nd false poll, then resumed. The resumed
 * run goes on with poll 3 (it does not start again from poll 1), the instance and the topics
 * are created once, and the final state equals an uninterrupted run's.
 */
import assert from "node:assert/strict";
import { FileJournalStore } from "../lib/journal/file_store.ts";
import {
  mutatingCounts,
  normalizeState,
  reference,
  runDocument,
  spawnCli,
  startEmulator,
  tempStateDir,
} from "./_crash.ts";

const WORKFLOW = "test/crash/instance-poll.yaml";

/** The events of the run's journal, in order. */
async function journal(file: string): Promise<Array<Record<string, unknown>>> {
  const text = await Deno.readTextFile(file).catch(() => "");
  return text.split("\n").filter((line) => line.endsWith("}")).map((line) => {
    const record = JSON.parse(line);
    return record.e ?? record;
  });
}

Deno.test("a kill inside an until poll: resume goes on with the next poll, nothing twice", async () => {
  const server = await startEmulator();
  const stateDir = await tempStateDir("tcflow-crash-poll-");
  try {
    const ref = await reference(server, WORKFLOW);
    server.emulator.reset();
    const initial = server.emulator.state();
    const store = new FileJournalStore(stateDir);
    const connect = ["--endpoint-url", server.url, "--state-dir", stateDir, "--json"];
    const run = spawnCli(["run", WORKFLOW, ...connect]);
    assert.ok(await run.waitForLine(/^journal: /), "the run started");
    const [meta] = await store.list();
    const events = `${store.runDir(meta!.runId)}/events.jsonl`;
    // Wait for the journal to record the 2nd false poll, then kill (the next poll is 150 ms off).
    let ended = false;
    void run.done().then(() => (ended = true));
    while (!ended) {
      const polls = (await journal(events)).filter((e) => e.type === "poll-waiting");
      if (polls.some((e) => e.poll === 2)) break;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.ok(!ended, "the run was still polling");
    run.kill();
    await run.done();
    const before = (await journal(events)).filter((e) => e.type === "poll-waiting");
    assert.deepEqual(before.map((e) => e.poll), [1, 2]);

    const resumed = await spawnCli(["resume", meta!.runId, ...connect]).done();
    assert.equal(resumed.code, 0, resumed.stderr);
    const doc = runDocument(resumed.stdout);
    assert.equal(doc?.status, "succeeded");
    const polls = (await journal(events)).filter((e) => e.type === "poll-waiting");
    // The rounds go on where the kill stopped them (poll 3, or 4 had the 3rd read's answer not
    // been journaled): never from poll 1 again.
    assert.deepEqual(polls.map((e) => e.poll), polls.map((_, i) => i + 1));
    assert.ok(polls.every((e) => e.startedMs === polls[0]!.startedMs), "one deadline");
    assert.deepEqual(mutatingCounts(server.emulator.calls()).applied, ref.applied);
    assert.equal(
      normalizeState({ state: server.emulator.state(), outputs: doc!.outputs }, initial),
      ref.final,
    );
  } finally {
    await server.close();
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
  }
});
