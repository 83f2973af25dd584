import { serveEmulator } from "../lib/emulator/server.ts";
import { createTencentClient } from "../lib/tencent/client.ts";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { systemDeps } from "../lib/deps.ts";
const server = await serveEmulator({ port: 0 });
const mode = Deno.args[0];
let fetchFn = (r: Request) => fetch(r);
if (mode === "nopool") {
  const hc = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  fetchFn = (r: Request) => fetch(r, { client: hc });
}
const deps = { ...systemDeps(), fetch: fetchFn };
const client = createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL }, endpointUrl: server.url });
await client.call("trocket", "DescribeTopicList", "2023-03-08", "ap-guangzhou", { InstanceId: "rmq-2x9f8k1p" });
server.emulator.setFaults("cut-after=1;times=1;actions=CreateTopic");
try {
  await client.call("trocket", "CreateTopic", "2023-03-08", "ap-guangzhou", { InstanceId: "rmq-72mo3a9o", Topic: "abc-1", TopicType: "NORMAL", QueueNum: 3 });
} catch (e) { console.log("error", (e as Error).name, (e as Error).message); }
console.log(server.emulator.calls().map((c) => c.action + ":" + c.outcome));
await server.close();
