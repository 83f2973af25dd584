/**
 * Paths are relative to where the user typed the command (PRODUCT.md section 16): `deno task
 * tcflow validate x.yaml` started in another directory finds `x.yaml` there (a task runs in the
 * project's directory and says where it started in `INIT_CWD`), quietly with `-q`; and
 * `deno install -g` gives a `tcflow` command usable from any directory (the README's way,
 * into a temporary `DENO_INSTALL_ROOT`). Real `deno` processes.
 */
import assert from "node:assert/strict";
import { ROOT } from "./_cli.ts";

const WORKFLOW = `tcflow: 1
name: mine
region: ap-guangzhou
steps:
  - id: topics
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-1 }
`;

/** The environment of a user's shell: no `INIT_CWD` of the test runner's own task. */
function userEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: `${Deno.execPath().replace(/[\\/][^\\/]*$/, "")}:${Deno.env.get("PATH") ?? ""}`,
    NO_COLOR: "1",
    ...extra,
  };
  for (const name of ["HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

async function run(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("deno task tcflow started in another directory resolves paths there, quietly with -q", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-cwd-" });
  try {
    await Deno.writeTextFile(`${dir}/mine.yaml`, WORKFLOW);
    const task = await run(
      Deno.execPath(),
      ["task", "--config", `${ROOT}deno.json`, "-q", "tcflow", "validate", "mine.yaml"],
      dir,
      userEnv(),
    );
    assert.equal(task.code, 0, task.stderr);
    assert.match(task.stdout + task.stderr, /mine\.yaml is valid/);
    assert.doesNotMatch(task.stderr, /Task tcflow/, "-q prints no Task line");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno install -g (as the README shows) gives a tcflow command usable from any directory", async () => {
  const root = await Deno.makeTempDir({ prefix: "tcflow-install-" });
  const dir = await Deno.makeTempDir({ prefix: "tcflow-anywhere-" });
  try {
    await Deno.writeTextFile(`${dir}/mine.yaml`, WORKFLOW);
    const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
    const words = String(config.tasks.tcflow).split(/\s+/);
    const flags = words.slice(words.indexOf("run") + 1, -1); // node tools/launch.cjs run … cli.ts
    const install = await run(
      Deno.execPath(),
      [
        "install",
        "-g",
        "-q",
        "-f",
        "-n",
        "tcflow",
        "--config",
        `${ROOT}deno.json`,
        ...flags,
        `${ROOT}cli.ts`,
      ],
      dir,
      userEnv({ DENO_INSTALL_ROOT: root }),
    );
    assert.equal(install.code, 0, install.stderr);
    if (Deno.build.os === "windows") return; // the shim is tcflow.cmd there
    const shim = `${root}/bin/tcflow`;
    const valid = await run(shim, ["validate", "mine.yaml"], dir, userEnv());
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout + valid.stderr, /mine\.yaml is valid/);
    const help = await run(shim, ["--help"], dir, userEnv());
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage: tcflow <command>/);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  }
});
