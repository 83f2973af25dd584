/**
 * The terminal notebook (PRODUCT.md section 16): line editing and history, and Ctrl-C that
 * interrupts the running cell and not the notebook — through a real pseudo-terminal (python3's
 * `pty` module drives the real `cli.ts` with the task's permissions, against the in-process
 * emulator); `reload` after editing the YAML (changed cells become stale, new ones appear).
 */
import assert from "node:assert/strict";
import { main } from "../lib/cli/main.ts";
import type { CliContext } from "../lib/cli/context.ts";
import { systemDeps } from "../lib/deps.ts";
import { ROOT, TASK_PERMISSIONS } from "./_cli.ts";

const SLOW = `tcflow: 1
name: slow
region: ap-guangzhou
steps:
  - id: topics
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-2x9f8k1p }
  - id: wait
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-2x9f8k1p }
    until: \${{ steps.wait.outputs.TotalCount > 1000 }}
    poll: { interval: 1s, timeout: 10m }
`;

/**
 * Drives a command in a pty: for each `[keys, expected]`, types the keys and reads until the
 * expected text appears (60 s at most). Prints the transcript and exit code as JSON.
 */
const DRIVER = `
import json, os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out, mark = b"", 0
def read_until(text, timeout):
    global out
    end = time.time() + timeout
    while time.time() < end:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            out += data
            if text and text.encode() in out[mark:]:
                return True
    return False
reached = 0
for keys, expected in json.loads(os.environ["STEPS"]):
    mark = len(out)
    os.write(fd, keys.encode())
    if not read_until(expected, 60):
        break
    reached += 1
mark = len(out)
read_until("", 10)
if reached < len(json.loads(os.environ["STEPS"])):
    os.kill(pid, 9)  # stuck: never leave the command behind
_, status = os.waitpid(pid, 0)
print(json.dumps({"out": out.decode("utf-8", "replace"), "code": os.waitstatus_to_exitcode(status), "reached": reached}))
`;

const ESC = String.fromCharCode(27);
const UP = `${ESC}[A`;
const LEFT = `${ESC}[D`;
const CTRL_C = String.fromCharCode(3);
/** Terminal control sequences (cursor moves, colours), dropped before matching. */
const CONTROL = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g");

Deno.test("a real terminal: history (up arrow), line editing, Ctrl-C stops the cell and not the notebook", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-pty-" });
  try {
    await Deno.writeTextFile(`${dir}/slow.yaml`, SLOW);
    const steps: Array<[string, string]> = [
      ["", "tcflow> "],
      ["cells\r", "tcflow> "],
      [UP + "\r", "tcflow> "], // `cells` again, from the history
      ["run\r", "succeeded"],
      ["shw 1" + LEFT.repeat(3) + "o\r", "Data: 3 rows"], // `show 1`, mended in place
      ["run wait\r", "next in"], // polling, for minutes unless stopped
      [CTRL_C, "tcflow> "],
      ["cells\r", "tcflow> "],
      ["quit\r", "closed"],
    ];
    const out = await new Deno.Command("python3", {
      args: [
        "-c",
        DRIVER,
        Deno.execPath(),
        "run",
        "--quiet",
        ...TASK_PERMISSIONS,
        `${ROOT}cli.ts`,
        "notebook",
        "slow.yaml",
        "--emulator",
        "--no-color",
      ],
      cwd: dir,
      env: { STEPS: JSON.stringify(steps), NO_COLOR: "1", TERM: "xterm" },
      stdout: "piped",
      stderr: "inherit",
    }).output();
    const { out: transcript, code, reached } = JSON.parse(new TextDecoder().decode(out.stdout));
    const text = (transcript as string).replace(CONTROL, "");
    assert.equal(reached, steps.length, text);
    assert.equal(code, 0, text);
    // The cell list: at start, after `cells`, after the recalled `cells`, and after Ctrl-C.
    assert.equal(text.match(/2\. . wait {2}trocket\.DescribeTopicList/g)?.length, 4, text);
    assert.doesNotMatch(text, /\^\[\[A|\[A\r/); // no raw escape codes echoed
    assert.match(text, /response \(RequestId \S+\):/); // `show 1` after the edit
    assert.match(text, /\^C interrupting the cell/);
    assert.match(text, /interrupted: the cell stopped/);
    assert.match(text, /closed; reopen with: tcflow notebook --run \S+/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reload after editing the YAML: the changed cell is stale, a new one appears, the rest stand", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-reload-" });
  const file = `${dir}/two.yaml`;
  const two = `tcflow: 1
name: two
region: ap-guangzhou
steps:
  - id: topics
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-2x9f8k1p }
  - id: names
    set:
      names: \${{ steps.topics.outputs.Data.map(t, t.Topic) }}
  - id: count
    set:
      n: \${{ size(steps.topics.outputs.Data) }}
`;
  await Deno.writeTextFile(file, two);
  const chunks = [
    "run all\n",
    // Edited between commands: `names` changes, `extra` is new, `topics` and `count` stand.
    async () => {
      await Deno.writeTextFile(
        file,
        two.replace("t.Topic) }}", "t.Topic.upperAscii()) }}") +
          "  - id: extra\n    set:\n      x: 1\n",
      );
      return "reload\nrun all\nshow names\nquit\n";
    },
  ];
  let stdout = "";
  const ctx: CliContext = {
    io: {
      stdout: (text) => void (stdout += text),
      stderr: () => {},
      stdin: new ReadableStream({
        async pull(controller) {
          const next = chunks.shift();
          if (next === undefined) return controller.close();
          const text = typeof next === "string" ? next : await next();
          controller.enqueue(new TextEncoder().encode(text));
        },
      }),
      isTerminal: false,
    },
    deps: systemDeps(),
    env: () => undefined,
    cwd: dir,
  };
  try {
    const code = await main(["notebook", "two.yaml", "--emulator"], ctx);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /reloaded two; stale: names; new: extra/);
    assert.match(stdout, /2\. ~ names .*its step changed in the file/);
    assert.match(stdout, /1\. ✓ topics/);
    // `run all` runs what is stale or new only; `names` holds the new result.
    const after = stdout.slice(stdout.lastIndexOf("» run all"));
    assert.match(after, /names .*succeeded/);
    assert.match(after, /extra .*succeeded/);
    assert.doesNotMatch(after, /topics .*succeeded · 1 request/);
    assert.match(after, /ORDER-EVENTS/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
