import assert from "node:assert/strict";
import { type DenoJupyter, flushIopub, kernelIopubAddress } from "./kernel_iopub.ts";

Deno.test("kernel IOPub address: from the connection file named by --conn", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const conn = `${dir}/kernel-1.json`;
    await Deno.writeTextFile(
      conn,
      JSON.stringify({ transport: "tcp", ip: "127.0.0.1", iopub_port: 50123, key: "k" }),
    );
    const cmdline = `${dir}/cmdline`;
    await Deno.writeTextFile(
      cmdline,
      ["deno", "jupyter", "--kernel", "--conn", conn, ""].join("\0"),
    );
    assert.deepEqual(await kernelIopubAddress(cmdline), { hostname: "127.0.0.1", port: 50123 });
    // Not a kernel, or a transport it cannot reach: no address.
    await Deno.writeTextFile(cmdline, ["deno", "test", ""].join("\0"));
    assert.equal(await kernelIopubAddress(cmdline), undefined);
    await Deno.writeTextFile(conn, JSON.stringify({ transport: "ipc", ip: "k", iopub_port: 1 }));
    await Deno.writeTextFile(cmdline, ["deno", "jupyter", "--conn", conn, ""].join("\0"));
    assert.equal(await kernelIopubAddress(cmdline), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("flushIopub without a kernel returns false and broadcasts nothing", async () => {
  const sent: string[] = [];
  const jupyter: DenoJupyter = {
    display: () => Promise.resolve(),
    broadcast: (type) => void sent.push(type),
  };
  // This test process has no --conn on its command line.
  assert.equal(await flushIopub(jupyter), false);
  // A closed port: the connection fails, the cell goes on.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  assert.equal(await flushIopub(jupyter, { address: { hostname: "127.0.0.1", port } }), false);
  assert.deepEqual(sent, []);
});
