import assert from "node:assert/strict";
import { isListeningHost } from "./_admin_guard.ts";
import { serveEmulator } from "./server.ts";

/** One raw request on a new connection; the status and body of the answer. */
async function send(
  port: number,
  lines: string[],
  body = "",
): Promise<{ status: number; text: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = [...lines, `Content-Length: ${body.length}`, "Connection: close"].join("\r\n");
  await conn.write(new TextEncoder().encode(`${head}\r\n\r\n${body}`));
  let text = "";
  const buffer = new Uint8Array(65536);
  for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  conn.close();
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), text };
}

Deno.test("admin routes: only the listening Host, only application/json", async () => {
  const server = await serveEmulator({ port: 0, faults: "rate=0.5", faultSeed: 3 });
  const here = `Host: 127.0.0.1:${server.port}`;
  const calls = () => server.emulator.calls().length;
  try {
    // A web page that rebinds its own name to 127.0.0.1: its Host is its name.
    const rebound = await send(server.port, [
      "POST /_emulator/reset HTTP/1.1",
      `Host: attacker.example:${server.port}`,
      "Content-Type: application/json",
    ], "{}");
    assert.equal(rebound.status, 403, rebound.text);
    assert.match(rebound.text, /listening address/);
    const read = await send(server.port, [
      "GET /_emulator/state HTTP/1.1",
      `Host: attacker.example:${server.port}`,
      "Content-Type: application/json",
    ]);
    assert.equal(read.status, 403, read.text);
    assert.doesNotMatch(read.text, /trocket/);
    // A cross-site "simple" POST (text/plain or a form): no preflight, so refused here.
    for (const type of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
      const simple = await send(server.port, [
        "POST /_emulator/faults HTTP/1.1",
        here,
        ...(type === undefined ? [] : [`Content-Type: ${type}`]),
      ], '{"spec":null}');
      assert.equal(simple.status, 415, `${type}: ${simple.text}`);
    }
    const faults = await fetch(`${server.url}/_emulator/faults`, {
      headers: { "content-type": "application/json" },
    });
    assert.equal(faults.status, 200);
    assert.equal((await faults.json()).spec, "rate=0.5", "the refused posts changed nothing");
    // The listening address itself, and localhost for a loopback address, are served.
    const ok = await send(server.port, [
      "POST /_emulator/reset HTTP/1.1",
      here,
      "Content-Type: application/json; charset=utf-8",
    ], "{}");
    assert.equal(ok.status, 200, ok.text);
    const local = await send(server.port, [
      "GET /_emulator/calls HTTP/1.1",
      `Host: localhost:${server.port}`,
      "Content-Type: application/json",
    ]);
    assert.equal(local.status, 200, local.text);
    assert.equal(calls(), 0);
  } finally {
    await server.close();
  }
});

Deno.test("admin routes: --admin-token requires the bearer token", async () => {
  const server = await serveEmulator({ port: 0, adminToken: "s3cret-admin" });
  const headers = (auth?: string): HeadersInit => ({
    "content-type": "application/json",
    ...(auth === undefined ? {} : { authorization: auth }),
  });
  try {
    for (const auth of [undefined, "Bearer wrong", "Basic s3cret-admin", "Bearer s3cret-admi"]) {
      const response = await fetch(`${server.url}/_emulator/state`, { headers: headers(auth) });
      assert.equal(response.status, 401, String(auth));
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="tcflow emulator"');
      assert.doesNotMatch(await response.text(), /s3cret/);
    }
    const ok = await fetch(`${server.url}/_emulator/state`, {
      headers: headers("Bearer s3cret-admin"),
    });
    assert.equal(ok.status, 200);
    assert.ok("trocket" in await ok.json());
  } finally {
    await server.close();
  }
});

Deno.test("isListeningHost: the address and port listened on, never another name", () => {
  const loopback = { hostname: "127.0.0.1", port: 4566 };
  assert.equal(isListeningHost("127.0.0.1:4566", loopback), true);
  assert.equal(isListeningHost("LOCALHOST:4566", loopback), true);
  assert.equal(isListeningHost("[::1]:4566", loopback), true);
  assert.equal(isListeningHost("127.0.0.1:4567", loopback), false);
  assert.equal(isListeningHost("127.0.0.1", loopback), false);
  assert.equal(isListeningHost("evil.example:4566", loopback), false);
  assert.equal(isListeningHost("127.0.0.1.nip.io:4566", loopback), false);
  assert.equal(isListeningHost(null, loopback), false);
  const wildcard = { hostname: "0.0.0.0", port: 80 };
  assert.equal(isListeningHost("192.168.1.20", wildcard), true);
  assert.equal(isListeningHost("[fe80::1]:80", wildcard), true);
  assert.equal(isListeningHost("intranet.example", wildcard), false);
  const named = { hostname: "10.0.0.5", port: 4566 };
  assert.equal(isListeningHost("10.0.0.5:4566", named), true);
  assert.equal(isListeningHost("localhost:4566", named), false);
});
