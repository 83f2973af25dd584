import assert from "node:assert/strict";
import {
  ByteReader,
  contentLength,
  countFields,
  Http1Error,
  readChunked,
  readHead,
} from "./codec.ts";

/** A reader over fixed bytes, handed out in pieces of `step` bytes (as a socket may). */
function readerOf(text: string, step = 3): ByteReader {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ByteReader({
    read(into: Uint8Array): Promise<number | null> {
      if (offset >= bytes.length) return Promise.resolve(null);
      const n = Math.min(step, into.length, bytes.length - offset);
      into.set(bytes.subarray(offset, offset + n));
      offset += n;
      return Promise.resolve(n);
    },
  });
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    assert.ok(error instanceof Http1Error, String(error));
    return error.kind;
  }
}

Deno.test("codec: heads keep every field in order, repeated ones apart", async () => {
  const reader = readerOf("GET / HTTP/1.1\r\nHost: a\r\nX-A:  1 \r\nhost: b\r\n\r\nrest");
  const head = await readHead(reader);
  assert.deepEqual(head, {
    startLine: "GET / HTTP/1.1",
    fields: [["Host", "a"], ["X-A", "1"], ["host", "b"]],
  });
  assert.equal(countFields(head!, "HOST"), 2);
  assert.equal(new TextDecoder().decode(await reader.bytes(4)), "rest");
  assert.equal(await readHead(readerOf("")), undefined, "a clean end before any byte");
});

Deno.test("codec: malformed, oversized and cut messages say which", async () => {
  assert.equal(await kindOf(readHead(readerOf("GET / HTTP/1.1\r\nno colon\r\n\r\n"))), "malformed");
  assert.equal(
    await kindOf(readHead(readerOf("GET / HTTP/1.1\r\n folded: x\r\n\r\n"))),
    "malformed",
  );
  assert.equal(
    await kindOf(readHead(readerOf("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"))),
    "malformed",
  );
  assert.equal(await kindOf(readHead(readerOf("GET / HTTP/1.1\r\nHost: a\r\n"))), "closed");
  const long = `GET / HTTP/1.1\r\n${"X: y\r\n".repeat(12_000)}\r\n`;
  assert.equal(await kindOf(readHead(readerOf(long, 4096))), "head-too-large");
  assert.equal(await kindOf(readerOf("abc").bytes(5)), "closed");
  assert.equal(await kindOf(readerOf("x".repeat(100)).rest(10)), "body-too-large");
});

Deno.test("codec: chunked bodies with extensions and trailers; bad framing refused", async () => {
  const reader = readerOf("3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\nNEXT");
  assert.equal(new TextDecoder().decode(await readChunked(reader, 100)), "abcde");
  assert.equal(new TextDecoder().decode(await reader.bytes(4)), "NEXT");
  assert.equal(await kindOf(readChunked(readerOf("zz\r\n"), 100)), "malformed");
  assert.equal(await kindOf(readChunked(readerOf("3\r\nabcX\r\n0\r\n\r\n"), 100)), "malformed");
  assert.equal(
    await kindOf(readChunked(readerOf("9\r\nabcdefghi\r\n0\r\n\r\n"), 5)),
    "body-too-large",
  );
  assert.equal(await kindOf(readChunked(readerOf("3\r\nab"), 100)), "closed");
});

Deno.test("codec: Content-Length values", () => {
  assert.equal(contentLength("12"), 12);
  assert.equal(contentLength("5, 5"), 5);
  for (const bad of ["5, 6", "-1", "1e3", "", "0x10"]) {
    assert.throws(() => contentLength(bad), Http1Error, bad);
  }
});

Deno.test("codec: a read waiting past the idle timeout fails as idle and closes", async () => {
  let closed = false;
  let release: (n: number | null) => void = () => {};
  const reader = new ByteReader({
    read: () => new Promise<number | null>((resolve) => (release = resolve)),
  }, {
    idleTimeoutMs: 20,
    onIdle: () => {
      closed = true;
      release(null); // what a closed socket's pending read does
    },
  });
  assert.equal(await kindOf(reader.fill()), "idle");
  assert.equal(closed, true);
});

/**
 * Why the codec exists (denoland/deno#35610, #36415): Deno's `fetch` re-sends a POST by itself
 * when a pooled keep-alive connection closes after the server read the request, so a create
 * can be applied twice. This test watches that behaviour: it FAILS the day `fetch` sends the
 * POST only once, saying that the client side of the codec can be replaced by `fetch`.
 */
Deno.test("codec is still needed: Deno's fetch re-sends a POST on a closed pooled connection", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let posts = 0;
  const conns = new Set<Deno.Conn>();
  const serving = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      (async () => {
        const reader = new ByteReader(conn);
        try {
          for (;;) {
            const head = await readHead(reader);
            if (head === undefined) return;
            const length = head.fields.find(([name]) => name.toLowerCase() === "content-length");
            await reader.bytes(length === undefined ? 0 : contentLength(length[1]));
            if (head.startLine.startsWith("POST ")) {
              posts++;
              return; // read, "applied", and the connection closed without an answer
            }
            await conn.write(
              new TextEncoder().encode("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"),
            );
          }
        } catch {
          /* the client went away */
        } finally {
          conns.delete(conn);
          conn.close();
        }
      })();
    }
  })();
  try {
    const url = `http://127.0.0.1:${port}/`;
    await (await fetch(url)).text(); // leaves a pooled keep-alive connection
    const outcome = await fetch(url, { method: "POST", body: "create" }).then(
      async (response) => `answered ${response.status} ${await response.text()}`,
      (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    assert.ok(
      posts >= 2,
      `Deno's fetch sent the POST ${posts} time(s) (${outcome}): it no longer re-sends a ` +
        "request on its own (denoland/deno#35610, #36415 fixed in Deno " +
        `${Deno.version.deno}). The send-once client (lib/tencent/http1.ts) can go back to fetch; ` +
        "the codec then serves only the emulator's server.",
    );
  } finally {
    listener.close();
    for (const conn of conns) conn.close();
    await serving;
  }
});
