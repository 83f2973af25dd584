/**
 * A backgrounded `npx --yes deno task -q tcflow …` ends whole when npm's pid is killed (issue 16
 * item 10): npm, its `sh`, the `deno` package's Node shim, `deno task`, the task's launcher
 * (`tools/launch.cjs`) and tcflow all end, and tcflow stops the way its own SIGTERM stops it.
 * Real processes: the README's command started in a process group of its own (so that whatever
 * is left can be found and cleaned up), only npm's pid killed, then the group watched until it is
 * empty (a generous deadline, not a timing claim).
 */
import assert from "node:assert/strict";
import { ROOT } from "./_cli.ts";
import { freshDatabase, stopTestServer, testServer } from "./_postgres.ts";

const LINUX = Deno.build.os === "linux"; // the group is read from /proc
/** Far above the few hundred milliseconds the chain takes to end, also on a loaded machine. */
const DEADLINE_MS = 60_000;

interface Member {
  pid: number;
  args: string;
}

/** The live (not zombie) processes of process group `pgid`. */
function groupMembers(pgid: number): Member[] {
  const members: Member[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid || fields[0] === "Z" || fields[0] === "X") continue;
      const args = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ")
        .replace(/postgres:\/\/\S+/g, "postgres://…"); // no password in a failure message
      members.push({ pid: Number(entry.name), args: args.trim() });
    } catch {
      // ended while we looked
    }
  }
  return members;
}

/** A command started in a new session and process group (its pid is the group's id). */
interface Started {
  child: Deno.ChildProcess;
  /** The first line of the watched stream matching the pattern. */
  line: string;
  /** Everything printed to stderr and to stdout, once every process of the chain closed them. */
  stderr: Promise<string>;
  stdout: Promise<string>;
}

/** Starts `npx args…` in a group of its own; resolves when `ready` matches a line of `stream`. */
async function startInGroup(
  args: string[],
  ready: RegExp,
  stream: "stdout" | "stderr" = "stdout",
): Promise<Started> {
  const child = new Deno.Command("npx", {
    args,
    cwd: ROOT,
    detached: true, // setsid: its own session and process group
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const other = new Response(stream === "stdout" ? child.stderr : child.stdout).text();
  const reader = child[stream].pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  for (;;) {
    const match = seen.split("\n").find((l) => ready.test(l));
    if (match !== undefined) {
      const rest = (async () => {
        let text = seen;
        for (let r = await reader.read(); !r.done; r = await reader.read()) text += r.value;
        return text;
      })();
      return stream === "stdout"
        ? { child, line: match, stdout: rest, stderr: other }
        : { child, line: match, stdout: other, stderr: rest };
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`ended before ${ready}: ${seen}\n${await other}`);
    seen += value;
  }
}

/** Waits until group `pgid` is empty; on the deadline kills what is left and fails, naming it. */
async function waitGroupEmpty(pgid: number, what: string): Promise<void> {
  const until = Date.now() + DEADLINE_MS;
  let left = groupMembers(pgid);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    left = groupMembers(pgid);
  }
  for (const m of left) {
    try {
      Deno.kill(m.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  assert.deepEqual(
    left.map((m) => `${m.pid} ${m.args.slice(0, 100)}`),
    [],
    `${what}: processes left ${DEADLINE_MS / 1000} s after npm's pid was killed: ${
      left.map((m) => `${m.pid} ${m.args.slice(0, 100)}`).join("; ")
    }`,
  );
}

async function refused(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return false;
  } catch (error) {
    return error instanceof Deno.errors.ConnectionRefused;
  }
}

for (const signal of ["SIGTERM", "SIGHUP"] as const) {
  Deno.test({
    name: `kill -${
      signal.slice(3)
    } of npm's pid ends a backgrounded npx … tcflow emulator: no process left, port closed`,
    ignore: !LINUX,
    async fn() {
      const started = await startInGroup(
        ["--yes", "deno", "task", "-q", "tcflow", "emulator", "--port", "0"],
        /tcflow emulator listening on http:\/\/127\.0\.0\.1:\d+/,
      );
      const pgid = started.child.pid;
      const port = Number(/:(\d+)$/.exec(started.line)![1]);
      const chain = groupMembers(pgid);
      try {
        // npm, sh, the deno shim, deno task, the launcher, tcflow
        assert.ok(chain.length >= 5, chain.map((m) => m.args).join("\n"));
        assert.ok(chain.some((m) => / cli\.ts emulator --port 0$/.test(m.args)), "tcflow runs");
        Deno.kill(pgid, signal); // npm's pid only
        await started.child.status;
      } finally {
        await waitGroupEmpty(pgid, "emulator");
      }
      assert.ok(await refused(port), `port ${port} still accepts connections`);
      await started.stdout;
      await started.stderr;
    },
  });
}

Deno.test({
  name: "kill of npm's pid stops a backgrounded npx … notebook --web the way SIGTERM stops it",
  ignore: !LINUX,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tcflow-npx-kill-" });
    try {
      const started = await startInGroup(
        [
          "--yes",
          "deno",
          "task",
          "-q",
          "tcflow",
          "notebook",
          `${ROOT}workflows/rocketmq-smooth-migration.yaml`,
          "--emulator",
          "--web",
          "--port",
          "0",
          "--state-dir",
          dir,
        ],
        /tcflow notebook at http:\/\/127\.0\.0\.1:\d+\//,
      );
      const pgid = started.child.pid;
      const port = Number(/127\.0\.0\.1:(\d+)\//.exec(started.line)![1]);
      try {
        Deno.kill(pgid, "SIGTERM");
        await started.child.status;
      } finally {
        await waitGroupEmpty(pgid, "notebook --web");
      }
      assert.ok(await refused(port), `port ${port} still accepts connections`);
      // The notebook's own SIGTERM path: the server stopped, the run left to reopen.
      assert.match(await started.stderr, /stopped; reopen with: /);
      await started.stdout;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "kill of npm's pid stops a backgrounded npx … worker the way SIGTERM stops it",
  ignore: !LINUX,
  async fn() {
    const server = await testServer(); // started here: only this test needs PostgreSQL
    if (typeof server === "string") {
      console.log(`npx_kill_test: ${server}`);
      return;
    }
    const db = await freshDatabase(server);
    try {
      const started = await startInGroup(
        ["--yes", "deno", "task", "-q", "tcflow", "worker", "--store", db.url, "--name", "w1"],
        /worker w1: ready /,
        "stderr",
      );
      const pgid = started.child.pid;
      try {
        Deno.kill(pgid, "SIGTERM");
        await started.child.status;
      } finally {
        await waitGroupEmpty(pgid, "worker");
      }
      // The worker's own SIGTERM path (one signal: not "stopping now").
      const stderr = await started.stderr;
      assert.match(stderr, /worker w1: stopping: no new runs claimed/);
      assert.doesNotMatch(stderr, /stopping now/);
      await started.stdout;
    } finally {
      await db.drop();
      await stopTestServer();
    }
  },
});
