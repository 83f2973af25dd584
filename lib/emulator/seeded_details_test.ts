/**
 * Seeded services as the API is really called (issue 15), through the emulator core, so the
 * catalog's parameter check applies: trocket MQTT `SkuCode` (the seed's table said `Skucode`),
 * `CreateTopic` `QueueNum` 3–16, deleting an instance that still has topics is `ResourceInUse`.
 */
import assert from "node:assert/strict";
import { parseJson } from "../json.ts";
import { signedRequest } from "./_signed_request.ts";
import { createEmulator } from "./emulator.ts";

const T0_MS = Date.UTC(2026, 0, 15, 8, 0, 0);

function setup() {
  const emulator = createEmulator({ now: () => T0_MS, seed: 3 });
  const trocket = async (action: string, params: Record<string, unknown>) => {
    const response = await emulator.handle(
      await signedRequest({
        service: "trocket",
        action,
        params,
        region: "ap-guangzhou",
        timestampS: Math.floor(T0_MS / 1000),
      }),
    );
    return (parseJson(await response.text(), "auto") as { Response: Record<string, unknown> })
      .Response;
  };
  const code = (r: Record<string, unknown>) => (r.Error as { Code?: string } | undefined)?.Code;
  return { trocket, code };
}

Deno.test("trocket CreateMQTTInstance takes SkuCode, as the seed's example and the API send it", async () => {
  const { trocket, code } = setup();
  const made = await trocket("CreateMQTTInstance", {
    InstanceType: "BASIC",
    Name: "fleet",
    SkuCode: "basic_2k",
  });
  assert.equal(code(made), undefined, JSON.stringify(made));
  assert.match(String(made.InstanceId), /^mqtt-/);
  const old = await trocket("CreateMQTTInstance", {
    InstanceType: "BASIC",
    Name: "fleet2",
    Skucode: "basic_2k",
  });
  assert.equal(code(old), "UnknownParameter");
});

Deno.test("trocket CreateTopic QueueNum is 3–16; an instance with topics is ResourceInUse", async () => {
  const { trocket, code } = setup();
  const instance = await trocket("CreateInstance", {
    InstanceType: "PRO",
    Name: "queues",
    SkuCode: "pro_4k",
  });
  const InstanceId = String(instance.InstanceId);
  const topic = (Topic: string, QueueNum: number) =>
    trocket("CreateTopic", { InstanceId, Topic, TopicType: "NORMAL", QueueNum });
  const low = await topic("t-2", 2);
  assert.equal(code(low), "InvalidParameterValue");
  assert.match(String((low.Error as { Message: string }).Message), /between 3 and 16: got 2/);
  assert.equal(code(await topic("t-17", 17)), "InvalidParameterValue");
  assert.equal(code(await topic("t-3", 3)), undefined);
  assert.equal(code(await topic("t-16", 16)), undefined);

  const busy = await trocket("DeleteInstance", { InstanceId });
  assert.equal(code(busy), "ResourceInUse");
  assert.match(String((busy.Error as { Message: string }).Message), /still has 2 topics/);
  for (const t of ["t-3", "t-16"]) await trocket("DeleteTopic", { InstanceId, Topic: t });
  assert.equal(code(await trocket("DeleteInstance", { InstanceId })), undefined);
});
