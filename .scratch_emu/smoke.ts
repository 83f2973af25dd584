import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { signTc3 } from "../lib/tencent/signer.ts";
const em = createEmulator();
async function call(action: string, params: unknown, region = "ap-guangzhou") {
  const body = new TextEncoder().encode(JSON.stringify(params));
  const headers = await signTc3({ method: "POST", host: "trocket.tencentcloudapi.com", path: "/", contentType: "application/json; charset=utf-8", body, service: "trocket", action, version: "2023-03-08", region, timestampS: Math.floor(Date.now()/1000) }, DEMO_CREDENTIAL);
  const res = await em.handle(new Request("http://127.0.0.1:4566/", { method: "POST", headers, body }));
  return await res.text();
}
console.log(await call("DescribeTopicList", { InstanceId: "rmq-2x9f8k1p", Limit: 2 }));
console.log(await call("DescribeMigratingTopicList", { TaskId: "task-demo0001" }));
console.log(await call("ImportSourceClusterTopics", { TaskId: "task-demo0001", TopicList: [{TopicName: "orders", TopicType: "NORMAL", QueueNum: 8}] }));
console.log(await call("DescribeTopicList", { InstanceId: "rmq-72mo3a9o" }));
console.log(await call("DescribeTopicList", { InstanceId: "rmq-72mo3a9o", Foo: 1 }));
console.log(await call("DescribeTopicList", { InstanceId: "rmq-72mo3a9o", Limit: "x" }));
console.log(await call("DescribeTopicLis", { InstanceId: "rmq-72mo3a9o" }));
console.log(await call("SendMessage", { InstanceId: "rmq-72mo3a9o", Topic: "x", MessageBody: "m" }));
console.log(em.calls().map(c => c.outcome));
