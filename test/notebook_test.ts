/**
 * End-to-end tests of `tcflow notebook`: scripted through stdin against the emulator (run,
 * show with tables, set marks stale, quit, reopen with --run without sending again), and on a
 * real pseudo-terminal through tmux.
 */
import assert from "node:assert/strict";
import type { CliContext } from "../lib/cli/context.ts";
import { main, usage } from "../lib/cli/main.ts";
import { ipynbCommand } from "../lib/cli/ipynb.ts";
import { notebookCommand } from "../lib/cli/notebook.ts";
import { systemDeps } from "../lib/deps.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { ROOT } from "./_cli.ts";

const WORKFLOW = "workflows/rocketmq-smooth-migration.yaml";
/** Whether the dispatcher knows `notebook` yet (else the command is called directly). */
const WIRED = /\bnotebook\b/.test(usage());
/** ANSI colour sequences. */
const ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

async function notebook(
  args: string[],
  stdin: string,
  options: {
    fetch?: (r: Request) => Promise<Response>;
    env?: Record<string, string>;
    /** Runs this instead of `notebook args…`. */
    command?: (ctx: CliContext) => Promise<number>;
  } = {},
) {
  let stdout = "";
  let stderr = "";
  const ctx: CliContext = {
    io: {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      stdin: ReadableStream.from([new TextEncoder().encode(stdin)]),
      isTerminal: false,
    },
    deps: { ...systemDeps(), ...(options.fetch ? { fetch: options.fetch } : {}) },
    env: (name) => options.env?.[name],
    cwd: ROOT,
  };
  const code = options.command
    ? await options.command(ctx)
    : WIRED
    ? await main(["notebook", ...args], ctx)
    : await notebookCommand(args, ctx);
  return { code, stdout, stderr };
}

Deno.test("ipynb: writes the notebook of a workflow; an invalid workflow exits 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/migration.ipynb`;
    const args = [WORKFLOW, "--out", out, "--emulator", "--input", "queueNum=4"];
    const wired = /\bipynb\b/.test(usage());
    const result = await notebook([], "", {
      command: (ctx) => wired ? main(["ipynb", ...args], ctx) : ipynbCommand(args, ctx),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /wrote .*migration\.ipynb: 22 cells \(9 steps\)/);
    const doc = JSON.parse(await Deno.readTextFile(out));
    assert.equal(doc.nbformat, 4);
    assert.equal(doc.cells.length, 22);
    const setup = doc.cells[1].source.join("");
    assert.match(setup, /openNotebook\(".*rocketmq-smooth-migration\.yaml", \{"emulator":true,/);
    assert.match(setup, /"inputs":\{"queueNum":4\}/);
    const invalid = await notebook([], "", {
      command: (ctx) => ipynbCommand(["test/invalid/ref_unknown_step.yaml", "--out", out], ctx),
    });
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /E_REF/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function runIdOf(stdout: string): string {
  const id = /reopen with: tcflow notebook --run (\S+)/.exec(stdout)?.[1];
  assert.ok(id, "the notebook says how to reopen it");
  return id;
}

Deno.test("notebook: scripted run, show (tables), set marks stale, quit", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const script = [
      "run",
      "show source_groups",
      "eval size(steps.source_groups.outputs.Groups) * 2",
      "set taskId=task-other",
      "cells",
      "inputs",
      "quit",
    ];
    const { code, stdout, stderr } = await notebook(
      [WORKFLOW, "--emulator", "--state-dir", dir],
      script.join("\n") + "\n",
    );
    assert.equal(code, 0, stderr);
    // The cells with their doc prose, before anything ran.
    assert.match(
      stdout,
      /^1\. · source_groups {2}trocket\.DescribeSourceClusterGroupList {2}pending$/m,
    );
    assert.match(stdout, /^ {5}List every consumer group the migration task found/m);
    assert.match(stdout, /^» run\n 1\. ✓ source_groups .* succeeded · 1 request/m);
    // show: the request, then the response with its list as a table.
    assert.match(stdout, /request:\n {2}\{\n {4}"TaskId": "task-demo0001"\n {2}\}/);
    assert.match(stdout, /Groups: 3 rows\n {4}# {2}GroupName {2}/);
    assert.match(stdout, /^ {4}0 {2}billing /m);
    assert.match(stdout, /^» eval size\(steps\.source_groups\.outputs\.Groups\) \* 2\n6$/m);
    assert.match(stdout, /taskId = "task-other"; stale: source_groups/);
    assert.match(stdout, /^1\. ~ source_groups .* stale · input taskId changed/m);
    assert.match(stdout, /^» inputs\ntaskId = "task-other" {2}\(string\)$/m);
    assert.match(stdout, /^queueNum = 8 {2}\(integer\)$/m);
    assert.ok(!stdout.includes("\x1b["), "no colours when not a terminal");
    const runId = runIdOf(stdout);
    const events = await Deno.readTextFile(`${dir}/runs/${runId}/events.jsonl`);
    assert.match(events, /"step-succeeded"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("notebook: reopening with --run restores the results without sending again", async () => {
  const dir = await Deno.makeTempDir();
  const emulator = createEmulator();
  const options = {
    fetch: (r: Request) => emulator.handle(r),
    env: {
      TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
      TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
    },
  };
  try {
    const first = await notebook(
      [WORKFLOW, "--state-dir", dir],
      "run\nrun 2\nshow 1\nshow import_topics\nquit\n",
      options,
    );
    assert.equal(first.code, 0, first.stderr);
    assert.equal(emulator.calls().length, 2);
    const runId = runIdOf(first.stdout);
    const shown = (text: string) => text.slice(text.indexOf("» show 1"), text.indexOf("» quit"));

    const second = await notebook(
      ["--run", runId, "--state-dir", dir],
      "show 1\nshow import_topics\nquit\n",
      options,
    );
    assert.equal(second.code, 0, second.stderr);
    assert.equal(emulator.calls().length, 2, "nothing is sent when reopening");
    assert.equal(shown(second.stdout), shown(first.stdout));
    assert.match(second.stdout, /^2\. ✓ import_topics/m);
    assert.match(second.stdout, /^3\. · import_groups/m);

    // The next cell continues the run; the finished ones are not sent again.
    const third = await notebook(["--run", runId, "--state-dir", dir], "run\nquit\n", options);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /» run\n 3\. ✓ import_groups/);
    assert.deepEqual(emulator.calls().map((c) => c.action), [
      "DescribeSourceClusterGroupList",
      "ImportSourceClusterTopics",
      "ImportSourceClusterConsumerGroups",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("notebook: a scripted session that met an error exits 1; bad usage exits 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = await notebook([WORKFLOW, "--emulator", "--state-dir", dir], "bogus\nrun nope\n");
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /error: unknown command "bogus"/);
    assert.match(bad.stdout, /error: no cell "nope"/);
    const invalid = await notebook(["test/invalid/ref_unknown_step.yaml", "--emulator"], "");
    assert.equal(invalid.code, 2);
    if (WIRED) {
      const none = await notebook([], "");
      assert.equal(none.code, 2);
      assert.match(none.stderr, /missing the workflow file/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("notebook: with rollback: on_failure a failed cell offers rollback; it undoes cell by cell in view", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/undo.yaml`;
    await Deno.writeTextFile(
      file,
      `tcflow: 1
name: nb-undo
region: ap-guangzhou
rollback: on_failure
steps:
  - id: first
    action: trocket.CreateTopic
    with: { InstanceId: rmq-2x9f8k1p, Topic: nb-first, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: rmq-2x9f8k1p, Topic: nb-first }
  - id: second
    action: trocket.CreateTopic
    with: { InstanceId: rmq-2x9f8k1p, Topic: nb-second, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: rmq-2x9f8k1p, Topic: nb-second }
  - id: again
    action: trocket.CreateTopic
    with: { InstanceId: rmq-2x9f8k1p, Topic: nb-first, TopicType: NORMAL, QueueNum: 3 }
`,
    );
    const emulator = createEmulator();
    const { code, stdout, stderr } = await notebook(
      [file, "--state-dir", dir],
      "run all\ncells\nrollback second\nrollback\nrollback\nquit\n",
      {
        fetch: (r: Request) => emulator.handle(r),
        env: {
          TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
          TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
        },
      },
    );
    assert.equal(code, 1, "a scripted notebook that met a failure exits 1");
    // The failure stops and offers the rollback; nothing was undone by itself.
    assert.match(stdout, /^ 3\. ✗ again .* failed/m);
    assert.match(stdout, /nothing was undone\. "rollback" undoes second, first/);
    assert.match(stdout, /^» cells\n[^»]*^1\. ✓ first .* succeeded/m);
    // Then cell by cell, each undo shown.
    assert.match(stdout, /^» rollback second\n↩ undone second\n 2\. ↩ second .* rolled_back/m);
    assert.match(stdout, /^» rollback\n↩ undone first\n 1\. ↩ first .* rolled_back/m);
    assert.match(stdout, /^» rollback\nerror: nothing to undo/m);
    assert.match(stderr, /undo second: trocket\.DeleteTopic/);
    assert.deepEqual(
      emulator.calls().map((c) => c.action),
      ["CreateTopic", "CreateTopic", "CreateTopic", "DeleteTopic", "DeleteTopic"],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "notebook: on a pseudo-terminal (tmux): prompt, colours, run, quit",
  ignore: !hasTmux(),
  async fn() {
    const dir = await Deno.makeTempDir();
    // A private tmux server, its socket in the temporary directory.
    const socket = `${dir}/tmux.sock`;
    const tmux = (...args: string[]) =>
      new Deno.Command("tmux", { args: ["-S", socket, ...args], stdout: "piped", stderr: "piped" })
        .output();
    const screen = async () =>
      new TextDecoder().decode((await tmux("capture-pane", "-p", "-e", "-t", "nb")).stdout);
    // Waits until the screen, without its escape sequences, matches; returns it with them.
    const waitFor = async (pattern: RegExp) => {
      for (let i = 0; i < 600; i++) {
        const text = await screen();
        if (pattern.test(text.replace(ESCAPES, ""))) return text;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${pattern}:\n${await screen()}`);
    };
    try {
      let entry: string[];
      if (WIRED) {
        entry = [`${ROOT}cli.ts`, "notebook"];
      } else {
        await Deno.writeTextFile(
          `${dir}/entry.ts`,
          `import { processContext } from "${ROOT}cli.ts";\n` +
            `import { notebookCommand } from "${ROOT}lib/cli/notebook.ts";\n` +
            `Deno.exit(await notebookCommand(Deno.args, processContext()));\n`,
        );
        entry = [`${dir}/entry.ts`];
      }
      const command = [
        Deno.execPath(),
        "run",
        "-A",
        "--config",
        `${ROOT}deno.json`,
        ...entry,
        `${ROOT}${WORKFLOW}`,
        "--emulator",
        "--state-dir",
        `${dir}/state`,
      ].map((a) => `'${a}'`).join(" ");
      const started = await tmux(
        "new-session",
        "-d",
        "-s",
        "nb",
        "-x",
        "140",
        "-y",
        "50",
        "-e",
        "TERM=xterm-256color",
        `cd '${ROOT}' && env -u NO_COLOR ${command}; echo "EXITED $?"; sleep 30`,
      );
      assert.equal(started.code, 0, new TextDecoder().decode(started.stderr));
      await waitFor(/^tcflow>/m);
      await tmux("send-keys", "-t", "nb", "run", "Enter");
      const ran = await waitFor(/✓.*source_groups.*succeeded/);
      assert.ok(ran.includes("\x1b[32m✓"), "colours on a terminal");
      await tmux("send-keys", "-t", "nb", "quit", "Enter");
      const closed = await waitFor(/EXITED \d+/);
      assert.match(closed, /EXITED 0/);
      assert.match(closed, /reopen with: tcflow notebook --run/);
    } finally {
      await tmux("kill-server");
      await Deno.remove(dir, { recursive: true });
    }
  },
});

function hasTmux(): boolean {
  try {
    const ok = new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" })
      .outputSync().success;
    if (!ok) console.warn("notebook pty test skipped: tmux -V failed");
    return ok;
  } catch {
    console.warn("notebook pty test skipped: tmux is not installed");
    return false;
  }
}
