/**
 * Documented enumerations and ranges (generated into the catalog from the SDK's comments,
 * `tools/catalog/constraints.ts`) are checked at validate (`E_VALUE`, the list in the message)
 * and by the emulator (`InvalidParameterValue`), for seeded and generic services alike.
 */
import assert from "node:assert/strict";
import { findAction } from "../catalog/catalog.ts";
import { parseJson } from "../json.ts";
import { signedRequest } from "../emulator/_signed_request.ts";
import { createEmulator } from "../emulator/emulator.ts";
import { loadWorkflowText } from "./load.ts";

function diagnostics(steps: string) {
  return loadWorkflowText(`tcflow: 1\nname: t\nsteps:\n${steps}`, "t.yaml").diagnostics
    .map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`);
}

Deno.test("the catalog keeps documented ranges and enumerations of request fields", () => {
  const topic = findAction("trocket", "CreateTopic")!.inputs.find((f) => f.name === "QueueNum");
  assert.deepEqual([topic?.min, topic?.max], [3, 16]);
  const disks = findAction("cbs", "DescribeDisks")!.inputs;
  assert.deepEqual(disks.find((f) => f.name === "Order")?.enum, ["ASC", "DESC"]);
  assert.deepEqual(disks.find((f) => f.name === "OrderField")?.enum, ["CREATE_TIME", "DEADLINE"]);
});

Deno.test("validate: a literal outside the documented range or list is E_VALUE, with the list", () => {
  assert.deepEqual(
    diagnostics(`  - id: topic
    action: trocket.CreateTopic
    with: { InstanceId: rmq-1, Topic: t, TopicType: NORMAL, QueueNum: 2 }
  - id: disks
    action: cbs.DescribeDisks
    with: { Order: UP, OrderField: CREATE_TIME }
`),
    [
      "E_VALUE 6:71 `QueueNum` must be between 3 and 16 (as documented), got 2",
      'E_VALUE 9:20 `Order` must be one of ASC, DESC (as documented), got "UP"',
    ],
  );
  assert.deepEqual(
    diagnostics(`  - id: topic
    action: trocket.CreateTopic
    with: { InstanceId: rmq-1, Topic: t, TopicType: NORMAL, QueueNum: 16 }
  - id: disks
    action: cbs.DescribeDisks
    with: { Order: DESC, OrderField: "\${{ 'DEADLINE' }}" }
`),
    [],
  );
});

Deno.test("emulator: a value outside the documented list is InvalidParameterValue (generic cbs)", async () => {
  const T0_MS = Date.UTC(2026, 0, 15, 8, 0, 0);
  const emulator = createEmulator({ now: () => T0_MS, seed: 3 });
  const call = async (params: Record<string, unknown>) => {
    const response = await emulator.handle(
      await signedRequest({
        service: "cbs",
        version: "2017-03-12",
        action: "DescribeDisks",
        params,
        region: "ap-guangzhou",
        timestampS: Math.floor(T0_MS / 1000),
      }),
    );
    return (parseJson(await response.text(), "auto") as { Response: Record<string, unknown> })
      .Response;
  };
  const bad = await call({ Order: "UP" });
  assert.deepEqual(bad.Error, {
    Code: "InvalidParameterValue",
    Message: 'The value of parameter `Order` is not valid: must be one of ASC, DESC: got "UP".',
  });
  assert.equal((await call({ Order: "ASC" })).Error, undefined);
});
