import assert from "node:assert/strict";
import { createYunjingEmulator } from "./yunjing.ts";
import { DEMO_MACHINES } from "./yunjing_data.ts";
import { call, callError, testContext } from "./_services_test_util.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const WEB = DEMO_MACHINES[0].Uuid;

async function ports(params: Record<string, unknown>): Promise<Any> {
  return await call(createYunjingEmulator(), "DescribeOpenPorts", params, testContext());
}

Deno.test("yunjing DescribeOpenPorts by Uuid and by Port", async () => {
  const web = await ports({ Uuid: WEB });
  assert.equal(web.TotalCount, 4);
  assert.deepEqual(web.OpenPorts.map((p: Any) => p.Port), [22, 80, 443, 3306]);
  assert.equal(web.OpenPorts[0].MachineName, "h2-web-01");
  assert.equal(web.OpenPorts[0].MachineIp, "10.12.13.22");
  const ssh = await ports({ Port: 22 });
  assert.equal(ssh.TotalCount, 4);
  assert.deepEqual(new Set(ssh.OpenPorts.map((p: Any) => p.Uuid)).size, 4);
  assert.ok(ssh.OpenPorts.every((p: Any) => p.ProcessName === "sshd"));
  const both = await ports({ Uuid: WEB, Port: 3306 });
  assert.deepEqual(both.OpenPorts.map((p: Any) => [p.ProcessName, p.Pid]), [["mysqld", 4410]]);
  assert.equal((await ports({ Uuid: "no-such-machine" })).TotalCount, 0);
});

Deno.test("yunjing DescribeOpenPorts filters: Port, ProcessName, MachineIp", async () => {
  const mysql = await ports({ Port: 3306, Filters: [{ Name: "ProcessName", Values: ["mysql"] }] });
  assert.equal(mysql.TotalCount, 2);
  const db = DEMO_MACHINES[1];
  const onDb = await ports({
    Uuid: db.Uuid,
    Filters: [{ Name: "Port", Values: ["3306", "33060"] }],
  });
  assert.deepEqual(onDb.OpenPorts.map((p: Any) => p.Port), [3306, 33060]);
  const byIp = await ports({
    Port: 22,
    Filters: [{ Name: "MachineIp", Values: ["10.12.14.8", "10.12.14.21"] }],
  });
  assert.deepEqual(byIp.OpenPorts.map((p: Any) => p.MachineName), ["h2-cache-01", "h2-mq-01"]);
  const none = await ports({ Port: 22, Filters: [{ Name: "ProcessName", Values: ["nginx"] }] });
  assert.equal(none.TotalCount, 0);
});

Deno.test("yunjing DescribeOpenPorts pages with Offset/Limit (default 10, max 100)", async () => {
  const yj = createYunjingEmulator();
  const ctx = testContext();
  const mq = DEMO_MACHINES[3].Uuid;
  const first: Any = await call(yj, "DescribeOpenPorts", { Uuid: mq, Limit: 3 }, ctx);
  const second: Any = await call(yj, "DescribeOpenPorts", { Uuid: mq, Limit: 3, Offset: 3 }, ctx);
  assert.equal(first.TotalCount, 4);
  assert.equal(second.TotalCount, 4);
  assert.deepEqual([...first.OpenPorts, ...second.OpenPorts].map((p: Any) => p.Port), [
    22,
    8080,
    9876,
    10911,
  ]);
  // a bigger data set: the default page is 10
  yj.load({
    openPorts: Array.from({ length: 25 }, (_, i) => ({
      Id: i + 1,
      Uuid: "u1",
      Port: 1000 + i,
      MachineIp: "10.0.0.1",
      MachineName: "bulk",
      ProcessName: "svc",
      Pid: 1,
      CreateTime: "2026-01-01 00:00:00",
      ModifyTime: "2026-01-01 00:00:00",
    })),
  });
  const page: Any = await call(yj, "DescribeOpenPorts", { Uuid: "u1" }, ctx);
  assert.equal(page.TotalCount, 25);
  assert.equal(page.OpenPorts.length, 10);
  const last: Any = await call(
    yj,
    "DescribeOpenPorts",
    { Uuid: "u1", Offset: 20, Limit: 100 },
    ctx,
  );
  assert.equal(last.OpenPorts.length, 5);
  await callError(
    yj,
    "DescribeOpenPorts",
    { Uuid: "u1", Limit: 101 },
    ctx,
    "InvalidParameter.InvalidFormat",
  );
  yj.load(undefined);
  assert.equal(((await call(yj, "DescribeOpenPorts", { Port: 22 }, ctx)) as Any).TotalCount, 4);
});

Deno.test("yunjing DescribeOpenPorts without Uuid or Port lists every open port", async () => {
  const all = await ports({ Limit: 100 });
  assert.equal(all.TotalCount, 15);
  assert.deepEqual(
    all.OpenPorts.map((p: Any) => p.Id),
    Array.from({ length: 15 }, (_, i) => i + 1),
  );
  const firstPage = await ports({});
  assert.equal(firstPage.OpenPorts.length, 10);
  const redis = await ports({ Filters: [{ Name: "ProcessName", Values: ["redis"] }] });
  assert.deepEqual(redis.OpenPorts.map((p: Any) => p.Port), [6379, 26379]);
});

Deno.test("yunjing DescribeOpenPorts errors: bad filters and paging", async () => {
  const yj = createYunjingEmulator();
  const ctx = testContext();
  await callError(yj, "DescribeOpenPorts", { Offset: -1 }, ctx, "InvalidParameter.InvalidFormat");
  await callError(
    yj,
    "DescribeOpenPorts",
    { Port: 22, Filters: [{ Name: "Colour", Values: ["x"] }] },
    ctx,
    "InvalidParameter.InvalidFormat",
  );
  await callError(
    yj,
    "DescribeOpenPorts",
    { Port: 22, Filters: [{ Name: "Port", Values: ["ssh"] }] },
    ctx,
    "InvalidParameter.InvalidFormat",
  );
  assert.throws(() => yj.load({ ports: [] }), TypeError);
  const snap = JSON.parse(JSON.stringify(yj.snapshot()));
  assert.equal(snap.openPorts.length, 15);
});
