/**
 * Headless Chromium for tests (Debian's `chromium` package), driven over the DevTools protocol:
 * open a page, evaluate expressions in it, take a screenshot. `.ci/run` installs the package;
 * the tests never do (see `_host_tools.ts`).
 *
 * @module
 */
import { type HostTool, hostTool, which } from "./_host_tools.ts";

/** The Chromium binary (`CHROME_PATH` or Debian's); its tests skip or fail without it. */
export async function findChromium(tests: string): Promise<HostTool> {
  const path = await which(
    ...[Deno.env.get("CHROME_PATH") ?? ""].filter((p) => p !== ""),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  );
  return hostTool("chromium", path, { tests, install: INSTALL_CHROMIUM });
}

/** What `.ci/run` runs to install Chromium. */
export const INSTALL_CHROMIUM = "sudo apt-get install -y chromium";

/** A page open in headless Chromium. */
export interface Page {
  /** Evaluates a JavaScript expression in the page and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG screenshot of the full page. */
  screenshot(): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Starts headless Chromium on `url` and connects to it over the DevTools protocol. */
export async function openPage(chromium: string, url: string): Promise<Page> {
  const profile = await Deno.makeTempDir({ prefix: "tcflow-chromium-" });
  const child = new Deno.Command(chromium, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "--window-size=1280,900",
      url,
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Chromium prints "DevTools listening on ws://…" on stderr once it is ready.
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let browserWs: string | undefined;
  while (browserWs === undefined) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`chromium exited before it was ready:\n${seen}`);
    seen += value;
    browserWs = /DevTools listening on (ws:\/\/\S+)/.exec(seen)?.[1];
  }
  void reader.closed.catch(() => {});
  const port = new URL(browserWs).port;
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as Array<
    { type: string; url: string; webSocketDebuggerUrl: string }
  >;
  const target = targets.find((t) => t.type === "page");
  if (target === undefined) throw new Error("chromium opened no page");
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let nextId = 1;
  const pending = new Map<number, (message: Record<string, unknown>) => void>();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data as string) as Record<string, unknown>;
    const id = message.id as number | undefined;
    if (id !== undefined) pending.get(id)?.(message);
  };
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (message) => {
        pending.delete(id);
        if (message.error) reject(new Error(JSON.stringify(message.error)));
        else resolve(message.result as Record<string, unknown>);
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  // Wait until the page (not the initial about:blank) has loaded.
  for (let i = 0;; i++) {
    const state = await send("Runtime.evaluate", {
      expression: "location.href + ' ' + document.readyState",
      returnByValue: true,
    });
    const value = (state.result as { value?: string }).value ?? "";
    if (value === `${url} complete`) break;
    if (i === 200) throw new Error(`chromium did not load ${url} (${value})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    async evaluate<T>(expression: string): Promise<T> {
      const result = await send("Runtime.evaluate", { expression, returnByValue: true });
      if (result.exceptionDetails) throw new Error(JSON.stringify(result.exceptionDetails));
      return (result.result as { value: T }).value;
    },
    async screenshot(): Promise<Uint8Array> {
      const result = await send("Page.captureScreenshot", {
        format: "png",
        captureBeyondViewport: true,
      });
      return Uint8Array.from(atob(result.data as string), (c) => c.charCodeAt(0));
    },
    async close(): Promise<void> {
      socket.close();
      child.kill("SIGKILL");
      await child.status;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
