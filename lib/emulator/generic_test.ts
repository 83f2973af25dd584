/**
 * The generic emulator through the emulator core (signed requests, parameter checks): samples
 * of the response types, Create → Describe → Delete state, ClientToken, `data` lists paged,
 * filtered by ids, and a state that survives a snapshot.
 */
import assert from "node:assert/strict";
import { parseJson } from "../json.ts";
import { signedRequest } from "./_signed_request.ts";
import { createEmulator, type EmulatorOptions } from "./emulator.ts";

const T0_MS = Date.UTC(2026, 0, 15, 8, 0, 0);
const VERSIONS: Record<string, string> = {
  vpc: "2017-03-12",
  cvm: "2017-03-12",
  mqtt: "2024-05-16",
  trocket: "2023-03-08",
};

function setup(options: EmulatorOptions = {}) {
  const emulator = createEmulator({ now: () => T0_MS, seed: 5, ...options });
  const call = async (target: string, params: Record<string, unknown> = {}) => {
    const [service, action] = target.split(".") as [string, string];
    const response = await emulator.handle(
      await signedRequest({
        service,
        action,
        params,
        version: VERSIONS[service]!,
        region: "ap-guangzhou",
        timestampS: Math.floor(T0_MS / 1000),
      }),
    );
    return (parseJson(await response.text(), "auto") as { Response: Record<string, unknown> })
      .Response;
  };
  const code = (r: Record<string, unknown>) => (r.Error as { Code?: string } | undefined)?.Code;
  return { emulator, call, code };
}

Deno.test("generic: Create → Describe lists it (filtered by id) → Delete removes it", async () => {
  const { call, code } = setup();
  const made = await call("vpc.CreateVpc", { VpcName: "web", CidrBlock: "10.0.0.0/16" });
  const vpc = made.Vpc as Record<string, unknown>;
  assert.match(String(vpc.VpcId), /^vpc-[0-9a-z]{8}$/);
  assert.equal(vpc.VpcName, "web");
  assert.equal(vpc.CidrBlock, "10.0.0.0/16");
  const other = await call("vpc.CreateVpc", { VpcName: "db", CidrBlock: "10.1.0.0/16" });
  const otherId = (other.Vpc as { VpcId: string }).VpcId;
  assert.notEqual(otherId, vpc.VpcId);

  const all = await call("vpc.DescribeVpcs", {});
  assert.equal(all.TotalCount, 2);
  assert.deepEqual((all.VpcSet as Array<{ VpcName: string }>).map((v) => v.VpcName), [
    "web",
    "db",
  ]);
  const one = await call("vpc.DescribeVpcs", { VpcIds: [otherId] });
  assert.deepEqual((one.VpcSet as Array<{ VpcId: string }>).map((v) => v.VpcId), [otherId]);

  assert.equal(code(await call("vpc.DeleteVpc", { VpcId: String(vpc.VpcId) })), undefined);
  const after = await call("vpc.DescribeVpcs", {});
  assert.equal(after.TotalCount, 1);
  const again = await call("vpc.DeleteVpc", { VpcId: String(vpc.VpcId) });
  assert.equal(code(again), "ResourceNotFound");
  assert.match(String((again.Error as { Message: string }).Message), /does not exist/);
});

Deno.test("generic: the same ClientToken answers the first answer and creates once", async () => {
  const { call } = setup();
  const params = { Name: "spread", Type: "HOST", ClientToken: "tok-1" };
  const first = await call("cvm.CreateDisasterRecoverGroup", params);
  const second = await call("cvm.CreateDisasterRecoverGroup", params);
  assert.match(String(first.DisasterRecoverGroupId), /^[a-z]+-[0-9a-z]{8}$/);
  const { RequestId: _a, ...firstRest } = first;
  const { RequestId: _b, ...secondRest } = second;
  assert.deepEqual(secondRest, firstRest);
  const other = await call("cvm.CreateDisasterRecoverGroup", { ...params, ClientToken: "tok-2" });
  assert.notEqual(other.DisasterRecoverGroupId, first.DisasterRecoverGroupId);
  const listed = await call("cvm.DescribeDisasterRecoverGroups", {});
  assert.equal(listed.TotalCount, 2, "tok-1 applied once, tok-2 once");
});

Deno.test("generic: data lists page in the action's style, answers are deterministic", async () => {
  const instances = Array.from({ length: 45 }, (_, i) => ({ InstanceId: `ins-${i}` }));
  const { call } = setup({ data: { cvm: { DescribeInstances: instances } } });
  const page = await call("cvm.DescribeInstances", { Offset: 40, Limit: 10 });
  assert.equal(page.TotalCount, 45);
  assert.deepEqual(
    (page.InstanceSet as Array<{ InstanceId: string }>).map((i) => i.InstanceId),
    ["ins-40", "ins-41", "ins-42", "ins-43", "ins-44"],
  );
  const firstPage = await call("cvm.DescribeInstances", {});
  assert.equal((firstPage.InstanceSet as unknown[]).length, 20, "the default page size");
  // vpc declares Offset/Limit as String: strings are read, numbers refused by the checker.
  const { call: vpcCall, code } = setup({
    data: { vpc: { DescribeVpcs: [{ VpcId: "vpc-a" }, { VpcId: "vpc-b" }, { VpcId: "vpc-c" }] } },
  });
  const vpcs = await vpcCall("vpc.DescribeVpcs", { Offset: "1", Limit: "1" });
  assert.deepEqual(vpcs.VpcSet, [{ VpcId: "vpc-b" }]);
  assert.equal(code(await vpcCall("vpc.DescribeVpcs", { Offset: 1 })), "InvalidParameterValue");
  // Same seed, same calls: the same answer, to the byte (RequestId aside).
  const a = await setup().call("cvm.DescribeImages", {});
  const b = await setup().call("cvm.DescribeImages", {});
  assert.deepEqual({ ...a, RequestId: "" }, { ...b, RequestId: "" });
});

Deno.test("generic: the state is JSON data that a new emulator takes back", async () => {
  const { emulator, call } = setup();
  await call("vpc.CreateVpc", { VpcName: "kept", CidrBlock: "10.0.0.0/16" });
  await call("cvm.CreateDisasterRecoverGroup", { Name: "g", Type: "HOST", ClientToken: "t" });
  const state = JSON.parse(JSON.stringify(emulator.state()));
  const again = setup({ data: { vpc: state.vpc, cvm: state.cvm } });
  const listed = await again.call("vpc.DescribeVpcs", {});
  assert.deepEqual((listed.VpcSet as Array<{ VpcName: string }>).map((v) => v.VpcName), ["kept"]);
  const replay = await again.call("cvm.CreateDisasterRecoverGroup", {
    Name: "g",
    Type: "HOST",
    ClientToken: "t",
  });
  assert.equal(
    replay.DisasterRecoverGroupId,
    state.cvm.lists.DescribeDisasterRecoverGroups[0]
      .DisasterRecoverGroupId,
  );
  emulator.reset();
  assert.equal(emulator.state().vpc, undefined, "reset drops what calls made");
});

Deno.test("generic: the mqtt 2024-05-16 service and a seeded service's other actions answer", async () => {
  const { call, code } = setup();
  const mqtt = await call("mqtt.DescribeInstanceList", {});
  assert.equal(code(mqtt), undefined, JSON.stringify(mqtt));
  assert.equal(mqtt.TotalCount, 0);
  const missing = await call("mqtt.DescribeTopicList", {});
  assert.equal(code(missing), "MissingParameter");
});

Deno.test("generic: data that is not lists by action is refused at start", () => {
  assert.throws(() => createEmulator({ data: { vpc: { DescribeVpcs: 3 } } }), /must be a list/);
  assert.throws(() => createEmulator({ data: { nosuch: {} } }), /unknown service "nosuch"/);
});
