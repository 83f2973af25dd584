import assert from "node:assert/strict";
import { http1Fetch, requestHead, transportFor } from "./http1.ts";
import { NetworkError } from "./errors.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A request as the raw test server read it. */
interface RawRequest {
  head: string;
  body: Uint8Array;
}

/** What the script of a connection gets. */
interface Exchange {
  conn: Deno.Conn;
  request: RawRequest;
  write(text: string | Uint8Array): Promise<void>;
}

function indexOfCrlfCrlf(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

/** Reads one request (head and Content-Length body) from `conn`; undefined if it closes first. */
async function readRequest(conn: Deno.Conn): Promise<RawRequest | undefined> {
  let buffer = new Uint8Array(0);
  const chunk = new Uint8Array(4096);
  const more = async () => {
    const n = await conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(buffer.length + n);
    next.set(buffer);
    next.set(chunk.subarray(0, n), buffer.length);
    buffer = next;
    return true;
  };
  let end = indexOfCrlfCrlf(buffer);
  while (end < 0) {
    if (!(await more())) return undefined;
    end = indexOfCrlfCrlf(buffer);
  }
  const head = decoder.decode(buffer.subarray(0, end));
  const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? "0");
  while (buffer.length < end + 4 + length) {
    if (!(await more())) break;
  }
  return { head, body: buffer.slice(end + 4, end + 4 + length) };
}

/**
 * A raw TCP (or given TLS) server on loopback: each connection reads one request, then runs
 * `script`. `received(n)` waits (bounded, failing with a message) until n requests arrived;
 * `barrier()` sends a marker request on a new connection and waits until the server has read
 * it: connections are accepted in order, so a re-send started before the barrier is counted by
 * then (barriers themselves are never counted), which proves "nothing else was sent" without
 * sleeping.
 */
function rawServer(
  script: (exchange: Exchange) => Promise<void>,
  listener: Deno.Listener = Deno.listen({ hostname: "127.0.0.1", port: 0 }),
) {
  const { port } = listener.addr as Deno.NetAddr;
  const requests: RawRequest[] = [];
  const handlers = new Set<Promise<void>>();
  const waiters = new Set<() => void>();
  let connections = 0;
  let barriers = 0;
  const notify = () => waiters.forEach((wake) => wake());
  const until = (test: () => boolean, what: () => string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!test()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${what()} within 10 s`));
      }, 10_000);
      waiters.add(check);
      check();
    });
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        connections++;
        const handler = (async () => {
          try {
            const request = await readRequest(conn);
            if (request === undefined) return;
            if (request.head.startsWith("GET /barrier ")) {
              barriers++;
              return notify();
            }
            requests.push(request);
            notify();
            await script({
              conn,
              request,
              write: async (data) => {
                const bytes = typeof data === "string" ? encoder.encode(data) : data;
                let written = 0;
                while (written < bytes.length) {
                  written += await conn.write(bytes.subarray(written));
                }
              },
            });
          } catch {
            /* the client went away */
          } finally {
            try {
              conn.close();
            } catch { /* already closed */ }
          }
        })();
        handlers.add(handler);
        handler.finally(() => handlers.delete(handler));
      }
    } catch { /* listener closed */ }
  })();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    /** Connections accepted, barriers not counted. */
    connections: () => connections - barriers,
    received: (n: number) =>
      until(
        () => requests.length >= n,
        () => `${n} request(s) did not arrive (${requests.length})`,
      ),
    async barrier() {
      const seen = barriers + 1;
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      try {
        await conn.write(encoder.encode("GET /barrier HTTP/1.1\r\nhost: x\r\n\r\n"));
        await until(() => barriers >= seen, () => "the barrier request was not read");
      } finally {
        conn.close();
      }
    },
    async close() {
      listener.close();
      await accepting;
      await Promise.all([...handlers]);
    },
  };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("http1Fetch: sends the exact bytes once and reads a Content-Length answer", async () => {
  const server = rawServer(async ({ write }) => {
    await write(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Id: a\r\nX-Id: b\r\n" +
        'Content-Length: 11\r\n\r\n{"ok":true}',
    );
  });
  try {
    const body = new Uint8Array([0x7b, 0xff, 0x00, 0x0d, 0x0a, 0x7d]); // not UTF-8
    const response = await http1Fetch(
      new Request(`${server.url}/path?q=1`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream", "x-tc-action": "CreateTopic" },
        body,
      }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.statusText, "OK");
    assert.equal(response.headers.get("x-id"), "a, b");
    assert.deepEqual(await response.json(), { ok: true });
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.deepEqual(request?.body, body);
    const lines = request?.head.split("\r\n") ?? [];
    assert.equal(lines[0], "POST /path?q=1 HTTP/1.1");
    assert.ok(lines.includes(`host: 127.0.0.1:${server.port}`));
    assert.ok(lines.includes("content-length: 6"));
    assert.ok(lines.includes("connection: close"));
    assert.ok(lines.includes("x-tc-action: CreateTopic"));
    assert.equal(server.connections(), 1);
  } finally {
    await server.close();
  }
});

Deno.test("http1Fetch: reads a chunked answer with extensions and trailers", async () => {
  const server = rawServer(async ({ conn, write }) => {
    await write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    await write("5;ext=1\r\nhello\r\n");
    await pause(5);
    await write("7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
    // The connection stays open until the client closes it: the chunked framing ends the body.
    await conn.read(new Uint8Array(1));
  });
  try {
    const response = await http1Fetch(new Request(server.url, { method: "POST", body: "x" }), {
      timeoutMs: 5_000, // waiting for the close would deadlock into this timeout
    });
    assert.equal(await response.text(), "hello, world");
  } finally {
    await server.close();
  }
});

Deno.test("http1Fetch: an answer without length is read until the server closes", async () => {
  const server = rawServer(async ({ write }) => {
    await write("HTTP/1.0 503 Service Unavailable\r\ncontent-type: text/plain\r\n\r\npart one, ");
    await pause(5);
    await write("part two");
  });
  try {
    const response = await http1Fetch(new Request(server.url, { method: "POST", body: "{}" }));
    assert.equal(response.status, 503);
    assert.equal(await response.text(), "part one, part two");
  } finally {
    await server.close();
  }
});

Deno.test("http1Fetch: interim 100 Continue answers are skipped", async () => {
  const server = rawServer(async ({ write }) => {
    await write("HTTP/1.1 100 Continue\r\n\r\n");
    await write("HTTP/1.1 102 Processing\r\nx: y\r\n\r\n");
    await write("HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok");
  });
  try {
    const response = await http1Fetch(new Request(server.url, { method: "PUT", body: "a" }));
    assert.equal(response.status, 201);
    assert.equal(await response.text(), "ok");
  } finally {
    await server.close();
  }
});

Deno.test("http1Fetch: a 204 answer has no body even if the connection stays open", async () => {
  const server = rawServer(async ({ conn, write }) => {
    await write("HTTP/1.1 204 No Content\r\n\r\n");
    await conn.read(new Uint8Array(1)); // until the client closes
  });
  try {
    const response = await http1Fetch(new Request(server.url, { method: "DELETE" }), {
      timeoutMs: 5_000,
    });
    assert.equal(response.status, 204);
    assert.equal(response.body, null);
    assert.match(server.requests[0]?.head ?? "", /^DELETE \/ HTTP\/1\.1\r\n/);
  } finally {
    await server.close();
  }
});

Deno.test("http1Fetch: a close right after the body is read is after-send, sent once", async () => {
  // No linger: the server closes the instant it has read the request (a "cut after applied").
  const server = rawServer(() => Promise.resolve());
  try {
    await assert.rejects(
      http1Fetch(new Request(server.url, { method: "POST", body: '{"Topic":"t"}' }), {
        site: { service: "trocket", action: "CreateTopic" },
      }),
      (error) => {
        assert.ok(error instanceof NetworkError);
        assert.equal(error.phase, "after-send");
        assert.equal(error.code, "NetworkError.AfterSend");
        assert.equal(error.service, "trocket");
        assert.equal(error.action, "CreateTopic");
        return true;
      },
    );
    await server.barrier(); // a re-send, if any, was accepted before this
    assert.equal(server.connections(), 1);
    assert.equal(server.requests.length, 1);
    assert.equal(decoder.decode(server.requests[0]?.body), '{"Topic":"t"}');
  } finally {
    await server.close();
  }
});

Deno.test("http1Fetch: a body cut short of its Content-Length is after-send", async () => {
  const server = rawServer(async ({ write }) => {
    await write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this");
  });
  try {
    await assert.rejects(
      http1Fetch(new Request(server.url, { method: "POST", body: "x" })),
      (error) =>
        error instanceof NetworkError && error.phase === "after-send" &&
        /9 of 100 bytes/.test(error.message),
    );
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("http1Fetch: a garbled answer is after-send", async () => {
  const server = rawServer(async ({ write }) => {
    await write("SSH-2.0-OpenSSH\r\n\r\n");
  });
  try {
    await assert.rejects(
      http1Fetch(new Request(server.url, { method: "POST", body: "x" })),
      (error) => error instanceof NetworkError && error.phase === "after-send",
    );
  } finally {
    await server.close();
  }
});

Deno.test("http1Fetch: a refused connection is before-send", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  await assert.rejects(
    http1Fetch(new Request(`http://127.0.0.1:${port}/`, { method: "POST", body: "x" })),
    (error) =>
      error instanceof NetworkError && error.phase === "before-send" &&
      error.code === "NetworkError.BeforeSend",
  );
});

Deno.test("http1Fetch: no answer within timeoutMs is a timeout, after the send", async () => {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = rawServer(async ({ conn }) => {
    // Silent until the client closes (its read end sees that) or the test releases it.
    await Promise.race([conn.read(new Uint8Array(1)), released]);
  });
  try {
    await assert.rejects(
      http1Fetch(new Request(server.url, { method: "POST", body: "x" }), { timeoutMs: 500 }),
      (error) =>
        error instanceof NetworkError && error.phase === "timeout" &&
        /within 500 ms \(the request was sent\)/.test(error.message),
    );
    assert.equal(server.requests.length, 1);
  } finally {
    release();
    await server.close();
  }
});

Deno.test("http1Fetch: a signal stops it; one aborted before sends nothing", async () => {
  const server = rawServer(async ({ conn }) => {
    await conn.read(new Uint8Array(1)); // until the client closes
  });
  try {
    const controller = new AbortController();
    const pending = http1Fetch(new Request(server.url, { method: "POST", body: "x" }), {
      signal: controller.signal,
    });
    await server.received(1); // in flight: the server holds it
    const reason = new Error("user stop");
    controller.abort(reason);
    await assert.rejects(pending, (error) => {
      assert.ok(error instanceof NetworkError);
      assert.equal(error.phase, "timeout");
      assert.equal(error.cause, reason);
      return true;
    });

    await assert.rejects(
      http1Fetch(new Request(server.url, { method: "POST", body: "y" }), {
        signal: AbortSignal.abort(new Error("early")),
      }),
      (error) =>
        error instanceof NetworkError && error.phase === "timeout" &&
        /nothing was sent/.test(error.message),
    );
    await assert.rejects(
      http1Fetch(
        new Request(server.url, { method: "POST", body: "z", signal: AbortSignal.abort() }),
      ),
      (error) => error instanceof NetworkError && error.phase === "timeout",
    );
    await server.barrier(); // the two aborted calls, had they connected, were accepted before
    assert.equal(server.connections(), 1);
  } finally {
    await server.close();
  }
});

Deno.test("transportFor: https is TLS (SNI = host), http is plain TCP", () => {
  assert.deepEqual(transportFor(new URL("https://cvm.tencentcloudapi.com/")), {
    kind: "tls",
    hostname: "cvm.tencentcloudapi.com",
    port: 443,
  });
  assert.deepEqual(transportFor(new URL("https://example.com:8443/x")), {
    kind: "tls",
    hostname: "example.com",
    port: 8443,
  });
  assert.deepEqual(transportFor(new URL("http://127.0.0.1:9000")), {
    kind: "tcp",
    hostname: "127.0.0.1",
    port: 9000,
  });
  assert.deepEqual(transportFor(new URL("http://[::1]/")), {
    kind: "tcp",
    hostname: "::1",
    port: 80,
  });
  assert.throws(() => transportFor(new URL("ftp://example.com/")), TypeError);
});

Deno.test("requestHead: own framing headers replace the request's", () => {
  const request = new Request("https://example.com:8443/a/b?c=d#frag", {
    method: "POST",
    headers: { connection: "keep-alive", "content-length": "999", "x-a": "1" },
  });
  const head = new TextDecoder().decode(requestHead(request, 3));
  const ua = `user-agent: Deno/${Deno.version.deno}\r\n`;
  assert.equal(
    head,
    "POST /a/b?c=d HTTP/1.1\r\nhost: example.com:8443\r\nx-a: 1\r\naccept: */*\r\n" + ua +
      "content-length: 3\r\nconnection: close\r\n\r\n",
  );
  const get = new TextDecoder().decode(
    requestHead(new Request("http://h/", { headers: { "user-agent": "me", accept: "a/b" } }), 0),
  );
  assert.equal(
    get,
    "GET / HTTP/1.1\r\nhost: h\r\naccept: a/b\r\nuser-agent: me\r\nconnection: close\r\n\r\n",
  );
});

Deno.test("http1Fetch: an unsupported scheme is before-send", async () => {
  await assert.rejects(
    http1Fetch(new Request("file:///etc/hosts")),
    (error) => error instanceof NetworkError && error.phase === "before-send",
  );
});

/** A test CA and a `localhost` certificate it signed, made by `openssl`; undefined without it. */
function makeCertificates(): { ca: string; cert: string; key: string } | undefined {
  let dir: string | undefined;
  try {
    const cwd = Deno.makeTempDirSync({ prefix: "tcflow-tls-" });
    dir = cwd;
    const run = (...args: string[]) => {
      const out = new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "null" })
        .outputSync();
      if (!out.success) throw new Error(`openssl ${args[0]} failed`);
    };
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run(
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=tcflow test CA",
    );
    run("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost");
    Deno.writeTextFileSync(
      `${dir}/ext.cnf`,
      "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    );
    run(
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "leaf.pem",
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
    );
    return {
      ca: Deno.readTextFileSync(`${dir}/ca.pem`),
      cert: Deno.readTextFileSync(`${dir}/leaf.pem`),
      key: Deno.readTextFileSync(`${dir}/leaf.key`),
    };
  } catch {
    return undefined;
  } finally {
    if (dir !== undefined) Deno.removeSync(dir, { recursive: true });
  }
}

const certificates = makeCertificates();

Deno.test({
  name: "http1Fetch over TLS: https goes through the handshake, SNI and the root store",
  ignore: certificates === undefined, // needs openssl to make a certificate
  fn: async () => {
    const { ca, cert, key } = certificates!;
    const server = rawServer(
      async ({ write }) => {
        await write("HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nsecure");
      },
      Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key }),
    );
    try {
      const url = `https://localhost:${server.port}/tls`;
      const response = await http1Fetch(new Request(url, { method: "POST", body: "{}" }), {
        caCerts: [ca],
      });
      assert.equal(await response.text(), "secure");
      assert.match(server.requests[0]?.head ?? "", /^POST \/tls HTTP\/1\.1\r\nhost: localhost:/);

      // Not trusted without the test CA: the handshake fails before anything is written.
      await assert.rejects(
        http1Fetch(new Request(url, { method: "POST", body: "{}" })),
        (error) => error instanceof NetworkError && error.phase === "before-send",
      );
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  },
});
