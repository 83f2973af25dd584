/// <reference lib="dom" />
/**
 * The web notebook end to end: the real `cli.ts notebook <workflow> --web --emulator` as a
 * subprocess (with the tcflow task's permissions), driven in headless Chromium by
 * `playwright-core`: the page loads, `Run all` runs against the emulator with live progress
 * (server-sent events, no reload), a table is shown, `Set` makes cells stale, `Skip` and
 * `Roll back` work, the report opens; requests without the token (or with another Host) are
 * answered 403; SIGTERM stops the server cleanly; the journal agrees (`tcflow runs`, and the
 * terminal notebook reopening the run), and `--run <id> --web` reopens it on the page.
 *
 * `deno task screenshots` runs this test with `TCFLOW_SCREENSHOTS=1`, which writes the
 * screenshots `docs/web-notebook-*.png`.
 */
import assert from "node:assert/strict";
import { type Browser, chromium as playwright, type Page } from "playwright-core";
import { findChromium } from "./_chromium.ts";
import { hasStackTrace, ROOT, runCliProcess, TASK_PERMISSIONS } from "./_cli.ts";

const chromium = await findChromium("web_notebook_test");
const WORKFLOW = "workflows/rocketmq-smooth-migration.yaml";
const SHOTS = Deno.env.get("TCFLOW_SCREENSHOTS") === "1";
const STATUSES = "pending|running|succeeded|failed|skipped|uncertain|stale|rolled_back";

/** A `tcflow notebook … --web` process and the URL it printed. */
interface Served {
  child: Deno.ChildProcess;
  url: string;
  port: number;
  token: string;
  /** Everything it wrote on stderr, once it exited. */
  stderr: Promise<string>;
}

async function serve(args: string[]): Promise<Served> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...TASK_PERMISSIONS, `${ROOT}cli.ts`, "notebook", ...args, "--web"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`notebook --web exited before printing its URL:\n${await stderr}`);
    out += value;
  }
  void (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  const line = out.split("\n")[0]!;
  const match = /^tcflow notebook at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64}))$/
    .exec(line);
  assert.ok(match, `one line with the URL, got ${JSON.stringify(line)}`);
  return { child, url: match[1]!, port: Number(match[2]), token: match[3]!, stderr };
}

async function stop(served: Served): Promise<{ code: number; stderr: string }> {
  served.child.kill("SIGTERM");
  const { code } = await served.child.status;
  return { code, stderr: await served.stderr };
}

/** A raw HTTP/1.1 request (to send a Host header of our choosing), the status code back. */
async function rawStatus(port: number, head: string): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(head));
    const buffer = new Uint8Array(512);
    const n = await conn.read(buffer);
    const text = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  } finally {
    conn.close();
  }
}

/** The cells' statuses as the page shows them (`data-status` of each `data-step`). */
function pageStatuses(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll("section[data-step]")].map((
        s,
      ) => [s.getAttribute("data-step"), s.getAttribute("data-status")]),
    )
  );
}

/** Waits until every listed cell shows its status on the page. */
async function waitFor(page: Page, want: Record<string, string>): Promise<void> {
  await page.waitForFunction(
    (want) =>
      Object.entries(want).every(([id, status]) =>
        document.querySelector(`section[data-step="${id}"]`)?.getAttribute("data-status") === status
      ),
    want,
    { timeout: 120_000 },
  );
}

/** With `TCFLOW_SCREENSHOTS=1`: the whole page (or the viewport where it is), into docs/. */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  if (!SHOTS) return;
  if (fullPage) await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: `${ROOT}docs/web-notebook-${name}.png`, fullPage });
}

Deno.test({
  name: "web notebook: run all, table, set, skip, roll back, report in Chromium; 403; journal",
  ignore: chromium.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const stateDir = await Deno.makeTempDir({ prefix: "tcflow-web-" });
    let browser: Browser | undefined;
    let served: Served | undefined;
    try {
      served = await serve([WORKFLOW, "--emulator", "--state-dir", stateDir]);
      const { url, port, token } = served;
      const base = `http://127.0.0.1:${port}`;

      // Without the right token: 403 for the page, the API, the events and the commands.
      for (
        const path of ["/", "/api/state", "/api/events", "/report", "/?token=" + "0".repeat(64)]
      ) {
        const response = await fetch(base + path);
        await response.body?.cancel();
        assert.equal(response.status, 403, path);
      }
      const post = await fetch(`${base}/api/run-all`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "token wrong" },
        body: "{}",
      });
      await post.body?.cancel();
      assert.equal(post.status, 403);
      // Another Host (DNS rebinding), even with the token: 403; no CORS headers at all.
      assert.equal(
        await rawStatus(
          port,
          `GET /?token=${token} HTTP/1.1\r\nHost: evil.example:${port}\r\n\r\n`,
        ),
        403,
      );
      const page0 = await fetch(url, { headers: { origin: "http://evil.example" } });
      assert.equal(page0.status, 200);
      assert.equal(page0.headers.get("access-control-allow-origin"), null);
      const html = await page0.text();
      assert.doesNotMatch(
        html,
        /<(script|link|img)[^>]+(src|href)=["']?https?:/i,
        "no external asset",
      );
      const crossSite = await fetch(`${base}/api/run-all`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `token ${token}`,
          origin: "http://evil.example",
        },
        body: "{}",
      });
      await crossSite.body?.cancel();
      assert.equal(crossSite.status, 403, "a command from another origin");

      browser = await playwright.launch({
        executablePath: chromium.require(),
        args: ["--no-sandbox"],
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(url);
      await page.waitForSelector('section[data-step="check"]');
      const statuses0 = await pageStatuses(page);
      assert.deepEqual(Object.keys(statuses0), [
        "source_groups",
        "import_topics",
        "import_groups",
        "topics",
        "groups",
        "plan",
        "bind",
        "summary",
        "check",
      ]);
      assert.ok(Object.values(statuses0).every((s) => s === "pending"));
      // The prose of the cells is on the page.
      assert.match(
        await page.locator('[data-step="source_groups"] .doc').innerText(),
        /Source consumer groups/,
      );
      await shot(page, "start");

      // Skip a cell, then Run all: every other cell runs, live (no reload of the page).
      await page.locator('[data-step="check"] button', { hasText: "Skip" }).click();
      await waitFor(page, { check: "skipped" });
      await page.evaluate(() => {
        const w = window as unknown as { seen: string[]; marker: boolean };
        w.marker = true;
        w.seen = [];
        new MutationObserver((records) => {
          for (const r of records) {
            const el = r.target as Element;
            w.seen.push(`${el.getAttribute("data-step")}=${el.getAttribute("data-status")}`);
          }
        }).observe(document.getElementById("cells")!, {
          subtree: true,
          attributes: true,
          attributeFilter: ["data-status"],
        });
      });
      await page.getByRole("button", { name: "Run all", exact: true }).click();
      const done = {
        source_groups: "succeeded",
        import_topics: "succeeded",
        import_groups: "succeeded",
        topics: "succeeded",
        groups: "succeeded",
        plan: "succeeded",
        bind: "succeeded",
        summary: "succeeded",
        check: "skipped",
      };
      await waitFor(page, done);
      await page.waitForFunction(() => document.body.dataset.busy === "");
      const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
      assert.ok(seen.includes("source_groups=running"), `live progress: ${seen.join(" ")}`);
      assert.ok(seen.includes("bind=running"), `live progress: ${seen.join(" ")}`);
      assert.equal(
        await page.evaluate(() => (window as unknown as { marker?: boolean }).marker),
        true,
      );
      assert.match(await page.locator("#log").innerText(), /source_groups/);

      // A table of the response, and the request and response folded.
      const table = page.locator('[data-step="source_groups"] .outputs table table');
      assert.match(await table.innerText(), /GroupName[\s\S]*billing/);
      assert.equal(await page.locator('[data-step="source_groups"] details.response').count(), 1);
      assert.equal(
        await page.locator('[data-step="source_groups"] details.response').getAttribute("open"),
        null,
      );
      await page.locator('[data-step="source_groups"] details.response summary').click();
      assert.match(
        await page.locator('[data-step="source_groups"] details.response pre').innerText(),
        /"GroupName": "billing"/,
      );
      await shot(page, "run-all");

      // Set an input: the cells that read it are stale.
      await page.locator("#in-queueNum").fill("4");
      await page.locator('[data-input="queueNum"] button', { hasText: "Set" }).click();
      await waitFor(page, { import_topics: "stale" });
      assert.match(
        await page.locator("#message").innerText(),
        /queueNum set; stale: import_topics/,
      );
      // Run that cell again: it runs with the new value; its first run stays in its history.
      await page.locator('[data-step="import_topics"] button', { hasText: "Run" }).click();
      await waitFor(page, { import_topics: "succeeded" });
      await page.waitForFunction(() => document.body.dataset.busy === "");
      assert.match(
        await page.locator('[data-step="import_topics"] details.request pre').textContent() ?? "",
        /"QueueNum": 4/,
      );
      assert.match(
        await page.locator('[data-step="import_topics"] details.history summary').innerText(),
        /Earlier runs \(1\)/,
      );

      // Roll back: the undo blocks run, newest first; the cells read rolled_back.
      await page.getByRole("button", { name: "Roll back", exact: true }).first().click();
      await waitFor(page, { plan: "rolled_back", bind: "rolled_back" });
      await page.waitForFunction(() => document.body.dataset.busy === "");
      assert.match(
        await page.locator("#message").innerText(),
        /undone: bind item 1, bind item 0, plan/,
      );

      await shot(page, "rollback");

      // The report, inside the page.
      await page.getByRole("button", { name: "Report", exact: true }).click();
      const report = page.frameLocator("#report iframe");
      await report.locator("body").waitFor();
      assert.match(await report.locator("body").innerText(), /rocketmq-smooth-migration/);
      await page.locator("#report").scrollIntoViewIfNeeded();
      await shot(page, "report", false);
      const statuses = await pageStatuses(page);
      assert.deepEqual(errors, []);
      await page.close();

      // SIGTERM: the server stops cleanly, the run stays reopenable.
      const stopped = await stop(served);
      served = undefined;
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.ok(!hasStackTrace(stopped.stderr), stopped.stderr);
      const runId = /reopen with: tcflow notebook --run (\S+)/.exec(stopped.stderr)?.[1];
      assert.ok(runId, stopped.stderr);

      // The journal agrees: `tcflow runs` lists the run; the terminal notebook reopens it with
      // the statuses the page showed.
      const runs = await runCliProcess(["runs", "--state-dir", stateDir, "--json"]);
      assert.equal(runs.code, 0, runs.stderr);
      assert.match(runs.stdout, new RegExp(runId));
      const reopened = await runCliProcess(
        ["notebook", "--run", runId, "--state-dir", stateDir, "--emulator"],
        { stdin: "cells\nquit\n" },
      );
      assert.equal(reopened.code, 0, reopened.stderr);
      const terminal: Record<string, string> = {};
      for (const line of reopened.stdout.split("\n")) {
        const m = new RegExp(`^\\s*\\d+\\. \\S+ (\\w+)\\s.*?\\s(${STATUSES})\\b`).exec(line);
        if (m && terminal[m[1]!] === undefined) terminal[m[1]!] = m[2]!;
      }
      assert.deepEqual(terminal, statuses);

      // `--run <id> --web` reopens it on the page, nothing sent again.
      served = await serve(["--run", runId, "--state-dir", stateDir, "--emulator"]);
      const again = await browser.newPage();
      await again.goto(served.url);
      await waitFor(again, statuses);
      assert.equal(await again.locator("#in-queueNum").inputValue(), "4");
      assert.deepEqual(await pageStatuses(again), statuses);
      await again.close();
      const second = await stop(served);
      served = undefined;
      assert.equal(second.code, 0, second.stderr);
    } finally {
      await browser?.close();
      if (served !== undefined) await stop(served);
      await Deno.remove(stateDir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test("web notebook: --port must be a port number (exit 2, no stack trace)", async () => {
  const bad = await runCliProcess(["notebook", WORKFLOW, "--web", "--port", "http", "--emulator"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--port must be a port number 0-65535 \(got http\)/);
  assert.ok(!hasStackTrace(bad.stderr), bad.stderr);
  const alone = await runCliProcess(["notebook", WORKFLOW, "--port", "8080", "--emulator"]);
  assert.equal(alone.code, 2);
  assert.match(alone.stderr, /--port goes with --web/);
});

Deno.test({
  name: "web notebook: secrets never reach the page; SIGTERM interrupts a running cell, resumable",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tcflow-web-" });
    const secret = "Sup3r-S3cret-Pa55word";
    const workflow = `${dir}/slow.yaml`;
    await Deno.writeTextFile(
      workflow,
      `tcflow: 1
name: slow
region: ap-guangzhou
inputs:
  password: { type: string, secret: true }
steps:
  - id: label
    doc: A value made from the secret.
    set: { label: "\${{ inputs.password }}-x" }
  - id: wait
    doc: Polls for ever (until it is stopped).
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-72mo3a9o }
    until: \${{ steps.wait.outputs.TotalCount < 0 }}
    poll: { interval: 30s, timeout: 10m }
`,
    );
    const state = ["--state-dir", `${dir}/state`, "--emulator"];
    let served: Served | undefined = await serve([
      workflow,
      ...state,
      "--input",
      `password=${secret}`,
    ]);
    try {
      const { url, port, token } = served;
      const page = await (await fetch(url)).text();
      assert.ok(!page.includes(secret));
      // Follow the events while Run all runs, until the polling cell is running.
      const events = await fetch(`http://127.0.0.1:${port}/api/events?token=${token}`);
      const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
      const runAll = fetch(`http://127.0.0.1:${port}/api/run-all`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `token ${token}` },
        body: "{}",
      }).then((r) => r.json()).catch((error) => ({ error: String(error) }));
      let seen = "";
      const running = () =>
        [...seen.matchAll(/^event: state\ndata: (.*)$/gm)].some((m) =>
          (JSON.parse(m[1]!) as { cells: Array<{ id: string; status: string }> }).cells
            .some((c) => c.id === "wait" && c.status === "running")
        );
      while (!running()) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the events ended:\n${seen}`);
        seen += value;
      }
      assert.match(seen, /label/);
      const report = await (await fetch(`http://127.0.0.1:${port}/report?token=${token}`)).text();
      assert.ok(!report.includes(secret));

      const stopped = await stop(served);
      served = undefined;
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.match(stopped.stderr, /stopped \(the running cell was interrupted\); reopen with/);
      assert.ok(!hasStackTrace(stopped.stderr), stopped.stderr);
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: "", done: true }));
        if (done) break;
        seen += value;
      }
      assert.ok(!seen.includes(secret), "the event stream holds the secret");
      assert.ok(!stopped.stderr.includes(secret));
      const answer = await runAll as { ok?: boolean; code?: string; error?: string };
      assert.notEqual(answer.ok, true, JSON.stringify(answer));

      // The run is resumable: the terminal notebook reopens it with the cell interrupted.
      const runId = /reopen with: tcflow notebook --run (\S+)/.exec(stopped.stderr)![1]!;
      const reopened = await runCliProcess(
        ["notebook", "--run", runId, ...state, "--input", `password=${secret}`],
        { stdin: "cells\nquit\n" },
      );
      assert.equal(reopened.code, 0, reopened.stderr);
      assert.match(reopened.stdout, /label .*succeeded/);
      assert.match(reopened.stdout, /wait .*(running|failed)/);
      assert.ok(!reopened.stdout.includes(secret));
    } finally {
      if (served !== undefined) await stop(served);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "web notebook: a failed cell offers Roll back, nothing undone; Set then Retry; --port N",
  ignore: chromium.ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "tcflow-web-" });
    const workflow = `${dir}/failing.yaml`;
    await Deno.writeTextFile(
      workflow,
      `tcflow: 1
name: failing
region: ap-guangzhou
rollback: on_failure
inputs:
  instanceId: { type: string, default: rmq-missing00 }
steps:
  - id: plan
    doc: A usage plan, undone by a rollback.
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: web-test, MaxRequestNum: -1 }
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.plan.outputs.Result.UsagePlanId }}" }
  - id: topics
    doc: Fails while the instance does not exist.
    action: trocket.DescribeTopicList
    with: { InstanceId: "\${{ inputs.instanceId }}" }
`,
    );
    // A free port, given with --port.
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    let served: Served | undefined = await serve([
      workflow,
      "--emulator",
      "--state-dir",
      `${dir}/state`,
      "--port",
      String(port),
    ]);
    let browser: Browser | undefined;
    try {
      assert.equal(served.port, port);
      browser = await playwright.launch({
        executablePath: chromium.require(),
        args: ["--no-sandbox"],
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(served.url);
      await page.waitForSelector('section[data-step="topics"]');
      await page.getByRole("button", { name: "Run all", exact: true }).click();
      await waitFor(page, { plan: "succeeded", topics: "failed" });
      await page.waitForFunction(() => document.body.dataset.busy === "");
      assert.match(
        await page.locator('[data-step="topics"] .error').innerText(),
        /ResourceNotFound\.Instance/,
      );
      const message = await page.locator("#message").innerText();
      assert.match(message, /rollback: on_failure — nothing was undone\. Roll back undoes plan/);
      assert.equal(
        await page.locator('section[data-step="plan"]').getAttribute("data-status"),
        "succeeded",
      );
      await shot(page, "failed");

      await page.locator("#in-instanceId").fill("rmq-72mo3a9o");
      await page.locator('[data-input="instanceId"] button', { hasText: "Set" }).click();
      await page.waitForFunction(() =>
        /instanceId set/.test(document.getElementById("message")!.textContent ?? "")
      );
      await page.getByRole("button", { name: "Retry", exact: true }).click();
      await waitFor(page, { plan: "succeeded", topics: "succeeded" });
      await page.waitForFunction(() => document.body.dataset.busy === "");
      assert.match(
        await page.locator('[data-step="topics"] details.history summary').innerText(),
        /Earlier runs \(1\)/,
      );
      assert.match(await page.locator('[data-step="topics"] .outputs').innerText(), /TotalCount/);
      await page.close();
      const stopped = await stop(served);
      served = undefined;
      assert.equal(stopped.code, 0, stopped.stderr);
    } finally {
      await browser?.close();
      if (served !== undefined) await stop(served);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

/** Types `keys` in a pseudo-terminal (python3's pty) and reads until `expected`, step by step. */
const PTY_DRIVER = `
import json, os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out, mark, reached = b"", 0, 0
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
steps = json.loads(os.environ["STEPS"])
for keys, expected in steps:
    mark = len(out)
    os.write(fd, keys.encode())
    if not read_until(expected, 60):
        break
    reached += 1
read_until("", 5)
if reached < len(steps):
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(json.dumps({"out": out.decode("utf-8", "replace"), "code": os.waitstatus_to_exitcode(status), "reached": reached}))
`;

Deno.test("web notebook on a real terminal: Ctrl-C stops the server (the line editor does not take it)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-web-pty-" });
  try {
    const steps: Array<[string, string]> = [
      ["", "tcflow notebook at http://127.0.0.1:"],
      [String.fromCharCode(3), "reopen with: tcflow notebook --run"],
    ];
    const out = await new Deno.Command("python3", {
      args: [
        "-c",
        PTY_DRIVER,
        Deno.execPath(),
        "run",
        "--quiet",
        ...TASK_PERMISSIONS,
        `${ROOT}cli.ts`,
        "notebook",
        `${ROOT}${WORKFLOW}`,
        "--web",
        "--emulator",
        "--state-dir",
        `${dir}/state`,
      ],
      cwd: dir,
      env: { STEPS: JSON.stringify(steps), NO_COLOR: "1", TERM: "xterm" },
      stdout: "piped",
      stderr: "inherit",
    }).output();
    const { out: transcript, code, reached } = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(reached, steps.length, transcript);
    assert.equal(code, 0, transcript);
    assert.ok(!hasStackTrace(transcript), transcript);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
