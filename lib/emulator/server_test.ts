import assert from "node:assert/strict";
import { DEFAULT_IDLE_TIMEOUT_MS, serveHttp1 } from "./_http1.ts";
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

/**
 * Everything the server writes on an open `conn` until it closes the connection. Fails (with
 * what was read) when the server still holds the connection after 20 s.
 */
async function readUntilClose(conn: Deno.Conn, deadlineMs = 20_000): Promise<string> {
  let text = "";
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    conn.close();
  }, deadlineMs);
  try {
    const buffer = new Uint8Array(65536);
    while (true) {
      const n = await conn.read(buffer).catch((error) => {
        if (expired) return null;
        // A reset instead of a FIN also ends the connection.
        if (error instanceof Deno.errors.ConnectionReset) return null;
        throw error;
      });
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
  } finally {
    clearTimeout(timer);
  }
  if (expired) {
    throw new Error(`the server held the connection over ${deadlineMs} ms; read: ${text}`);
  }
  conn.close();
  return text;
}

Deno.test("http1: a duplicated or bad Host header is answered 400, not dropped", async () => {
  const seen: string[] = [];
  const server = serveHttp1({ hostname: "127.0.0.1", port: 0 }, (request) => {
    seen.push(request.url);
    return Promise.resolve(new Response("ok"));
  });
  try {
    const twice = await exchange(
      server.port,
      "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n",
      "close",
    );
    assert.match(twice, /^HTTP\/1\.1 400 Bad Request\r\n/, twice);
    assert.match(twice, /more than one Host header/);
    const bad = await exchange(server.port, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", "close");
    assert.match(bad, /^HTTP\/1\.1 400 Bad Request\r\n/, bad);
    assert.deepEqual(seen, [], "neither reached the handler");
  } finally {
    await server.close();
  }
});

Deno.test("http1: without --idle-timeout an idle connection closes after 30 s (PRODUCT.md 13)", () => {
  // What serveHttp1 uses when no idleTimeoutMs is given (the server's and the CLI's default);
  // the closing itself is the next test's, with a short timeout.
  assert.equal(DEFAULT_IDLE_TIMEOUT_MS, 30_000);
});

Deno.test("http1: idle keep-alive and half-open connections are closed after the idle timeout", async () => {
  const server = serveHttp1(
    { hostname: "127.0.0.1", port: 0, idleTimeoutMs: 300 },
    () => Promise.resolve(new Response("ok")),
  );
  try {
    // A keep-alive connection: answered, then closed once idle.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const text = await readUntilClose(conn);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n[^]*connection: keep-alive\r\n\r\nok$/);
    // 800 half-open sockets: a request head begun and never finished, or nothing at all.
    const sockets = await Promise.all(
      Array.from({ length: 800 }, async (_, i) => {
        const socket = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
        if (i % 2 === 0) {
          await socket.write(new TextEncoder().encode("POST / HTTP/1.1\r\nHost: x\r\n"));
        }
        return socket;
      }),
    );
    const answers = await Promise.all(sockets.map((socket) => readUntilClose(socket)));
    assert.deepEqual(new Set(answers), new Set([""]), "closed without an answer");
  } finally {
    await server.close();
  }
});

Deno.test("http1: the idle timeout does not cut a request whose answer takes longer", async () => {
  const server = serveHttp1(
    { hostname: "127.0.0.1", port: 0, idleTimeoutMs: 100 },
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return new Response("slow");
    },
  );
  try {
    const text = await exchange(server.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nslow$/);
  } finally {
    await server.close();
  }
});

Deno.test("serveEmulator: serves admin routes; an aborted signal closes it", async () => {
  const stop = new AbortController();
  const server = await serveEmulator({ port: 0, signal: stop.signal });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const json = { "content-type": "application/json" };
  const state = (await (await fetch(`${server.url}/_emulator/state`, { headers: json }))
    .json()) as Record<string, unknown>;
  assert.ok("trocket" in state);
  stop.abort();
  await server.close();
  await assert.rejects(() => fetch(`${server.url}/_emulator/state`, { headers: json }));
});

Deno.test("serveEmulator: a call is logged at its arrival (its head read), not after the work before it", async () => {
  // The emulator's clock moves only when the test moves it: the head is sent, the server
  // answers `100 Continue` once it has read it, then the clock moves and the body follows.
  let clock = Date.UTC(2026, 11, 5, 15, 0, 0);
  const server = await serveEmulator({ port: 0, now: () => clock });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const body = '{"Offset":0,"Limit":1}';
    await conn.write(new TextEncoder().encode(
      "POST / HTTP/1.1\r\nHost: trocket.tencentcloudapi.com\r\n" +
        "X-TC-Action: DescribeInstanceList\r\nX-TC-Version: 2023-03-08\r\n" +
        "Content-Type: application/json\r\nExpect: 100-continue\r\n" +
        `Content-Length: ${body.length}\r\n\r\n`,
    ));
    const buffer = new Uint8Array(65536);
    let text = "";
    while (!text.includes("\r\n\r\n")) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    assert.match(text, /^HTTP\/1\.1 100 /);
    const arrivedMs = clock;
    clock += 5_000; // the body, and the emulator's work, come later
    await conn.write(new TextEncoder().encode(body));
    while (finalResponses(text.slice(text.indexOf("\r\n\r\n") + 4)) < 1) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    const calls = server.emulator.calls();
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.action, "DescribeInstanceList");
    assert.equal(calls[0]?.timeMs, arrivedMs);
  } finally {
    conn.close();
    await server.close();
  }
});
