import { serveEmulator } from "/work/main/lib/emulator/server.ts";
import tc from "tencentcloud-sdk-nodejs";
const server = await serveEmulator({ port: 0 });
const Client = (tc as any).trocket.v20230308.Client;
const client = new Client({
  credential: { secretId: "AKIDTCFLOWDEMO0000000000000000000000", secretKey: "tcflow-demo-secret-key" },
  region: "ap-guangzhou",
  profile: { httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: "http://" } },
});
const t0 = performance.now();
console.log(JSON.stringify(await client.DescribeTopicList({ InstanceId: "rmq-2x9f8k1p", Limit: 2 })));
console.log(JSON.stringify(await client.CreateInstance({ InstanceType: "PRO", Name: "x", SkuCode: "pro_4k", VpcList: [{VpcId: "v", SubnetId: "s"}] })));
try { await client.DescribeTopicList({ InstanceId: "nope" }); } catch (e: any) { console.log("err", e.code, e.message, e.requestId); }
server.emulator.setFaults("cut-before=1");
try { await client.DescribeTopicList({ InstanceId: "rmq-2x9f8k1p" }); } catch (e: any) { console.log("cut err", e.code, e.message); }
const p = new Deno.Command("curl", { args: ["-sS", "-m", "3", "-X", "POST", "-d", "{}", `${server.url}/`], stderr: "piped", stdout: "piped" }).outputSync();
console.log("curl:", new TextDecoder().decode(p.stderr), new TextDecoder().decode(p.stdout));
server.emulator.setFaults(undefined);
console.log(performance.now() - t0);
await server.close();
