/**
 * Numbers at the edges of JSON (issue 13 item 13): an integer input beyond 64 bits (below
 * -2^63 or above 2^64-1, the uint64 of Tencent Cloud's `Integer`) is refused (exit 2, naming
 * the flag), and a response number no double holds (`1e999`, `1e-999`) or a huge integer keeps
 * its exact text through the client, the journal, `run --json` and both reports.
 */
import assert from "node:assert/strict";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { serveEmulator } from "../lib/emulator/server.ts";
import { runCli } from "./_cli.ts";

const ENV = {
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
};

async function tempWorkflow(text: string): Promise<{ dir: string; wf: string }> {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-json-numbers-" });
  const wf = `${dir}/wf.yaml`;
  await Deno.writeTextFile(wf, text);
  return { dir, wf };
}

Deno.test("--input integers beyond 64 bits are refused, exit 2", async () => {
  const { dir, wf } = await tempWorkflow(`tcflow: 1
name: ints
region: ap-guangzhou
inputs:
  n: { type: integer }
  any: { type: any, required: false }
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-2x9f8k1p, Limit: \${{ inputs.n }} }
`);
  try {
    const plan = (...inputs: string[]) =>
      runCli(["plan", wf, "--json", ...inputs.flatMap((i) => ["--input", i])]);
    for (const bad of ["18446744073709551616", "-9223372036854775809", "1e30"]) {
      const { code, stderr } = await plan(`n=${bad}`);
      assert.equal(code, 2, `n=${bad}: ${stderr}`);
      assert.match(stderr, /--input n.*64-bit/, stderr);
    }
    const nested = await plan("n=5", "any=[1, 99999999999999999999]");
    assert.equal(nested.code, 2, nested.stderr);
    assert.match(nested.stderr, /--input any.*64-bit/, nested.stderr);
    const inputsFile = `${dir}/inputs.json`;
    await Deno.writeTextFile(inputsFile, '{"n": 36893488147419103232}');
    const fromFile = await runCli(["plan", wf, "--json", "--inputs", inputsFile]);
    assert.equal(fromFile.code, 2, fromFile.stderr);
    assert.match(fromFile.stderr, /--inputs .*inputs\.json: input `n`.*64-bit/, fromFile.stderr);
    for (const good of ["18446744073709551615", "-9223372036854775808"]) {
      const { code, stdout, stderr } = await plan(`n=${good}`);
      assert.equal(code, 0, stderr);
      assert.ok(stdout.includes(good), stdout);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a response number no double holds keeps its exact text everywhere", async () => {
  const emulator = await serveEmulator({ port: 0 });
  // The real emulator's answer, with numbers a cloud may send that no double holds.
  const proxy = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const upstream = await fetch(new URL(url.pathname, emulator.url), {
      method: request.method,
      headers: request.headers,
      body: await request.arrayBuffer(),
    });
    const text = (await upstream.text()).replace(
      '"TotalCount":3',
      '"TotalCount":1e999,"Tiny":-1e-999,"Huge":123456789012345678901234567890',
    );
    return new Response(text, { headers: { "content-type": "application/json" } });
  });
  const { dir, wf } = await tempWorkflow(`tcflow: 1
name: numbers
region: ap-guangzhou
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-2x9f8k1p }
`);
  try {
    const state = `${dir}/state`;
    const url = `http://127.0.0.1:${proxy.addr.port}`;
    const run = await runCli(
      ["run", wf, "--endpoint-url", url, "--json", "--state-dir", state],
      { env: ENV },
    );
    assert.equal(run.code, 0, run.stderr);
    const exact =
      /"TotalCount": 1e999,\s+"Tiny": -1e-999,\s+"Huge": 123456789012345678901234567890/;
    assert.match(run.stdout, exact, run.stdout);
    const [runId] = [...Deno.readDirSync(`${state}/runs`)].map((e) => e.name);
    assert.ok(runId !== undefined);
    const journal = await Deno.readTextFile(`${state}/runs/${runId}/events.jsonl`);
    assert.match(
      journal,
      /"TotalCount":1e999,"Tiny":-1e-999,"Huge":123456789012345678901234567890/,
    );
    const markdown = await runCli(["report", runId, "--state-dir", state]);
    assert.equal(markdown.code, 0, markdown.stderr);
    assert.match(markdown.stdout, /1e999/);
    assert.match(markdown.stdout, /-1e-999/);
    const html = await runCli(["report", runId, "--html", "--state-dir", state]);
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /<code>1e999<\/code>/);
    assert.match(html.stdout, /<code>-1e-999<\/code>/);
    assert.match(html.stdout, /<code>123456789012345678901234567890<\/code>/);
  } finally {
    await proxy.shutdown();
    await emulator.close();
    await Deno.remove(dir, { recursive: true });
  }
});
