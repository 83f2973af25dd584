import assert from "node:assert/strict";
import { systemDeps } from "../deps.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { createHuaweiCphEmulator, HUAWEI_DEMO_CREDENTIAL } from "../emulator/huawei_cph.ts";
import type { Provider } from "../protocol/provider.ts";
import { registerProvider } from "../provider/registry.ts";
import { tencentProvider } from "../provider/tencent.ts";
import { parseWorkflow } from "../workflow/parse.ts";
import { cloudsOf, connect, runExitCode } from "./_connect.ts";
import type { ParsedArgs } from "./args.ts";
import { type CliContext, ConfigError } from "./context.ts";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

function context(env: Record<string, string>, fetch?: CliContext["deps"]["fetch"]): CliContext {
  return {
    io: { stdout: () => {}, stderr: () => {}, isTerminal: false },
    deps: { ...systemDeps(), now: () => NOW, ...(fetch ? { fetch } : {}) },
    env: (name) => env[name],
    cwd: "/",
  };
}

function flags(values: ParsedArgs["flags"] = {}): ParsedArgs {
  return { flags: values, positionals: [] };
}

const BOTH = new Set(["tencentcloud", "huaweicloud"]);
const HUAWEI_ONLY = new Set(["huaweicloud"]);
const HUAWEI_ENV = {
  HUAWEICLOUD_SDK_AK: HUAWEI_DEMO_CREDENTIAL.ak,
  HUAWEICLOUD_SDK_SK: HUAWEI_DEMO_CREDENTIAL.sk,
  HUAWEICLOUD_SDK_PROJECT_ID: HUAWEI_DEMO_CREDENTIAL.projectId,
};
const TENCENT_ENV = {
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
  TENCENTCLOUD_REGION: "ap-guangzhou",
};

/** Both emulators behind one `fetch`, as if they were the real endpoints. */
function emulators() {
  const tencent = createEmulator({ now: () => NOW });
  const cph = createHuaweiCphEmulator({ now: () => NOW });
  const hosts: string[] = [];
  const fetch = (request: Request) => {
    hosts.push(new URL(request.url).host);
    return cph.matches(new URL(request.url), request.headers)
      ? cph.handle(request)
      : tencent.handle(request);
  };
  return { tencent, hosts, fetch };
}

const listTopics = ["trocket", "DescribeInstanceList", "2023-03-08", "ap-guangzhou", {
  Offset: 0,
  Limit: 10,
}] as const;

Deno.test("cloudsOf names the providers of the steps and their undo blocks", () => {
  const { workflow } = parseWorkflow(
    "tcflow: 1\nname: x\nsteps:\n  - id: a\n    action: huaweicloud/cph.ListEncodeServers\n" +
      "  - id: b\n    action: trocket.CreateTopic\n    with: {}\n" +
      "    undo: { action: trocket.DeleteTopic, with: {} }\n",
    "x.yaml",
  );
  assert.deepEqual([...cloudsOf(workflow!)].sort(), ["huaweicloud", "tencentcloud"]);
  const { workflow: hw } = parseWorkflow(
    "tcflow: 1\nname: x\nsteps:\n  - id: a\n    action: huaweicloud/cph.ListEncodeServers\n",
    "x.yaml",
  );
  assert.deepEqual([...cloudsOf(hw!)], ["huaweicloud"]);
});

Deno.test("--emulator: demo credentials of both clouds, every demo secret redacted", async () => {
  const connection = await connect(flags({ emulator: true }), context({}), { clouds: BOTH });
  assert.equal(connection.source, "--emulator (demo credential)");
  assert.equal(connection.client.secretId, DEMO_CREDENTIAL.secretId);
  assert.ok(connection.secrets.includes(DEMO_CREDENTIAL.secretKey));
  assert.ok(connection.secrets.includes(HUAWEI_DEMO_CREDENTIAL.sk));
  const tc = await connection.client.call(...listTopics);
  assert.ok(Array.isArray(tc.response.Data));
  const hw = await connection.client.call("huaweicloud/cph", "ListEncodeServers", "v1", "", {});
  assert.ok(Array.isArray(hw.response.encode_servers));
  // A Tencent-only workflow still redacts the Huawei demo secret.
  const only = await connect(flags({ emulator: true }), context({}));
  assert.ok(only.secrets.includes(HUAWEI_DEMO_CREDENTIAL.sk));
});

Deno.test("real credentials of each cloud from the environment, calls routed by service", async () => {
  const { fetch, tencent, hosts } = emulators();
  const env = { ...TENCENT_ENV, ...HUAWEI_ENV };
  const connection = await connect(flags(), context(env, fetch), { clouds: BOTH });
  assert.equal(connection.source, "environment; Huawei Cloud: environment");
  assert.equal(connection.region, "ap-guangzhou");
  assert.deepEqual(connection.secrets, [DEMO_CREDENTIAL.secretKey, HUAWEI_DEMO_CREDENTIAL.sk]);
  await connection.client.call(...listTopics);
  await connection.client.call("huaweicloud/cph", "ListEncodeServers", "v1", "", {});
  assert.equal(tencent.calls().length, 1);
  assert.deepEqual(hosts, ["trocket.tencentcloudapi.com", "cph.cn-north-4.myhuaweicloud.com"]);
});

Deno.test("missing credentials: exit-3 errors naming the sources, only for needed clouds", async () => {
  // Huawei needed, its variables unset: the message names them.
  await assert.rejects(
    connect(flags(), context(TENCENT_ENV), { clouds: BOTH }),
    (e) =>
      e instanceof ConfigError && /HUAWEICLOUD_SDK_AK/.test(e.message) &&
      !e.message.includes(DEMO_CREDENTIAL.secretKey),
  );
  // Tencent needed, nothing set: the message names the Tencent sources.
  await assert.rejects(
    connect(flags(), context({ HOME: "/nonexistent-home" })),
    (e) => e instanceof ConfigError && /TENCENTCLOUD_SECRET_ID/.test(e.message),
  );
  // A Huawei-only workflow needs no Tencent credentials; a Tencent call then says why it fails.
  const { fetch } = emulators();
  const connection = await connect(flags(), context(HUAWEI_ENV, fetch), { clouds: HUAWEI_ONLY });
  assert.equal(connection.source, "Huawei Cloud: environment");
  assert.equal(connection.client.secretId, "");
  await connection.client.call("huaweicloud/cph", "ListEncodeServers", "v1", "", {});
  await assert.rejects(
    connection.client.call(...listTopics),
    (e) => e instanceof ConfigError && /TENCENTCLOUD_SECRET_ID/.test(e.message),
  );
});

Deno.test("--endpoint-url sends every cloud's calls there", async () => {
  const { fetch, hosts: seen } = emulators();
  const connection = await connect(
    flags({ "endpoint-url": "http://127.0.0.1:4566/" }),
    context({ ...TENCENT_ENV, ...HUAWEI_ENV }, fetch),
    { clouds: BOTH },
  );
  await connection.client.call(...listTopics);
  await connection.client.call("huaweicloud/cph", "ListEncodeServers", "v1", "", {});
  assert.deepEqual(seen, ["127.0.0.1:4566", "127.0.0.1:4566"]);
});

Deno.test("a registered provider is connected through its own loadCredentials/createCaller", async () => {
  const calls: string[] = [];
  const provider: Provider<{ token: string }> = {
    ...(tencentProvider as unknown as Provider<{ token: string }>),
    name: "democloud",
    ownsService: (service) => service.startsWith("democloud/"),
    loadCredentials: ({ env }) => {
      const token = env("DEMOCLOUD_TOKEN");
      return token === undefined
        ? Promise.reject(new ConfigError("set DEMOCLOUD_TOKEN"))
        : Promise.resolve({ credential: { token }, source: "democloud env", secrets: [token] });
    },
    createCaller: ({ credential }) => ({
      keyId: "demo",
      call: (service, action) => {
        calls.push(`${service}.${action} ${credential.token}`);
        return Promise.resolve({ response: {}, requestId: "r", httpStatus: 200 });
      },
    }),
    keyId: () => "demo",
  };
  const unregister = registerProvider(provider);
  try {
    const clouds = new Set(["democloud"]);
    await assert.rejects(connect(flags(), context({}), { clouds }), /set DEMOCLOUD_TOKEN/);
    const connection = await connect(flags(), context({ DEMOCLOUD_TOKEN: "t0k" }), { clouds });
    assert.equal(connection.source, "democloud env");
    assert.deepEqual(connection.secrets, ["t0k"]);
    await connection.client.call("democloud/box", "ListBoxes", "v1", "", {});
    assert.deepEqual(calls, ["democloud/box.ListBoxes t0k"]);
  } finally {
    unregister();
  }
});

Deno.test("runExitCode: 3 for a configuration failure, 1 for other failures", () => {
  assert.equal(runExitCode("succeeded", []), 0);
  assert.equal(runExitCode("failed", [{ status: "failed", error: { code: "E_CONFIG" } }]), 3);
  assert.equal(runExitCode("failed", [{ status: "failed", error: { code: "E_ASSERT" } }]), 1);
});
