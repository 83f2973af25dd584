const listener = Deno.listen({ port: 0, hostname: "127.0.0.1" });
const port = (listener.addr as Deno.NetAddr).port;
let requests = 0;
(async () => {
  for await (const conn of listener) {
    (async () => {
      const buf = new Uint8Array(65536);
      while (true) {
        const n = await conn.read(buf).catch(() => null);
        if (n === null) break;
        requests++;
        if (requests === 1) {
          await conn.write(new TextEncoder().encode("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok"));
        } else if (requests === 2) { conn.close(); break; }
        else { await conn.write(new TextEncoder().encode("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")); }
      }
    })();
  }
})();
const mode = Deno.args[0];
const hc = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
const url = `http://127.0.0.1:${port}/`;
const doFetch = (init: RequestInit) => {
  if (mode === "request-client") return fetch(new Request(url, { ...init, client: hc } as RequestInit));
  if (mode === "init-client") return fetch(url, { ...init, client: hc } as RequestInit);
  return fetch(url, init);
};
await (await doFetch({ method: "POST", body: "a" })).text();
try { await (await doFetch({ method: "POST", body: "b" })).text(); console.log("second ok"); } catch (e) { console.log("second failed", (e as Error).message); }
console.log(mode, "requests seen by server:", requests);
Deno.exit(0);
