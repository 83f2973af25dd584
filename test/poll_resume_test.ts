/**
 * An `until` poll is resumed round by round (PRODUCT.md section 13): a session stopped while it
 * waits between polls journals how far it got (`poll-waiting` with the round and when the first
 * poll started), and `resume` goes on with the next round and the same deadline. The real
 * executor, journal replay and in-process emulator on a virtual clock.
 */
import assert from "node:assert/strict";
import { MemorySink, type RunEvent } from "../lib/journal/events.ts";
import { recordedSteps, replay, resumeState } from "../lib/journal/replay.ts";
import { testEngine } from "./_engine.ts";

const WAIT = `
tcflow: 1
name: poll
steps:
  - id: wait
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-72mo3a9o }
    until: \${{ steps.wait.outputs.TotalCount > 0 }}
    poll: { interval: 5s, timeout: 1m }
`;

/** A sink that stops the run (as a kill would) once `until` was false `polls` times. */
function stoppingSink(polls: number) {
  const sink = new MemorySink();
  const controller = new AbortController();
  return {
    sink: {
      events: sink.events,
      async append(event: RunEvent) {
        await sink.append(event);
        if (event.type === "poll-waiting" && event.poll === polls) controller.abort("killed");
      },
    },
    signal: controller.signal,
  };
}

Deno.test("resume goes on with an until poll from the next round, with its first deadline", async () => {
  const engine = testEngine();
  const startMs = engine.clock.now();
  const first = stoppingSink(3);
  await assert.rejects(
    engine.run(WAIT, { sink: first.sink, signal: first.signal }),
    (reason: unknown) => reason === "killed",
  );
  const resume = resumeState(replay(first.sink.events));
  assert.deepEqual(resume.polls.get("wait"), {
    [-1]: { poll: 3, startedMs: startMs, nextMs: startMs + 15_000 },
  });

  const { result, sink } = await engine.run(WAIT, {
    resume: recordedSteps(resume),
    resumePolls: Object.fromEntries(resume.polls),
  });
  assert.equal(result.status, "failed");
  const polls = sink.ofType("poll-waiting");
  assert.equal(polls[0]?.poll, 4, "the round count goes on");
  assert.ok(polls.every((e) => e.startedMs === startMs), "the deadline is the first one");
  assert.deepEqual(polls.map((e) => e.poll), polls.map((_, i) => i + 4));
  assert.equal(polls[0]?.timeMs, startMs + 15_000, "poll 4 is sent when it was due");
  // As without the stop: polls at 0, 5, …, 60 s since the first; the 13th is the last.
  assert.equal(result.steps[0]?.error?.code, "E_POLL_TIMEOUT");
  assert.match(result.steps[0]?.error?.message ?? "", /still false after 13 polls \(60 s/);
  assert.equal(result.steps[0]?.attempts, 13 - 3, "the resumed session sent polls 4 to 13 only");
});

Deno.test("a poll that finished (timed out) starts afresh on resume", async () => {
  const engine = testEngine();
  const { sink } = await engine.run(WAIT.replace("timeout: 1m", "timeout: 12s"));
  assert.equal(sink.ofType("step-failed")[0]?.error.code, "E_POLL_TIMEOUT");
  assert.equal(resumeState(replay(sink.events)).polls.size, 0);
});
