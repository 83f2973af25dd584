import { serveEmulator } from "../lib/emulator/server.ts";
import { createTencentClient } from "../lib/tencent/client.ts";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { systemDeps } from "../lib/deps.ts";
const server = await serveEmulator({ port: 0 });
const hc = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
// client given on the Request itself, fetch called plainly
const deps = { ...systemDeps(), fetch: (r: Request) => fetch(r) };
const origRequest = globalThis.Request;
const client = createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL }, endpointUrl: server.url });
await client.call("trocket", "DescribeTopicList", "2023-03-08", "ap-guangzhou", { InstanceId: "rmq-2x9f8k1p" });
server.emulator.setFaults("cut-after=1;times=1;actions=DescribeTopicList");
const r = new Request(server.url, { method: "POST", body: "{}", client: hc } as RequestInit);
try { await fetch(r); } catch (e) { console.log("err", (e as Error).message); }
console.log(server.emulator.calls().map((c) => c.action + ":" + c.outcome));
await server.close(); hc.close();
