import assert from "node:assert/strict";
import { type CliContext, UsageError } from "./context.ts";
import { emulatorOptions, runEmulator } from "./emulator.ts";
import { main } from "./main.ts";
import { systemDeps } from "../deps.ts";

function context(cwd = Deno.cwd()) {
  const out = { stdout: "", stderr: "" };
  const ctx: CliContext = {
    io: {
      stdout: (text) => void (out.stdout += text),
      stderr: (text) => void (out.stderr += text),
      isTerminal: false,
    },
    deps: systemDeps(),
    env: () => undefined,
    cwd,
  };
  return { ctx, out };
}

Deno.test("emulator flags: every flag of PRODUCT §9 is read", async () => {
  const { ctx } = context();
  const options = await emulatorOptions([
    "--port",
    "0",
    "--host",
    "0.0.0.0",
    "--rate-scale",
    "2.5",
    "--faults",
    "rate=0.1;codes=InternalError",
    "--fault-seed",
    "42",
    "--credential",
    "AKIDa:key-a",
    "--credential",
    "AKIDb:key:with:colons",
    "--admin-token",
    "t0ken",
    "--idle-timeout",
    "1m30s",
  ], ctx);
  assert.deepEqual(options, {
    port: 0,
    hostname: "0.0.0.0",
    rateScale: 2.5,
    faults: "rate=0.1;codes=InternalError",
    faultSeed: 42,
    credentials: [
      { secretId: "AKIDa", secretKey: "key-a" },
      { secretId: "AKIDb", secretKey: "key:with:colons" },
    ],
    adminToken: "t0ken",
    idleTimeoutMs: 90_000,
  });
  assert.deepEqual(await emulatorOptions([], ctx), { port: 4566, hostname: "127.0.0.1" });
});

Deno.test("emulator flags: bad values are usage errors (exit 2) with clear messages", async () => {
  const { ctx } = context();
  const cases: Array<[string[], RegExp]> = [
    [["--port", "http"], /--port must be 0 to 65535: got "http"/],
    [["--port", "70000"], /--port must be 0 to 65535/],
    [["--rate-scale", "0"], /--rate-scale must be a number above 0/],
    [["--faults", "rate=3"], /--faults: fault spec: rate must be a probability/],
    [["--fault-seed", "1.5"], /--fault-seed must be a whole number/],
    [["--credential", "no-colon"], /--credential must be SECRET_ID:SECRET_KEY/],
    [["--prot", "1"], /unknown flag --prot; did you mean --port\?/],
    [["--data", "/nonexistent/x.yaml"], /cannot read --data/],
    [["extra"], /unexpected argument "extra"/],
    [["--idle-timeout", "30"], /--idle-timeout must be a duration such as 30s.*got "30"/],
    [["--idle-timeout", "0s"], /--idle-timeout must be a duration/],
    [["--admin-token", "a b"], /--admin-token must be printable ASCII without spaces/],
  ];
  for (const [args, message] of cases) {
    await assert.rejects(() => emulatorOptions(args, ctx), (e: unknown) => {
      assert.ok(e instanceof UsageError, String(e));
      assert.match(e.message, message);
      return true;
    }, args.join(" "));
  }
  const { ctx: ctx2, out } = context();
  assert.equal(await main(["emulator", "--port", "x"], ctx2), 2);
  assert.match(out.stderr, /^tcflow: emulator: --port must be/);
  const { ctx: ctx3, out: out3 } = context();
  assert.equal(await main(["emulator", "--help"], ctx3), 0);
  assert.match(out3.stdout, /^Usage: tcflow emulator \[--port N\]/);
});

Deno.test("emulator command: prints the listening line, serves, stops on abort", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/data.yaml`,
      "trocket:\n  instances:\n    - InstanceId: rmq-fromyaml\n      InstanceName: from-yaml\n      Region: ap-guangzhou\n",
    );
    const { ctx, out } = context(dir);
    const stop = new AbortController();
    const running = runEmulator(
      ["--port", "0", "--data", "data.yaml", "--admin-token", "tok"],
      ctx,
      stop.signal,
    );
    let url: string | undefined;
    for (let i = 0; i < 200 && url === undefined; i++) {
      url = /^tcflow emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(out.stdout)?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(url, `listening line: ${JSON.stringify(out.stdout)}`);
    const admin = { "content-type": "application/json", authorization: "Bearer tok" };
    const refused = await fetch(`${url}/_emulator/state`, {
      headers: { "content-type": "application/json" },
    });
    assert.equal(refused.status, 401, "--admin-token is required");
    await refused.body?.cancel();
    const state = (await (await fetch(`${url}/_emulator/state`, { headers: admin })).json()) as {
      trocket: { instances: Array<{ InstanceName: string }> };
    };
    assert.deepEqual(state.trocket.instances.map((i) => i.InstanceName), ["from-yaml"]);
    stop.abort();
    assert.equal(await running, 0);
    await assert.rejects(() => fetch(`${url}/_emulator/state`, { headers: admin }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
