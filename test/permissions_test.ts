/**
 * The `tcflow` task runs with the permissions it needs and no more (PRODUCT.md section 10):
 * network only to `*.tencentcloudapi.com`, `*.myhuaweicloud.com` and loopback, environment
 * only the documented variables (others read as unset), no subprocesses, FFI or system info.
 * These tests run the real `cli.ts` under exactly the flags of `deno.json`.
 */
import assert from "node:assert/strict";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { serveEmulator } from "../lib/emulator/server.ts";
import { parseJson } from "../lib/json.ts";
import { hasStackTrace, ROOT, runCliProcess, TASK_PERMISSIONS } from "./_cli.ts";

const dir = await Deno.makeTempDir({ prefix: "tcflow-permissions-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

/**
 * The flags of `deno.json`'s `tcflow` task between `run` and `cli.ts` (the task's launcher,
 * `tools/launch.cjs`, runs `deno` with the words after it).
 */
function taskFlags(): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  const words = String(config.tasks.tcflow).split(/\s+/);
  assert.deepEqual(words.slice(0, 3), ["node", "tools/launch.cjs", "run"]);
  assert.equal(words.at(-1), "cli.ts");
  return words.slice(3, -1);
}

Deno.test("the task's permission flags are exactly TASK_PERMISSIONS, with no broad grant", () => {
  const flags = taskFlags();
  assert.deepEqual(flags, [...TASK_PERMISSIONS]);
  for (const broad of ["-A", "--allow-all", "--allow-net", "--allow-env", "--allow-run"]) {
    assert.ok(!flags.includes(broad), `${broad} is too broad`);
  }
  assert.ok(!flags.some((f) => /^--allow-(run|ffi|sys|import)/.test(f)), flags.join(" "));
  const net = flags.find((f) => f.startsWith("--allow-net="))!.slice("--allow-net=".length);
  assert.deepEqual(net.split(",").sort(), [
    "*.myhuaweicloud.com",
    "*.tencentcloudapi.com",
    "0.0.0.0",
    "127.0.0.1",
    "[::1]",
    "localhost",
  ]);
});

Deno.test("what the task grants, as the process sees it", async () => {
  const probe = `${dir}/probe.ts`;
  await Deno.writeTextFile(
    probe,
    `const net = {};
for (const host of ${
      JSON.stringify([
        "trocket.tencentcloudapi.com",
        "apigateway.ap-guangzhou.tencentcloudapi.com",
        "ssl.tencentcloudapi.com:443",
        "cph.cn-north-4.myhuaweicloud.com",
        "127.0.0.1:4566",
        "localhost:4566",
        "example.com",
        "tencentcloudapi.com.evil.example",
        "eviltencentcloudapi.com",
        "169.254.169.254",
        "10.0.0.1",
        "127.0.0.2",
      ])
    }) net[host] = (await Deno.permissions.query({ name: "net", host })).state;
const env = {};
for (const name of ["TENCENTCLOUD_SECRET_ID", "HUAWEICLOUD_SDK_AK", "TCFLOW_ENDPOINT_URL", "TCCLI_PROFILE", "HOME", "NO_COLOR", "PATH", "AWS_SECRET_ACCESS_KEY", "LOG_TOKENS"]) {
  env[name] = Deno.env.get(name) ?? null;
}
const other = {};
for (const name of ["run", "ffi", "sys"]) other[name] = (await Deno.permissions.query({ name })).state;
console.log(JSON.stringify({ net, env, other, envKeys: Object.keys(Deno.env.toObject()).sort() }));
`,
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--no-prompt", ...TASK_PERMISSIONS, probe],
    env: {
      TENCENTCLOUD_SECRET_ID: "AKIDX",
      HUAWEICLOUD_SDK_AK: "hw",
      TCFLOW_ENDPOINT_URL: "http://127.0.0.1:1",
      AWS_SECRET_ACCESS_KEY: "must-not-be-read",
      LOG_TOKENS: "1",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, stderr);
  const seen = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.deepEqual(seen.net, {
    "trocket.tencentcloudapi.com": "granted",
    "apigateway.ap-guangzhou.tencentcloudapi.com": "granted",
    "ssl.tencentcloudapi.com:443": "granted",
    "cph.cn-north-4.myhuaweicloud.com": "granted",
    "127.0.0.1:4566": "granted",
    "localhost:4566": "granted",
    "example.com": "prompt",
    "tencentcloudapi.com.evil.example": "prompt",
    "eviltencentcloudapi.com": "prompt",
    "169.254.169.254": "prompt",
    "10.0.0.1": "prompt",
    "127.0.0.2": "prompt",
  });
  assert.equal(seen.env.TENCENTCLOUD_SECRET_ID, "AKIDX");
  assert.equal(seen.env.HUAWEICLOUD_SDK_AK, "hw");
  assert.equal(seen.env.TCFLOW_ENDPOINT_URL, "http://127.0.0.1:1");
  assert.equal(seen.env.NO_COLOR, "1");
  assert.equal(seen.env.PATH, null, "undocumented variables read as unset");
  assert.equal(seen.env.AWS_SECRET_ACCESS_KEY, null);
  assert.equal(seen.env.LOG_TOKENS, null, "the yaml package's debug switch is not readable");
  assert.ok(!seen.envKeys.includes("AWS_SECRET_ACCESS_KEY") && !seen.envKeys.includes("PATH"));
  assert.deepEqual(seen.other, { run: "prompt", ffi: "prompt", sys: "prompt" });
});

Deno.test("run --emulator works under the task's permissions", async () => {
  const { code, stdout, stderr } = await runCliProcess([
    "run",
    "workflows/rocketmq-smooth-migration.yaml",
    "--emulator",
    "--json",
    "--state-dir",
    `${dir}/state`,
  ], { env: { HOME: dir } });
  assert.equal(code, 0, stderr);
  const doc = parseJson(stdout, "auto") as { status: string; steps: unknown[] };
  assert.equal(doc.status, "succeeded");
  assert.ok(doc.steps.length >= 5);
  assert.ok(!hasStackTrace(stderr));
});

Deno.test("a workflow's env: allow-list reads only what the task grants", async () => {
  const file = `${dir}/env.yaml`;
  await Deno.writeTextFile(
    file,
    `tcflow: 1
name: env-probe
env: [TCFLOW_STAGE, OTHER_VAR, PATH]
steps:
  - id: probe
    set:
      stage: \${{ env.TCFLOW_STAGE }}
      other: \${{ has(env.OTHER_VAR) }}
      path: \${{ has(env.PATH) }}
outputs:
  stage: \${{ steps.probe.outputs.stage }}
  other: \${{ steps.probe.outputs.other }}
  path: \${{ steps.probe.outputs.path }}
`,
  );
  const { code, stdout, stderr } = await runCliProcess(
    ["run", file, "--emulator", "--json", "--state-dir", `${dir}/state`],
    { env: { TCFLOW_STAGE: "prod", OTHER_VAR: "not-for-workflows", HOME: dir } },
  );
  assert.equal(code, 0, stderr);
  const doc = parseJson(stdout, "auto") as { outputs: Record<string, unknown> };
  assert.deepEqual(doc.outputs, { stage: "prod", other: false, path: false });
  assert.ok(!stdout.includes("not-for-workflows") && !stderr.includes("not-for-workflows"));
});

Deno.test("the emulator server listens on loopback; loopback endpoints are reachable", async () => {
  const server = await serveEmulator({ port: 0 });
  try {
    const file = `${dir}/list.yaml`;
    await Deno.writeTextFile(
      file,
      "tcflow: 1\nname: list\nregion: ap-guangzhou\nsteps:\n  - id: topics\n" +
        "    action: trocket.DescribeTopicList\n    with: { InstanceId: rmq-2x9f8k1p }\n",
    );
    const env = {
      TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
      TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
      HOME: dir,
    };
    for (const host of ["127.0.0.1", "localhost"]) {
      const url = `http://${host}:${server.port}`;
      const { code, stderr } = await runCliProcess(
        ["run", file, "--endpoint-url", url, "--state-dir", `${dir}/state`],
        { env },
      );
      assert.equal(code, 0, `${url}: ${stderr}`);
    }
    assert.equal(server.emulator.calls().length, 2);

    // TCFLOW_ENDPOINT_URL is one of the documented variables: it is read.
    const viaEnv = await runCliProcess(["run", file, "--state-dir", `${dir}/state`], {
      env: { ...env, TCFLOW_ENDPOINT_URL: server.url },
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.equal(server.emulator.calls().length, 3);
  } finally {
    await server.close();
  }
});

Deno.test("reaching any other host is refused by the runtime, and nothing is sent", async () => {
  // A listener on all interfaces, addressed through 127.0.0.2: a loopback address that the
  // task does not grant. Without the permission check the call would arrive here.
  const server = await serveEmulator({ port: 0, hostname: "0.0.0.0" });
  try {
    const file = `${dir}/refused.yaml`;
    await Deno.writeTextFile(
      file,
      "tcflow: 1\nname: refused\nregion: ap-guangzhou\nsteps:\n  - id: topics\n" +
        "    action: trocket.DescribeTopicList\n    with: { InstanceId: rmq-2x9f8k1p }\n" +
        "    retry: { attempts: 1 }\n",
    );
    const { code, stdout, stderr } = await runCliProcess(
      [
        "run",
        file,
        "--endpoint-url",
        `http://127.0.0.2:${server.port}`,
        "--json",
        "--state-dir",
        `${dir}/state`,
      ],
      {
        env: {
          TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
          TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
          HOME: dir,
        },
      },
    );
    assert.equal(code, 3, stderr);
    assert.match(stdout + stderr, /no permission to connect to 127\.0\.0\.2:\d+/);
    assert.match(stdout + stderr, /--allow-net=127\.0\.0\.2:\d+/);
    assert.ok(!hasStackTrace(stderr), stderr);
    assert.equal(server.emulator.calls().length, 0, "nothing reached the listener");
  } finally {
    await server.close();
  }
});

Deno.test("a host the task does not grant is a configuration error: exit 3, never retried", async () => {
  const file = `${dir}/not-granted.yaml`;
  // No `retry:` limit: a network failure before sending would be retried (3 attempts).
  await Deno.writeTextFile(
    file,
    "tcflow: 1\nname: not-granted\nregion: ap-guangzhou\nsteps:\n  - id: topics\n" +
      "    action: trocket.DescribeTopicList\n    with: { InstanceId: rmq-2x9f8k1p }\n",
  );
  const env = {
    TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
    TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
    HOME: dir,
  };
  const state = ["--state-dir", `${dir}/state`];
  const { code, stdout, stderr } = await runCliProcess(
    ["run", file, "--endpoint-url", "http://example.invalid:8080", "--json", ...state],
    { env },
  );
  assert.equal(code, 3, stderr);
  assert.ok(!hasStackTrace(stderr), stderr);
  assert.match(stdout, /no permission to connect to example\.invalid:8080/);
  assert.match(stdout, /--allow-net=example\.invalid:8080/);
  assert.doesNotMatch(stdout + stderr, /after-send|AfterSend|may have been applied/i);
  const result = parseJson(stdout, "auto") as {
    status: string;
    steps: Array<{ id: string; status: string; attempts?: number; error?: { code: string } }>;
  };
  assert.equal(result.status, "failed");
  assert.equal(result.steps[0]?.error?.code, "E_CONFIG");
  assert.equal(result.steps[0]?.attempts, 1, "not retried");
  assert.doesNotMatch(stdout + stderr, new RegExp(DEMO_CREDENTIAL.secretKey));

  // A mutating call goes through the send-once transport (Deno.connect): the same answer.
  const create = `${dir}/not-granted-create.yaml`;
  await Deno.writeTextFile(
    create,
    "tcflow: 1\nname: not-granted\nregion: ap-guangzhou\nsteps:\n  - id: topic\n" +
      "    action: trocket.CreateTopic\n" +
      "    with: { InstanceId: rmq-2x9f8k1p, Topic: t1, TopicType: NORMAL, QueueNum: 3 }\n",
  );
  const mutating = await runCliProcess(
    ["run", create, "--endpoint-url", "http://example.invalid:8080", ...state],
    { env },
  );
  assert.equal(mutating.code, 3, mutating.stderr);
  assert.match(mutating.stderr, /no permission to connect to example\.invalid:8080/);
  assert.doesNotMatch(mutating.stderr, /after-send|AfterSend|may have been applied|uncertain/i);
});
