/**
 * A run resumed from its journal gets secret inputs again (`--input`), but the journal holds
 * every recorded value redacted. A `set` step whose outputs held a secret is therefore evaluated
 * again on resume, so that later steps see the real value, not `***`.
 */
import assert from "node:assert/strict";
import { REDACTED } from "../lib/engine/events.ts";
import { recordedSteps, replay, resumeState } from "../lib/journal/replay.ts";
import { stringifyJson } from "../lib/json.ts";
import { testEngine } from "./_engine.ts";

const SECRET = "tok-9f8e7d6c5b4a";
const WORKFLOW = `
tcflow: 1
name: secret-resume
region: ap-guangzhou
inputs:
  token: { type: string, secret: true }
steps:
  - id: auth
    set:
      header: "Bearer \${{ inputs.token }}"
      plain: "no secret here"
  - id: check
    assert: \${{ steps.auth.outputs.header == "Bearer " + inputs.token }}
outputs:
  plain: \${{ steps.auth.outputs.plain }}
`;

Deno.test("resume evaluates a set step again when the journal holds its outputs redacted", async () => {
  const engine = testEngine();
  const inputs = { token: SECRET };
  const first = await engine.run(WORKFLOW, {
    inputs,
    secrets: [SECRET],
    runId: "run-1",
    stopAfter: "auth",
  });
  // What the journal keeps of the first session.
  const recorded = recordedSteps(resumeState(replay(first.sink.events, { runId: "run-1" })));
  assert.equal((recorded.auth?.outputs as Record<string, string>).header, `Bearer ${REDACTED}`);

  const second = await engine.run(WORKFLOW, {
    inputs,
    secrets: [SECRET],
    runId: "run-1",
    resume: recorded,
  });
  assert.equal(second.result.status, "succeeded", stringifyJson(second.result));
  assert.deepEqual(second.result.outputs, { plain: "no secret here" });
  const everything = stringifyJson([first.sink.events, second.sink.events, second.result]);
  assert.ok(!everything.includes(SECRET), "the secret reached an event or the result");
});

Deno.test("resume reuses a set step whose recorded outputs lost nothing", async () => {
  const engine = testEngine();
  const text = WORKFLOW.replace('"Bearer \${{ inputs.token }}"', '"Bearer fixed"').replace(
    '"Bearer " + inputs.token',
    '"Bearer fixed"',
  );
  const first = await engine.run(text, {
    inputs: { token: SECRET },
    secrets: [SECRET],
    runId: "r",
    stopAfter: "auth",
  });
  const recorded = recordedSteps(resumeState(replay(first.sink.events, { runId: "r" })));
  const second = await engine.run(text, {
    inputs: { token: SECRET },
    secrets: [SECRET],
    runId: "r",
    resume: recorded,
  });
  assert.equal(second.result.status, "succeeded");
  const auth = second.sink.events.filter((e) => "stepId" in e && e.stepId === "auth");
  assert.deepEqual(auth.map((e) => e.type), ["step-skipped"]);
});

const ECHO = `
tcflow: 1
name: echo-resume
region: ap-guangzhou
inputs:
  token: { type: string, secret: true }
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: rmq-2x9f8k1p, Topic: echo-holder, TopicType: NORMAL, QueueNum: 3, Remark: "t=\${{ inputs.token }}" }
  - id: read
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-2x9f8k1p }
  - id: names
    set:
      topics: \${{ steps.read.outputs.Data.map(t, t.Topic) }}
  - id: remarks
    set:
      remarks: \${{ steps.read.outputs.Data.map(t, t.Remark) }}
`;

Deno.test("resume refuses to use an action's output that was journaled redacted", async () => {
  const engine = testEngine();
  const options = { inputs: { token: SECRET }, secrets: [SECRET], runId: "run-2" };
  const first = await engine.run(ECHO, { ...options, stopAfter: "read" });
  assert.equal(first.result.status, "succeeded");
  const recorded = recordedSteps(resumeState(replay(first.sink.events, { runId: "run-2" })));

  const second = await engine.run(ECHO, { ...options, resume: recorded });
  const byId = Object.fromEntries(second.result.steps.map((s) => [s.id, s]));
  // Topic names hold no secret: they are read from the journal as they were.
  assert.equal(byId.names?.status, "succeeded");
  assert.ok((byId.names?.outputs as { topics: string[] }).topics.includes("echo-holder"));
  // The remarks held the secret: the resumed run does not send *** in their place.
  assert.equal(byId.remarks?.status, "failed");
  assert.equal(byId.remarks?.error?.code, "E_REDACTED");
  assert.match(
    byId.remarks?.error?.message ?? "",
    /steps\.read\.outputs\.Data\.Remark held a secret/,
  );
  assert.ok(!stringifyJson([second.sink.events, second.result]).includes(SECRET));
});
