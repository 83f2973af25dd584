/**
 * The `tcflow` task's launcher (issue 16 item 10): `node tools/launch.cjs run <flags> cli.ts …`
 * runs the project's Deno binary with those arguments as its only child, so that no process of a
 * backgrounded `npx --yes deno task -q tcflow …` is left behind when the process above it dies.
 *
 * The chain under npx is npm, npm's `sh -c`, the `deno` package's Node shim (it waits with
 * `spawnSync` and passes no signal on), `deno task`, then this launcher and tcflow. A `kill` of
 * npm's pid ends npm and its `sh` only. So the launcher:
 *
 * - starts the Deno binary itself (the `deno` package's, as the shim would; not the shim again,
 *   which `deno run` in a task resolves to through `node_modules/.bin` and which forwards nothing);
 * - watches the launchers above it: the `deno task` that started it, then the `deno` shims, then
 *   npm (with npm's `sh -c`). It never watches anything above npm or above the first process that
 *   is not one of these (a user's shell or script: `nohup`, `setsid`, a script that backgrounds
 *   tcflow and exits all keep working as with the global install). When one of them ends, tcflow
 *   gets one SIGTERM (unless a signal reached the launcher first: then tcflow got one already);
 * - passes SIGINT, SIGTERM, SIGHUP and SIGQUIT on, once: not a Ctrl-C or Ctrl-\ that the terminal
 *   gave tcflow itself (tcflow is in the terminal's foreground group), and not a signal sent to the
 *   whole process group (`kill %1`, `kill -- -PGID`), which tcflow received too: `deno task`
 *   forwards every signal it gets, so the launcher then receives two copies within moments, and
 *   passes on a signal only when it received it once in SAME_EVENT_MS (e.g. a `kill` of
 *   `deno task`'s pid). A second signal sent on purpose more than SAME_EVENT_MS later is passed on
 *   (the worker's "again to stop now"). Not exact: when the kernel merges the two copies of a
 *   group signal into one (a loaded machine), it is passed on and tcflow gets it twice;
 * - exits as tcflow did: its exit code, or killed by the same signal.
 *
 * Node runs this (or Deno itself, which `deno task` uses for `node` when Node is not installed).
 * Linux reads `/proc`; other systems ask `ps`; Windows has neither, and only passes signals on.
 */
"use strict";

const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
/** The signals a terminal sends to its foreground process group (Ctrl-C, Ctrl-\). */
const TERMINAL_SIGNALS = new Set(["SIGINT", "SIGQUIT"]);
/** How often the launchers above are checked (with `ps`, a process each time: less often). */
const POLL_MS = process.platform === "linux" ? 200 : 1000;
/** Copies of one signal received within this time are one event. */
const SAME_EVENT_MS = 400;

/** The Deno binary: the `deno` npm package's (pinned in package.json), as its shim finds it. */
function denoBinary() {
  const exe = process.platform === "win32" ? "deno.exe" : "deno";
  try {
    const pkg = require.resolve("deno/package.json", { paths: [__dirname, process.cwd()] });
    const dir = path.dirname(pkg);
    const linked = path.join(dir, exe);
    if (fs.existsSync(linked)) return linked;
    return require(path.join(dir, "install_api.cjs")).runInstall();
  } catch {
    // not installed: the Deno running this script, or the one on PATH
  }
  return process.versions.deno ? process.execPath : exe;
}

/**
 * What the system says of a process: its parent, process group, the foreground group of its
 * terminal (-1 without one), an identity that changes when the pid is reused, its command line;
 * `undefined` once it has ended (a zombie has ended).
 * @param {number} pid
 * @returns {{ ppid: number, pgrp: number, tpgid: number, start: string, argv: string[] } | undefined}
 */
function processInfo(pid) {
  if (process.platform === "linux") {
    let stat;
    let cmdline;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      return undefined;
    }
    // pid (comm) state ppid pgrp session tty_nr tpgid … starttime (field 22)
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return undefined;
    return {
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      tpgid: Number(fields[5]),
      start: String(fields[19]),
      argv: words(cmdline.split("\0").filter((w) => w !== "")),
    };
  }
  const ps = spawnSync(
    "ps",
    ["-o", "stat=,ppid=,pgid=,tpgid=,lstart=,command=", "-p", String(pid)],
    {
      encoding: "utf8",
    },
  );
  const m = /^\s*(\S+)\s+(\d+)\s+(\d+)\s+(-?\d+)\s+(\S+\s+\S+\s+\d+\s+[\d:]+\s+\d+)\s+(.*)$/.exec(
    ps.stdout ?? "",
  );
  if (ps.status !== 0 || m === null || m[1].startsWith("Z")) return undefined;
  return {
    ppid: Number(m[2]),
    pgrp: Number(m[3]),
    tpgid: Number(m[4]),
    start: m[5],
    argv: m[6].trim().split(/\s+/),
  };
}

/**
 * A command line as words: a process that set its title (npm: "npm exec deno task …") shows it
 * as one string.
 * @param {string[]} argv
 */
function words(argv) {
  return argv.length === 1 ? argv[0].split(" ").filter((w) => w !== "") : argv;
}

/**
 * Which launcher a process is, if it is one.
 * @param {{ argv: string[] }} info
 * @returns {"deno task" | "deno shim" | "npm" | "sh -c" | undefined}
 */
function launcherKind(info) {
  const [first = "", second = "", third = ""] = info.argv;
  const name = path.basename(first).replace(/\.exe$/i, "").toLowerCase();
  if (name === "npm" || name === "npx") return "npm";
  if (name === "deno" && second === "task") return "deno task";
  if (name === "node" || name === "nodejs" || name === "deno") {
    if (/[\\/]np[mx]-cli\.js$/.test(second)) return "npm";
    if (/node_modules[\\/](\.bin[\\/]deno|deno[\\/]bin\.cjs)$/.test(second) && third === "task") {
      return "deno shim";
    }
  }
  if (/^(sh|bash|dash)$/.test(name) && second === "-c") return "sh -c";
  return undefined;
}

/**
 * The launchers above this process, nearest first: `deno task`, the `deno` shims, npm's `sh -c`
 * and npm; nothing above npm or above the first other process.
 * @returns {{ pid: number, start: string }[]}
 */
function launchersAbove() {
  /** @type {{ pid: number, start: string }[]} */
  const found = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    const info = processInfo(pid);
    if (info === undefined) break;
    const kind = launcherKind(info);
    if (kind === "sh -c") {
      // Only npm's own: a user's `sh -c '… &'` is the user's.
      const parent = processInfo(info.ppid);
      if (parent === undefined || launcherKind(parent) !== "npm") break;
      found.push({ pid, start: info.start }, { pid: info.ppid, start: parent.start });
      break;
    }
    if (kind === undefined) break;
    found.push({ pid, start: info.start });
    if (kind === "npm") break;
    pid = info.ppid;
  }
  return found;
}

/**
 * Whether one of these processes has ended (or its pid now names another process).
 * @param {{ pid: number, start: string }[]} watched
 */
function anyEnded(watched) {
  if (process.platform === "linux") {
    return watched.some((p) => processInfo(p.pid)?.start !== p.start);
  }
  const ps = spawnSync("ps", [
    "-o",
    "pid=,stat=,lstart=",
    "-p",
    watched.map((p) => p.pid).join(","),
  ], {
    encoding: "utf8",
  });
  /** @type {Map<number, string>} */
  const alive = new Map();
  for (const line of (ps.stdout ?? "").split("\n")) {
    const m = /^\s*(\d+)\s+(\S+)\s+(.*\S)\s*$/.exec(line);
    if (m !== null && !m[2].startsWith("Z")) alive.set(Number(m[1]), m[3]);
  }
  return watched.some((p) => alive.get(p.pid) !== p.start);
}

function main() {
  const binary = denoBinary();
  const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
  let exited = false;
  let signalled = false;
  const parentIsTask = (() => {
    const info = process.platform === "win32" ? undefined : processInfo(process.ppid);
    return info !== undefined && launcherKind(info) === "deno task";
  })();

  /** Whether tcflow is in its terminal's foreground group: now, or when last looked (a Ctrl-C
   * that ends the Node shim gives the terminal back to the shell before the signal is seen). */
  let foreground = false;
  const inForeground = () => {
    const info = child.pid === undefined ? undefined : processInfo(child.pid);
    if (info !== undefined) foreground = info.tpgid > 0 && info.tpgid === info.pgrp;
    return foreground;
  };

  /** The last signal event of each kind: copies of it until `until` are the same event. */
  /** @type {Map<string, { until: number, copies: number }>} */
  const events = new Map();
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    const looked = foreground;
    signalled = true;
    if (exited) return;
    const now = Date.now();
    const last = events.get(signal);
    if (last !== undefined && now < last.until) {
      last.copies++;
      return;
    }
    const event = { until: now + SAME_EVENT_MS, copies: 1 };
    events.set(signal, event);
    if (
      TERMINAL_SIGNALS.has(signal) && process.platform !== "win32" && (looked || inForeground())
    ) {
      return; // the terminal gave tcflow its own
    }
    if (!parentIsTask) {
      child.kill(signal);
      return;
    }
    setTimeout(() => {
      if (event.copies === 1 && !exited) child.kill(signal);
    }, SAME_EVENT_MS);
  };
  for (const signal of STOP_SIGNALS) {
    try {
      process.on(signal, () => onSignal(signal));
    } catch {
      // not on this platform
    }
  }

  const watched = process.platform === "win32" ? [] : launchersAbove();
  let fired = false;
  const watch = process.platform === "win32" ? undefined : setInterval(() => {
    if (process.platform === "linux") inForeground();
    if (fired || watched.length === 0 || !anyEnded(watched)) return;
    fired = true;
    if (!signalled && !exited) child.kill("SIGTERM");
  }, POLL_MS);

  child.on("error", (error) => {
    process.stderr.write(`tcflow: cannot start Deno (${binary}): ${error.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    exited = true;
    if (watch !== undefined) clearInterval(watch);
    if (signal === null) process.exit(code ?? 1);
    // Killed by a signal: end the same way (deno task then reports 128 + its number), without a
    // core dump for SIGQUIT and the like.
    const number = os.constants.signals[signal] ?? 0;
    if (["SIGINT", "SIGTERM", "SIGHUP"].includes(signal)) {
      for (const s of STOP_SIGNALS) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    }
    setTimeout(() => process.exit(128 + number), 100);
  });
}

main();
