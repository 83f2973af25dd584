import assert from "node:assert/strict";
import { serveHttp1 } from "./_http1.ts";
import { serveEmulator } from "./server.ts";

/**
 * Sends `raw` and reads until `until` complete final (non-1xx) responses arrived, or until the
 * server closes the connection (`"close"`); fails with a message after 10 s instead of
 * guessing from a quiet gap.
 */
async function exchange(port: number, raw: string, until: number | "close"): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => conn.close(), 10_000);
  let text = "";
  try {
    await conn.write(new TextEncoder().encode(raw));
    const buffer = new Uint8Array(65536);
    while (until === "close" || finalResponses(text) < until) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
  } catch (e) {
    throw new Error(`no ${until} response(s) within 10 s; got ${JSON.stringify(text)}`, {
      cause: e,
    });
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
  if (until !== "close" && finalResponses(text) < until) {
    throw new Error(`the server closed after ${JSON.stringify(text)}, not ${until} response(s)`);
  }
  return text;
}

/** How many complete final responses (head + Content-Length body) `text` holds. */
function finalResponses(text: string): number {
  let count = 0;
  for (let at = 0;;) {
    const end = text.indexOf("\r\n\r\n", at);
    if (end < 0) return count;
    const head = text.slice(at, end);
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? "0");
    if (end + 4 + length > text.length) return count;
    if (!/^HTTP\/1\.[01] 1\d\d /.test(head)) count++;
    at = end + 4 + length;
  }
}

Deno.test("http1: keep-alive, chunked bodies, 100-continue, and cut connections", async () => {
  const seen: string[] = [];
  const server = serveHttp1({ hostname: "127.0.0.1", port: 0 }, async (request) => {
    const body = await request.text();
    seen.push(`${request.method} ${new URL(request.url).pathname} ${body}`);
    if (body === "cut") throw new TypeError("cut");
    if (body === "boom") throw new Error("bug");
    return new Response(`echo:${body}`, { headers: { "x-test": "1" } });
  });
  try {
    const two = await exchange(
      server.port,
      "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" +
        "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n1;ext\r\nf\r\n0\r\n\r\n",
      2,
    );
    assert.equal(two.match(/HTTP\/1\.1 200 OK/g)?.length, 2, two);
    assert.match(two, /content-length: 8\r\nconnection: keep-alive\r\n\r\necho:abc/);
    assert.match(two, /echo:def/);
    assert.match(two, /x-test: 1/);
    const cont = await exchange(
      server.port,
      "POST /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
      1,
    );
    assert.match(cont, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    const cut = await exchange(
      server.port,
      "POST /d HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ncut",
      "close",
    );
    assert.equal(cut, "", "a cut writes nothing and closes");
    const bug = await exchange(
      server.port,
      "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nboom",
      1,
    );
    assert.match(bug, /^HTTP\/1\.1 500 /);
    const bad = await exchange(server.port, "NONSENSE\r\n\r\n", "close");
    assert.match(bad, /^HTTP\/1\.1 400 /);
    const old = await exchange(server.port, "GET /f HTTP/1.0\r\n\r\n", "close");
    assert.match(old, /connection: close/);
    assert.deepEqual(seen, [
      "POST /a abc",
      "POST /b def",
      "POST /c hi",
      "POST /d cut",
      "POST /e boom",
      "GET /f ",
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("serveEmulator: serves admin routes; an aborted signal closes it", async () => {
  const stop = new AbortController();
  const server = await serveEmulator({ port: 0, signal: stop.signal });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const state = (await (await fetch(`${server.url}/_emulator/state`)).json()) as Record<
    string,
    unknown
  >;
  assert.ok("trocket" in state);
  stop.abort();
  await server.close();
  await assert.rejects(() => fetch(`${server.url}/_emulator/state`));
});
