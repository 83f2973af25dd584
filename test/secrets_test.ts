/**
 * Secrets never leak: runs with known secret values (a `secret: true` input, a SecretKey and a
 * session token) whose every output is searched byte by byte, in clear and in hex and base64:
 * stdout and stderr of `run` (in-process `--emulator`, and the real `cli.ts` over loopback
 * with credentials from the environment and `TCFLOW_DEBUG=1`), `--json`, `plan`,
 * `run --dry-run`, error messages, `resume`, `rollback`, `runs`, `report` (Markdown and HTML),
 * the notebook, and every file under the state directory (the journal).
 *
 * Each search is proven able to fail: the secret did reach the emulator (in the call log).
 */
import assert from "node:assert/strict";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { serveEmulator } from "../lib/emulator/server.ts";
import { stringifyJson } from "../lib/json.ts";
import { type CliResult, runCli, runCliProcess } from "./_cli.ts";

const API_KEY = "sk-live-7Q2fZb9x-apikey-secret";
const NESTED = "pw-nested-9c81e2-in-a-map";
const SECRET_ID = "AKIDSECRETSTEST000000000000000000000";
const SECRET_KEY = "secret-key-Vt3k9-never-print";
const SESSION_TOKEN = "session-token-Qm4p-never-print";
const TARGET = "rmq-72mo3a9o";

/** Every secret of these tests. */
const SECRETS = [API_KEY, NESTED, SECRET_KEY, SESSION_TOKEN, DEMO_CREDENTIAL.secretKey];

const dir = await Deno.makeTempDir({ prefix: "tcflow-secrets-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

const WORKFLOW = `${dir}/secrets.yaml`;
await Deno.writeTextFile(
  WORKFLOW,
  `tcflow: 1
name: secrets-everywhere
region: ap-guangzhou
inputs:
  apiKey: { type: string, secret: true }
  vault: { type: map, secret: true }
  topic: { type: string, default: secret-holder }
steps:
  - id: create
    doc: Creates a topic whose remark holds the key (the cloud gets it; nothing else may).
    action: trocket.CreateTopic
    with:
      InstanceId: ${TARGET}
      Topic: \${{ inputs.topic }}
      TopicType: NORMAL
      QueueNum: 3
      Remark: "key=\${{ inputs.apiKey }};pw=\${{ inputs.vault.pw }}"
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: "\${{ inputs.topic }}" }
  - id: read
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
  - id: bad
    action: trocket.CreateTopic
    with: { InstanceId: "\${{ inputs.apiKey }}", Topic: "\${{ inputs.apiKey + '!' }}", TopicType: NORMAL, QueueNum: 3 }
    on_error: continue
  - id: derived
    set:
      joined: \${{ inputs.apiKey + "/" + inputs.vault.pw }}
      remark: \${{ steps.read.outputs.Data.map(t, t.Remark) }}
  - id: gate
    assert: \${{ inputs.apiKey == "never-equal" }}
    message: the gate is closed
outputs:
  key: \${{ inputs.apiKey }}
  remarks: \${{ steps.derived.outputs.remark }}
`,
);
const INPUTS = ["--input", `apiKey=${API_KEY}`, "--input", `vault={pw: ${NESTED}}`];

/** The forms a secret could leak in: clear text, hex, base64 at each byte alignment. */
function leakForms(secret: string): Array<{ form: string; bytes: Uint8Array }> {
  const encoder = new TextEncoder();
  const raw = encoder.encode(secret);
  const forms = [
    { form: "clear", bytes: raw },
    { form: "upper", bytes: encoder.encode(secret.toUpperCase()) },
    {
      form: "hex",
      bytes: encoder.encode([...raw].map((b) => b.toString(16).padStart(2, "0")).join("")),
    },
    { form: "url", bytes: encoder.encode(encodeURIComponent(secret)) },
  ];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = btoa(String.fromCharCode(...new Uint8Array(shift), ...raw));
    // The first group mixes in the shift bytes and the last may be padded: keep the middle.
    forms.push({ form: `base64+${shift}`, bytes: encoder.encode(b64.slice(4, -4)) });
  }
  return forms;
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Every hit of every secret in `bytes`, as "where: form of secret #n at offset". */
function hits(where: string, bytes: Uint8Array, secrets = SECRETS): string[] {
  const found: string[] = [];
  for (const [n, secret] of secrets.entries()) {
    for (const { form, bytes: needle } of leakForms(secret)) {
      const at = indexOfBytes(bytes, needle);
      if (at >= 0) found.push(`${where}: ${form} of secret #${n} at byte ${at}`);
    }
  }
  return found;
}

const encoder = new TextEncoder();
function outputHits(label: string, result: CliResult): string[] {
  return [
    ...hits(`${label} stdout`, encoder.encode(result.stdout)),
    ...hits(`${label} stderr`, encoder.encode(result.stderr)),
  ];
}

/** Every file under `root`, recursively. */
async function* files(root: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(root)) {
    const path = `${root}/${entry.name}`;
    if (entry.isDirectory) yield* files(path);
    else if (entry.isFile) yield path;
  }
}

async function stateHits(stateDir: string): Promise<{ hits: string[]; files: number }> {
  const found: string[] = [];
  let count = 0;
  for await (const path of files(stateDir)) {
    count++;
    found.push(...hits(path.slice(stateDir.length + 1), await Deno.readFile(path)));
  }
  return { hits: found, files: count };
}

function runIdOf(result: CliResult): string {
  const id = /"run_id": "([^"]+)"/.exec(result.stdout)?.[1] ??
    /journal: .*\/runs\/(\S+)/.exec(result.stderr)?.[1];
  assert.ok(id, `no run id in\n${result.stdout}\n${result.stderr}`);
  return id;
}

Deno.test("the leak search finds a secret in every form it looks for (it can fail)", () => {
  for (const { form, bytes } of leakForms(API_KEY)) {
    const text = `prefix ${new TextDecoder().decode(bytes)} suffix`;
    assert.ok(hits("probe", encoder.encode(text), [API_KEY]).length > 0, form);
  }
  const b64 = btoa("xy" + API_KEY + "z");
  assert.ok(hits("probe", encoder.encode(b64), [API_KEY]).length > 0, "base64 at an offset");
  assert.deepEqual(hits("probe", encoder.encode("nothing here *** at all")), []);
});

Deno.test("--emulator: run, --json, resume, rollback, runs, report: 0 hits", async () => {
  const state = `${dir}/emulator-state`;
  const STATE = ["--state-dir", state];
  const found: string[] = [];

  const plain = await runCli(["run", WORKFLOW, "--emulator", ...INPUTS, ...STATE], { env: {} });
  assert.equal(plain.code, 1, plain.stderr); // the gate fails the run
  assert.match(plain.stderr, /the gate is closed/);
  assert.match(plain.stderr + plain.stdout, /\*\*\*/);
  found.push(...outputHits("run", plain));

  // The same creates again: a fresh emulator (--emulator keeps its state in the state dir).
  await runCli(["emulator", "--reset-state", ...STATE]);
  const json = await runCli(["run", WORKFLOW, "--emulator", "--json", ...INPUTS, ...STATE], {
    env: {},
  });
  assert.equal(json.code, 1, json.stderr);
  found.push(...outputHits("run --json", json));
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.outputs.key, "***");
  assert.equal(doc.steps.find((s: { id: string }) => s.id === "bad").status, "failed");
  const runId = runIdOf(json);

  const resume = await runCli(["resume", runId, "--emulator", ...INPUTS, ...STATE], {
    env: {},
  });
  assert.equal(resume.code, 1, resume.stderr);
  found.push(...outputHits("resume", resume));

  const runs = await runCli(["runs", "--json", ...STATE], { env: {} });
  assert.equal(runs.code, 0, runs.stderr);
  found.push(...outputHits("runs", runs));

  for (const flags of [[], ["--html"]]) {
    const report = await runCli(["report", runId, ...flags, ...STATE], { env: {} });
    assert.equal(report.code, 0, report.stderr);
    assert.ok(report.stdout.length > 200, "the report is rendered");
    found.push(...outputHits(`report ${flags.join(" ")}`, report));
  }
  const html = `${dir}/report.html`;
  const out = await runCli(["report", runId, "--html", "--out", html, ...STATE], { env: {} });
  assert.equal(out.code, 0, out.stderr);
  found.push(...hits("report.html", await Deno.readFile(html)));

  const rollback = await runCli(["rollback", runId, "--emulator", ...INPUTS, ...STATE], {
    env: {},
  });
  assert.equal(rollback.code, 0, rollback.stderr); // every undo done (or already gone)
  found.push(...outputHits("rollback", rollback));

  const journal = await stateHits(state);
  assert.ok(journal.files >= 4, `only ${journal.files} journal files`);
  found.push(...journal.hits);
  assert.deepEqual(found, []);
});

Deno.test("plan, --dry-run, validate and error messages: 0 hits", async () => {
  const found: string[] = [];
  for (
    const args of [
      ["plan", WORKFLOW, ...INPUTS],
      ["plan", WORKFLOW, "--json", ...INPUTS],
      ["run", WORKFLOW, "--dry-run", "--json", ...INPUTS],
      ["plan", WORKFLOW, "--live-reads", "--emulator", ...INPUTS],
      ["validate", WORKFLOW, "--json"],
      // Error messages that are about a secret input must not quote it.
      ["plan", WORKFLOW, "--input", `apiKey=${API_KEY}`, "--input", `vault=${API_KEY}`],
      ["plan", WORKFLOW, "--input", `apiKey=${API_KEY}`, "--input", `vault={pw: [${NESTED}`],
      ["run", WORKFLOW, "--emulator", "--input", `apiKey=${API_KEY}`, "--input", "apiKey=x"],
    ]
  ) {
    const result = await runCli(args, { env: {} });
    found.push(...outputHits(args.slice(0, 3).join(" "), result));
  }
  const inputsFile = `${dir}/inputs.json`;
  await Deno.writeTextFile(inputsFile, `{"apiKey": "${API_KEY}", "vault": {"pw": "${NESTED}"},`);
  const broken = await runCli(["plan", WORKFLOW, "--inputs", inputsFile], { env: {} });
  assert.equal(broken.code, 2);
  found.push(...outputHits("plan --inputs broken.json", broken));
  assert.deepEqual(found, []);
});

Deno.test("the real cli.ts over loopback, env credentials + session token, TCFLOW_DEBUG: 0 hits", async () => {
  const server = await serveEmulator({
    port: 0,
    credentials: [{ secretId: SECRET_ID, secretKey: SECRET_KEY }],
  });
  const state = `${dir}/loopback-state`;
  const env = {
    TENCENTCLOUD_SECRET_ID: SECRET_ID,
    TENCENTCLOUD_SECRET_KEY: SECRET_KEY,
    TENCENTCLOUD_SESSION_TOKEN: SESSION_TOKEN,
    TCFLOW_DEBUG: "1",
    HOME: dir,
  };
  const STATE = ["--state-dir", state, "--endpoint-url", server.url];
  const found: string[] = [];
  try {
    const run = await runCliProcess(["run", WORKFLOW, "--json", ...INPUTS, ...STATE], { env });
    assert.equal(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.steps[0].status, "succeeded", run.stderr);
    found.push(...outputHits("loopback run", run));
    const runId = runIdOf(run);

    const resume = await runCliProcess(["resume", runId, ...INPUTS, ...STATE], { env });
    assert.equal(resume.code, 1, resume.stderr);
    found.push(...outputHits("loopback resume", resume));

    const report = await runCliProcess(["report", runId, "--html", "--state-dir", state], { env });
    assert.equal(report.code, 0, report.stderr);
    found.push(...outputHits("loopback report --html", report));

    const notebook = await runCliProcess(["notebook", WORKFLOW, ...INPUTS, ...STATE], {
      env,
      // `set` of a secret input: neither the echoed command nor any warning may show it.
      stdin: `run all\nshow create\nshow bad\nshow derived\nset apiKey=!${API_KEY}\n` +
        "run derived\nreport\nquit\n",
    });
    // A scripted session that met a failed cell (the gate) exits 1.
    assert.equal(notebook.code, 1, notebook.stderr);
    assert.match(notebook.stdout + notebook.stderr, /derived/);
    found.push(...outputHits("loopback notebook", notebook));

    const journal = await stateHits(state);
    assert.ok(journal.files >= 4);
    found.push(...journal.hits);

    // The secrets did travel where they must: to the cloud, signed with the SecretId.
    const calls = server.emulator.calls();
    assert.ok(calls.length >= 3);
    assert.ok(calls.every((c) => c.secretId === SECRET_ID));
    const sent = encoder.encode(stringifyJson(calls.map((c) => c.params)));
    assert.ok(hits("sent", sent, [API_KEY]).length > 0, "the secret input reached the cloud");
    assert.ok(hits("sent", sent, [NESTED]).length > 0, "the nested secret reached the cloud");
  } finally {
    await server.close();
  }
  assert.deepEqual(found, []);
});

/** The emulator's demo credential in the environment, for runs against an emulator server. */
const DEMO_ENV = {
  HOME: dir,
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
};

/** Texts made from `API_KEY` by the workflow below, each a secret of its own. */
const DERIVED = [
  API_KEY.toUpperCase(),
  API_KEY.replaceAll("-", ""),
  API_KEY.substring(0, 12),
  btoa(API_KEY),
];

const DERIVING = `${dir}/deriving.yaml`;
await Deno.writeTextFile(
  DERIVING,
  `tcflow: 1
name: derived-secrets
region: ap-guangzhou
inputs:
  apiKey: { type: string, secret: true }
steps:
  - id: derive
    set:
      shout: \${{ inputs.apiKey.upperAscii() }}
      compact: \${{ inputs.apiKey.replace("-", "") }}
      strength: \${{ size(inputs.apiKey) > 8 ? "long-key" : "short-key" }}
  - id: create
    action: trocket.CreateTopic
    with:
      InstanceId: ${TARGET}
      Topic: derived-holder
      TopicType: NORMAL
      QueueNum: 3
      Remark: "p=\${{ inputs.apiKey.substring(0, 12) }};b=\${{ bytes(inputs.apiKey) }};s=\${{ steps.derive.outputs.compact }}"
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: derived-holder }
  - id: read
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
  - id: gate
    assert: \${{ steps.derive.outputs.shout == "never" }}
outputs:
  shout: \${{ steps.derive.outputs.shout }}
  strength: \${{ steps.derive.outputs.strength }}
`,
);

Deno.test("values made from a secret (upper case, replace, substring, base64) are secrets too: 0 hits", async () => {
  const server = await serveEmulator({ port: 0 });
  const state = `${dir}/derived-state`;
  const STATE = ["--state-dir", state, "--endpoint-url", server.url];
  const INPUT = ["--input", `apiKey=${API_KEY}`];
  const env = DEMO_ENV;
  const clear = (where: string, text: string | Uint8Array) => {
    const bytes = typeof text === "string" ? encoder.encode(text) : text;
    const found = hits(where, bytes);
    for (const [n, derived] of DERIVED.entries()) {
      const at = indexOfBytes(bytes, encoder.encode(derived));
      if (at >= 0) found.push(`${where}: derived secret #${n} at byte ${at}`);
    }
    return found;
  };
  const found: string[] = [];
  try {
    for (
      const args of [["plan", DERIVING], ["plan", DERIVING, "--json"], [
        "run",
        DERIVING,
        "--dry-run",
      ]]
    ) {
      const planned = await runCli([...args, ...INPUT], { env });
      assert.equal(planned.code, 0, planned.stderr);
      assert.match(planned.stdout, /\*\*\*/);
      found.push(...clear(args.join(" "), planned.stdout + planned.stderr));
    }
    const run = await runCli(["run", DERIVING, "--json", ...INPUT, ...STATE], { env });
    assert.equal(run.code, 1, run.stderr); // the gate fails the run
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.steps[1].status, "succeeded", run.stderr);
    // A value tested, not made from the secret, stays readable.
    assert.equal(doc.outputs.strength, "long-key");
    assert.equal(doc.outputs.shout, "***");
    found.push(...clear("run stdout", run.stdout), ...clear("run stderr", run.stderr));
    const runId = runIdOf(run);

    const resume = await runCli(["resume", runId, ...INPUT, ...STATE], { env });
    assert.equal(resume.code, 1, resume.stderr);
    found.push(...clear("resume", resume.stdout + resume.stderr));
    for (const flags of [[], ["--html"]]) {
      const report = await runCli(["report", runId, ...flags, "--state-dir", state], { env });
      assert.equal(report.code, 0, report.stderr);
      found.push(...clear(`report ${flags.join(" ")}`, report.stdout));
    }
    const rollback = await runCli(["rollback", runId, ...INPUT, ...STATE], { env });
    assert.equal(rollback.code, 0, rollback.stderr); // the topic `create` made is deleted
    found.push(...clear("rollback", rollback.stdout + rollback.stderr));
    for await (const path of files(state)) {
      found.push(...clear(path.slice(state.length + 1), await Deno.readFile(path)));
    }

    // The search can fail: every derived text did reach the cloud.
    const sent = stringifyJson(server.emulator.calls().map((c) => c.params));
    for (const derived of DERIVED.slice(1)) assert.ok(sent.includes(derived), derived);
  } finally {
    await server.close();
  }
  assert.deepEqual(found, []);
});

const KEYS = `${dir}/api-keys.yaml`;
await Deno.writeTextFile(
  KEYS,
  `tcflow: 1
name: api-keys
region: ap-guangzhou
steps:
  - id: key
    action: apigateway.CreateApiKey
    with: { SecretName: partner-key }
  - id: check
    set:
      usable: \${{ size(steps.key.outputs.Result.AccessKeySecret) == 40 }}
      id: \${{ steps.key.outputs.Result.AccessKeyId }}
  - id: keys
    action: apigateway.DescribeApiKeysStatus
    with: { Limit: 10 }
outputs:
  secret: \${{ steps.key.outputs.Result.AccessKeySecret }}
  usable: \${{ steps.check.outputs.usable }}
  listed: \${{ steps.keys.outputs.Result.ApiKeySet.map(k, k.AccessKeySecret) }}
`,
);

Deno.test("credentials the API answers (an API key's secret) are secrets: 0 hits", async () => {
  const server = await serveEmulator({ port: 0 });
  const state = `${dir}/keys-state`;
  const env = DEMO_ENV;
  const STATE = ["--state-dir", state, "--endpoint-url", server.url];
  const outputs: Array<[string, string]> = [];
  try {
    const run = await runCli(["run", KEYS, "--json", ...STATE], { env });
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.outputs.secret, "***");
    assert.equal(doc.outputs.usable, true, "later steps read the real value");
    assert.match(doc.outputs.id ?? doc.steps[1].outputs.id, /^AKID/);
    outputs.push(["run", run.stdout + run.stderr]);
    const runId = runIdOf(run);
    const report = await runCli(["report", runId, "--state-dir", state], { env });
    assert.equal(report.code, 0, report.stderr);
    outputs.push(["report", report.stdout]);
    // A dry run reads the keys for real: their secrets are hidden there too.
    const plan = await runCli(["plan", KEYS, "--live-reads", "--json", ...STATE], { env });
    assert.equal(plan.code, 0, plan.stderr);
    assert.deepEqual(JSON.parse(plan.stdout).outputs.listed, ["***"]);
    outputs.push(["plan --live-reads", plan.stdout + plan.stderr]);
    for await (const path of files(state)) {
      outputs.push([
        path.slice(state.length + 1),
        new TextDecoder().decode(await Deno.readFile(path)),
      ]);
    }
  } finally {
    await server.close();
  }
  // The search can fail: the emulator holds the key's secret.
  const keys =
    (server.emulator.state().apigateway as { apiKeys: Array<{ AccessKeySecret: string }> })
      .apiKeys;
  assert.equal(keys.length, 1);
  const secret = keys[0]!.AccessKeySecret;
  assert.equal(secret.length, 40);
  const found = outputs.flatMap(([where, text]) =>
    text.includes(secret) ? [`${where}: the API key's secret`] : []
  );
  assert.deepEqual(found, []);
});
