/**
 * The unmodified official `tencentcloud-sdk-nodejs` against the emulator server over HTTP, for
 * services that have no hand-written emulator: for each of 60 services (the first list action
 * of each, in name order, that the action name and version tell apart from every other
 * service's, as the SDK signs `127` as the service of an IP endpoint), the SDK's own client
 * sends the action's required parameters and reads back the items given as `data`, in the
 * action's list field; and a Create → Describe → Delete round through the SDK.
 */
import assert from "node:assert/strict";
import tc from "tencentcloud-sdk-nodejs";
import { catalogIndex, findStructure, serviceVersion } from "../lib/catalog/catalog.ts";
import type { ActionSpec } from "../lib/catalog/types.ts";
import { sampleObject } from "../lib/emulator/_generic_values.ts";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { serveEmulator } from "../lib/emulator/server.ts";

// The SDK keeps sockets and timers the test does not own.
const opts = { sanitizeOps: false, sanitizeResources: false };

type Call = (params: Record<string, unknown>) => Promise<Record<string, unknown>>;
type SdkClient = Record<string, Call>;
const sdk = tc as unknown as Record<
  string,
  Record<string, { Client: new (config: unknown) => SdkClient }>
>;

const SEEDED = new Set(["trocket", "apigateway", "ssl", "yunjing"]);
const SAMPLE_SIZE = 60;

function sdkClient(service: string, version: string, port: number): SdkClient | undefined {
  const Client = sdk[service]?.[`v${version.replaceAll("-", "")}`]?.Client;
  return Client === undefined ? undefined : new Client({
    credential: DEMO_CREDENTIAL,
    region: "ap-guangzhou",
    profile: {
      httpProfile: { endpoint: `127.0.0.1:${port}`, protocol: "http://", reqTimeout: 10 },
    },
  });
}

/** True when no other service's version of the same name has the action. */
function unambiguous(action: string, version: string): boolean {
  return Object.values(catalogIndex().services)
    .filter((entry) => entry.actions[version]?.includes(action)).length === 1;
}

/** One list action per service: the first in name order the SDK can reach unambiguously. */
function sample(): ActionSpec[] {
  const out: ActionSpec[] = [];
  for (const service of Object.keys(catalogIndex().services).sort()) {
    if (SEEDED.has(service) || out.length >= SAMPLE_SIZE) continue;
    const version = catalogIndex().services[service]!.versions[0]!;
    if (sdk[service]?.[`v${version.replaceAll("-", "")}`] === undefined) continue;
    const sv = serviceVersion(service, version)!;
    const found = Object.keys(sv.actions).sort().map((name) => sv.actions[name]!).find((a) =>
      a.pagination !== undefined && a.pagination.in === undefined && a.source !== "seed" &&
      unambiguous(a.name, version)
    );
    if (found !== undefined) out.push(found);
  }
  return out;
}

Deno.test(`SDK: ${SAMPLE_SIZE} services without a hand-written emulator answer`, opts, async () => {
  const actions = sample();
  assert.equal(actions.length, SAMPLE_SIZE);
  const items = [{ N: 1 }, { N: 2 }, { N: 3 }];
  const data: Record<string, unknown> = {};
  for (const a of actions) data[a.service] = { [a.name]: items };
  const server = await serveEmulator({ port: 0, seed: 2, data, rateScale: Infinity });
  try {
    const failures: string[] = [];
    for (const a of actions) {
      const client = sdkClient(a.service, a.version, server.port)!;
      const lookup = (name: string) => findStructure(a.service, a.version, name);
      const params = sampleObject(a.inputs, lookup, "request", `${a.service}.${a.name}`);
      const p = a.pagination!;
      if (p.limit !== "" && params[p.limit] !== undefined) {
        const size = Math.min(20, p.maxLimit ?? 20);
        params[p.limit] = p.limitType === "String" ? String(size) : size;
      }
      // A required position starts at the first page.
      if (params[p.offset] !== undefined) {
        const first = p.style === "page" ? (p.base ?? 1) : 0;
        params[p.offset] = p.offsetType === "String"
          ? (p.style === "token" ? "" : String(first))
          : p.offsetType === "String[]"
          ? []
          : first;
      }
      try {
        const response = await client[a.name]!(params);
        const holder = p.within === undefined
          ? response
          : response[p.within] as Record<string, unknown>;
        assert.deepEqual(holder[p.list], items);
      } catch (error) {
        failures.push(`${a.service}.${a.name}: ${(error as Error).message}`);
      }
    }
    assert.deepEqual(failures, []);
    const services = new Set(
      server.emulator.calls().filter((c) => c.outcome === "ok")
        .map((c) => c.service),
    );
    assert.equal(services.size, SAMPLE_SIZE);
  } finally {
    await server.close();
  }
});

Deno.test(
  "SDK: a generic Create → Describe → Delete round (cvm, no hand-written emulator)",
  opts,
  async () => {
    const server = await serveEmulator({ port: 0, seed: 2 });
    try {
      const cvm = sdkClient("cvm", "2017-03-12", server.port)!;
      const made = await cvm.CreateDisasterRecoverGroup!({
        Name: "spread",
        Type: "HOST",
        ClientToken: "sdk-1",
      });
      const id = String(made.DisasterRecoverGroupId);
      const replay = await cvm.CreateDisasterRecoverGroup!({
        Name: "spread",
        Type: "HOST",
        ClientToken: "sdk-1",
      });
      assert.equal(replay.DisasterRecoverGroupId, id);
      const listed = await cvm.DescribeDisasterRecoverGroups!({});
      assert.equal(listed.TotalCount, 1);
      await cvm.DeleteDisasterRecoverGroups!({ DisasterRecoverGroupIds: [id] });
      assert.equal((await cvm.DescribeDisasterRecoverGroups!({})).TotalCount, 0);
      await assert.rejects(
        cvm.DeleteDisasterRecoverGroups!({ DisasterRecoverGroupIds: [id] }),
        (error: { code?: string }) => error.code === "ResourceNotFound",
      );
    } finally {
      await server.close();
    }
  },
);

Deno.test(
  "SDK: mqtt 2024-05-16 (generic) creates, describes and deletes an instance and its topics; trocket's MQTT actions stay seeded",
  opts,
  async () => {
    const server = await serveEmulator({ port: 0, seed: 2 });
    try {
      const mqtt = sdkClient("mqtt", "2024-05-16", server.port)!;
      const made = await mqtt.CreateInstance!({
        InstanceType: "BASIC",
        Name: "fleet",
        SkuCode: "basic_1k",
      });
      const InstanceId = String(made.InstanceId);
      const other = String(
        (await mqtt.CreateInstance!({ InstanceType: "BASIC", Name: "spare", SkuCode: "basic_1k" }))
          .InstanceId,
      );
      const one = await mqtt.DescribeInstance!({ InstanceId });
      assert.deepEqual([one.InstanceId, one.InstanceName, one.SkuCode], [
        InstanceId,
        "fleet",
        "basic_1k",
      ]);
      // A topic is named by the caller, inside its instance.
      const topic = await mqtt.CreateTopic!({ InstanceId, Topic: "home/temp", Remark: "sensors" });
      assert.deepEqual([topic.InstanceId, topic.Topic], [InstanceId, "home/temp"]);
      await mqtt.CreateTopic!({ InstanceId: other, Topic: "home/temp" });
      await assert.rejects(
        mqtt.CreateTopic!({ InstanceId, Topic: "home/temp" }),
        (error: { code?: string }) => error.code === "ResourceInUse",
      );
      const listed = await mqtt.DescribeTopicList!({ InstanceId });
      assert.equal(listed.TotalCount, 1);
      assert.deepEqual(
        (listed.Data as Array<Record<string, unknown>>).map((t) => [t.InstanceId, t.Topic]),
        [[InstanceId, "home/temp"]],
      );
      const shown = await mqtt.DescribeTopic!({ InstanceId, Topic: "home/temp" });
      assert.deepEqual([shown.Topic, shown.Remark], ["home/temp", "sensors"]);
      await mqtt.DeleteTopic!({ InstanceId, Topic: "home/temp" });
      assert.equal((await mqtt.DescribeTopicList!({ InstanceId })).TotalCount, 0);
      assert.equal((await mqtt.DescribeTopicList!({ InstanceId: other })).TotalCount, 1);
      await assert.rejects(
        mqtt.DescribeTopic!({ InstanceId, Topic: "home/temp" }),
        (error: { code?: string }) => error.code === "ResourceNotFound",
      );
      await mqtt.DeleteInstance!({ InstanceId });
      const left = await mqtt.DescribeInstanceList!({});
      assert.deepEqual(
        (left.Data as Array<Record<string, unknown>>).map((i) => i.InstanceId),
        [other],
      );
      // The seed's trocket MQTT actions keep their hand-written emulator (mqtt- ids, SkuCode).
      // The SDK has no method for them (seed-only actions): its generic `request` sends one.
      const trocket = sdkClient("trocket", "2023-03-08", server.port) as unknown as {
        request(action: string, params: unknown): Promise<Record<string, unknown>>;
      };
      const seeded = await trocket.request("CreateMQTTInstance", {
        InstanceType: "BASIC",
        Name: "legacy",
        SkuCode: "basic_2k",
      });
      assert.match(String(seeded.InstanceId), /^mqtt-/);
      const services = server.emulator.calls().filter((c) => c.outcome === "ok")
        .map((c) => c.service);
      assert.deepEqual([...new Set(services)], ["mqtt", "trocket"]);
    } finally {
      await server.close();
    }
  },
);
