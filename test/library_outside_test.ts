/**
 * The library from a script outside the project (issue 16 item 9): `mod.ts` imported by path
 * from a folder with no `deno.json`, with `--no-config` (no import map), and the permissions
 * the README gives for a script. It failed with `Import "yaml" not a dependency` when the
 * library used bare specifiers only the project's import map resolved.
 */
import assert from "node:assert/strict";
import { ROOT } from "./_cli.ts";

Deno.test("a script outside the project imports mod.ts by path and calls the emulator", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-outside-" });
  try {
    await Deno.writeTextFile(
      `${dir}/script.ts`,
      `import { createClient, stringifyJson } from ${JSON.stringify(`${ROOT}mod.ts`)};
const client = createClient({ region: "ap-guangzhou", emulator: true });
const topics = await client.trocket.DescribeTopicList({ InstanceId: "rmq-2x9f8k1p" });
console.log(stringifyJson({ total: topics.TotalCount, first: topics.Data[0]?.Topic }));
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-config",
        "--allow-read",
        "--allow-env=TENCENTCLOUD_*,TCFLOW_*,TCCLI_PROFILE,HOME,USERPROFILE",
        "script.ts",
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.equal(new TextDecoder().decode(out.stdout), '{"total":3,"first":"order-events"}\n');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("results of the typed client and of runWorkflow go through JSON.stringify, exact to 64 bits", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-outside-" });
  try {
    await Deno.writeTextFile(
      `${dir}/script.ts`,
      `import {
  createClient,
  createEmulator,
  createRateLimiter,
  createTencentClient,
  DEMO_CREDENTIAL,
  loadWorkflowText,
  runWorkflow,
  stringifyJson,
  systemDeps,
} from ${JSON.stringify(`${ROOT}mod.ts`)};
const client = createClient({ region: "ap-guangzhou", emulator: true });
const topics = await client.trocket.DescribeTopicList({ InstanceId: "rmq-2x9f8k1p" });
if (typeof topics.TotalCount !== "bigint") throw new Error("the result is unchanged: bigint");
if (JSON.stringify(topics) !== stringifyJson(topics)) throw new Error("not as stringifyJson");
const { workflow } = loadWorkflowText(
  "tcflow: 1\\nname: big\\nregion: ap-guangzhou\\nsteps:\\n" +
    "  - id: ids\\n    set: { max: 18446744073709551615, min: -9223372036854775808 }\\n",
  "big.yaml",
);
const emulator = createEmulator();
const deps = { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) };
const result = await runWorkflow(workflow!, {
  inputs: {},
  deps,
  client: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
  rateLimiter: createRateLimiter({ deps }),
  runId: "run-1",
});
console.log(JSON.stringify({ total: topics.TotalCount, ids: result.steps[0]?.outputs }));
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--no-config", "--allow-read", "--allow-env", "script.ts"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.equal(
      new TextDecoder().decode(out.stdout),
      '{"total":3,"ids":{"max":18446744073709551615,"min":-9223372036854775808}}\n',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
