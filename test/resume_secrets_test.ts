/**
 * A run resumed from its journal gets its secrets again (`--input`, the credentials), but the
 * journal holds every recorded value redacted. Outputs that held a secret are also journaled
 * sealed (encrypted under a key derived from the run's secrets): with the same secrets `resume`
 * opens them; with others a `set` step is evaluated again, and a value of an action that is not
 * run again is refused (`E_REDACTED`) rather than sent as `***`.
 */
import assert from "node:assert/strict";
import { REDACTED } from "../lib/journal/events.ts";
import { recordedSteps, replay, resumeState } from "../lib/journal/replay.ts";
import { stringifyJson } from "../lib/json.ts";
import { runCli } from "./_cli.ts";
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

Deno.test("resume opens a step's sealed outputs with the same secrets", async () => {
  const engine = testEngine();
  const inputs = { token: SECRET };
  const first = await engine.run(WORKFLOW, {
    inputs,
    secrets: [SECRET],
    runId: "run-1",
    stopAfter: "auth",
  });
  // What the journal keeps of the first session: redacted, and sealed.
  const recorded = recordedSteps(resumeState(replay(first.sink.events, { runId: "run-1" })));
  assert.equal((recorded.auth?.outputs as Record<string, string>).header, `Bearer ${REDACTED}`);
  assert.ok(recorded.auth?.sealed !== undefined);

  const second = await engine.run(WORKFLOW, {
    inputs,
    secrets: [SECRET],
    runId: "run-1",
    resume: recorded,
  });
  assert.equal(second.result.status, "succeeded", stringifyJson(second.result));
  assert.deepEqual(second.result.outputs, { plain: "no secret here" });
  const auth = second.sink.events.filter((e) => "stepId" in e && e.stepId === "auth");
  assert.deepEqual(auth.map((e) => e.type), ["step-skipped"], "opened, not evaluated again");
  const everything = stringifyJson([first.sink.events, second.sink.events, second.result]);
  assert.ok(!everything.includes(SECRET), "the secret reached an event or the result");
});

Deno.test("with other secrets the seal stays closed and a set step is evaluated again", async () => {
  const engine = testEngine();
  const inputs = { token: SECRET };
  const first = await engine.run(WORKFLOW, {
    inputs,
    secrets: [SECRET, "key-of-the-first-session"],
    runId: "run-1",
    stopAfter: "auth",
  });
  const recorded = recordedSteps(resumeState(replay(first.sink.events, { runId: "run-1" })));
  const second = await engine.run(WORKFLOW, {
    inputs,
    secrets: [SECRET, "key-of-another-session"],
    runId: "run-1",
    resume: recorded,
  });
  assert.equal(second.result.status, "succeeded", stringifyJson(second.result));
  const auth = second.sink.events.filter((e) => "stepId" in e && e.stepId === "auth");
  assert.deepEqual(auth.map((e) => e.type).slice(0, 1), ["step-started"]);
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

/** Creates a topic whose Remark holds the token, then reads it back (the answer echoes it). */
const echoWorkflow = (remark: string) => `
tcflow: 1
name: echo-resume
region: ap-guangzhou
inputs:
  token: { type: string, secret: true }
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: rmq-2x9f8k1p, Topic: echo-holder, TopicType: NORMAL, QueueNum: 3, Remark: "${remark}" }
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
const ECHO = echoWorkflow("t=${{ inputs.token }}");

Deno.test("an action's output journaled redacted: opened with the same secrets, else refused", async () => {
  const engine = testEngine();
  const options = { inputs: { token: SECRET }, secrets: [SECRET, "credential-1"], runId: "run-2" };
  const first = await engine.run(ECHO, { ...options, stopAfter: "read" });
  assert.equal(first.result.status, "succeeded");
  const recorded = recordedSteps(resumeState(replay(first.sink.events, { runId: "run-2" })));

  // The same secrets: the remarks are read as they were.
  const same = await engine.run(ECHO, { ...options, resume: recorded, stopAfter: "remarks" });
  const remarks = same.result.steps.find((s) => s.id === "remarks");
  assert.equal(remarks?.status, "succeeded");
  assert.equal(
    stringifyJson(remarks?.outputs).includes(SECRET),
    false,
    "shown redacted in the result",
  );

  // Another credential: the sealed outputs stay closed.
  const other = await engine.run(ECHO, {
    ...options,
    secrets: [SECRET, "credential-2"],
    resume: recorded,
  });
  const byId = Object.fromEntries(other.result.steps.map((s) => [s.id, s]));
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
  assert.ok(!stringifyJson([same.sink.events, other.sink.events, other.result]).includes(SECRET));
});

Deno.test("tcflow resume opens sealed outputs from the journal files (same secret input)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-sealed-" });
  try {
    const file = `${dir}/sealed.yaml`;
    await Deno.writeTextFile(
      file,
      `tcflow: 1
name: sealed
region: ap-guangzhou
env: [TCFLOW_TEST_GO]
inputs:
  token: { type: string, secret: true }
steps:
  - id: auth
    set: { header: "Bearer \${{ inputs.token }}" }
  - id: gate
    assert: \${{ env.TCFLOW_TEST_GO == "yes" }}
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: rmq-2x9f8k1p, Topic: sealed-holder, TopicType: NORMAL, QueueNum: 3, Remark: "\${{ steps.auth.outputs.header }}" }
outputs:
  real: \${{ steps.auth.outputs.header == "Bearer " + inputs.token }}
`,
    );
    const state = ["--state-dir", `${dir}/state`];
    const input = ["--input", `token=${SECRET}`];
    const first = await runCli(["run", file, "--emulator", "--json", ...input, ...state], {
      env: { TCFLOW_TEST_GO: "no" },
    });
    assert.equal(first.code, 1, first.stderr);
    const runId = JSON.parse(first.stdout).run_id as string;

    const resumed = await runCli(["resume", runId, "--emulator", "--json", ...input, ...state], {
      env: { TCFLOW_TEST_GO: "yes" },
    });
    assert.equal(resumed.code, 0, resumed.stderr);
    const doc = JSON.parse(resumed.stdout);
    assert.deepEqual(doc.outputs, { real: true });

    let journal = "";
    for await (const entry of Deno.readDir(`${dir}/state/runs/${runId}`)) {
      journal += await Deno.readTextFile(`${dir}/state/runs/${runId}/${entry.name}`);
    }
    assert.match(journal, /"sealed":\{"iv":/);
    // auth was opened from the journal, not evaluated again.
    const authStarts = journal.split("\n").filter((line) =>
      line.includes('"step-started"') && line.includes('"stepId":"auth"')
    );
    assert.equal(authStarts.length, 1);
    assert.ok(!(first.stdout + resumed.stdout + journal).includes(SECRET));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a resumed run derives the secrets of the steps it takes from the journal", async () => {
  const engine = testEngine();
  // The Remark is the token in upper case: derived from the secret, so secret too.
  const derived = SECRET.toUpperCase();
  const options = { inputs: { token: SECRET }, secrets: [SECRET], runId: "run-3" };
  const workflow = echoWorkflow("${{ inputs.token.upperAscii() }}");
  const first = await engine.run(workflow, { ...options, stopAfter: "create" });
  assert.equal(first.result.status, "succeeded");
  const recorded = recordedSteps(resumeState(replay(first.sink.events, { runId: "run-3" })));

  // `create` is taken from the journal, not sent again; `read` echoes the Remark it set.
  const second = await engine.run(workflow, { ...options, resume: recorded });
  assert.equal(second.result.status, "succeeded", stringifyJson(second.result));
  assert.equal(engine.emulator.calls().filter((c) => c.action === "CreateTopic").length, 1);
  const sent = stringifyJson(engine.emulator.calls().map((c) => c.params));
  assert.ok(sent.includes(derived), "the derived value reached the cloud");
  const shown = stringifyJson([first.sink.events, second.sink.events, second.result]);
  assert.ok(!shown.includes(SECRET), "the secret was shown");
  assert.ok(!shown.includes(derived), "the value derived from the secret was shown");
});

Deno.test("resume derives secrets again only from the with: of steps that were sent, not of when-skipped ones", async () => {
  const text = `
tcflow: 1
name: skipped-derive
region: ap-guangzhou
inputs:
  token: { type: string, secret: true }
  plain: { type: string }
steps:
  - id: never
    when: \${{ false }}
    action: trocket.CreateTopic
    with: { InstanceId: rmq-72mo3a9o, Topic: never, TopicType: NORMAL, QueueNum: 3, Remark: "\${{ inputs.token.upperAscii() }}" }
  - id: mid
    set: { x: 1 }
outputs:
  plain: \${{ inputs.plain }}
`;
  // A plain input that happens to equal what the skipped step would have derived: never sent,
  // so never a secret, in the run and in its resume alike.
  const inputs = { token: SECRET, plain: SECRET.toUpperCase() };
  const engine = testEngine();
  const whole = await engine.run(text, { inputs, secrets: [SECRET], runId: "run-whole" });
  assert.deepEqual(whole.result.outputs, { plain: SECRET.toUpperCase() });
  const first = await engine.run(text, {
    inputs,
    secrets: [SECRET],
    runId: "run-2",
    stopAfter: "never",
  });
  const recorded = recordedSteps(resumeState(replay(first.sink.events, { runId: "run-2" })));
  assert.equal(recorded.never?.status, "skipped");
  const second = await engine.run(text, {
    inputs,
    secrets: [SECRET],
    runId: "run-2",
    resume: recorded,
  });
  assert.equal(second.result.status, "succeeded", stringifyJson(second.result));
  assert.deepEqual(second.result.outputs, whole.result.outputs);
});
