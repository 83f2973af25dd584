/** Validation boundaries that mutation testing found unguarded (PRODUCT.md §4, §6). */
import assert from "node:assert/strict";
import { loadWorkflowText } from "./load.ts";

function codes(source: string): string[] {
  return loadWorkflowText(source, "w.yaml").diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`);
}

const withId = (id: string) => `tcflow: 1\nname: ids\nsteps:\n  - id: ${id}\n    set: { x: "1" }\n`;

Deno.test("a step id of 64 characters is valid, 65 is E_BAD_ID at the id", () => {
  assert.deepEqual(codes(withId("a".repeat(64))), []);
  const [only, ...rest] = codes(withId("a".repeat(65)));
  assert.deepEqual(rest, []);
  assert.match(only ?? "", /^E_BAD_ID 4:9 bad step id `a{65}`: .* \(at most 64 characters\)$/);
});

Deno.test("an action that requires a ClientToken is valid without one (tcflow fills it)", () => {
  const source = [
    "tcflow: 1",
    "name: buy",
    "region: ap-guangzhou",
    "steps:",
    "  - id: buy",
    "    action: billing.CreateInstance",
    "    with:",
    "      ProductCode: p",
    "      SubProductCode: sp",
    "      RegionCode: ap-guangzhou",
    "      ZoneCode: ap-guangzhou-3",
    "      PayMode: PrePay",
    "      Parameter: '{}'",
    "",
  ].join("\n");
  assert.deepEqual(codes(source), []);
  // Another required parameter left out is still refused: only ClientToken is filled.
  const missing = codes(source.replace("      PayMode: PrePay\n", ""));
  assert.equal(missing.length, 1, missing.join("\n"));
  assert.match(missing[0]!, /PayMode/);
});

Deno.test("every diagnostic names the workflow's file", () => {
  const { diagnostics } = loadWorkflowText(withId("Bad-Id"), "dir/w.yaml");
  assert.deepEqual(diagnostics.map((d) => [d.code, d.file, d.line, d.column]), [
    ["E_BAD_ID", "dir/w.yaml", 4, 9],
  ]);
});
