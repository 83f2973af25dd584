import assert from "node:assert/strict";
import { applySeed, matchField, refineType, type Rename } from "./merge.ts";
import type { Field, ServiceVersion } from "../../lib/catalog/types.ts";
import type { SeedDoc } from "./seeds.ts";

const f = (name: string, type: string, required = false): Field => ({ name, type, required });

Deno.test("matchField: exact, case-insensitive, then one edit for long names", () => {
  const fields = [f("InstanceId", "String"), f("CreatedTime", "String"), f("Tags", "Tag[]")];
  assert.equal(matchField(fields, "InstanceId")?.name, "InstanceId");
  assert.equal(matchField(fields, "Instanceid")?.name, "InstanceId");
  assert.equal(matchField(fields, "Instanceld")?.name, "InstanceId");
  assert.equal(matchField(fields, "CreateTime")?.name, "CreatedTime");
  assert.equal(matchField(fields, "Tag"), undefined); // short names must match exactly
  assert.equal(matchField(fields, "Other"), undefined);
});

Deno.test("refineType: seeds refine Number and String, never contradict the SDK", () => {
  assert.equal(refineType("Number", "Integer"), "Integer");
  assert.equal(refineType("Number[]", "Float[]"), "Float[]");
  assert.equal(refineType("String", "Timestamp"), "Timestamp");
  assert.equal(refineType("Any", "Filter"), "Filter");
  assert.equal(refineType("String", "Integer"), "String");
  assert.equal(refineType("Number", "Integer[]"), "Number");
});

Deno.test("applySeed merges SDK actions and adds seed-only ones", () => {
  const sv: ServiceVersion = {
    service: "demo",
    version: "2020-01-01",
    host: "demo.tencentcloudapi.com",
    actions: {
      DescribeThings: {
        service: "demo",
        version: "2020-01-01",
        name: "DescribeThings",
        rateLimitPerS: 20,
        mutating: false,
        clientToken: false,
        inputs: [f("InstanceId", "String", true), f("Offset", "Number"), f("Limit", "Number")],
        outputs: [f("TotalCount", "Number", true), f("Things", "Thing[]", true)],
        source: "sdk",
      },
    },
    structures: { Thing: { name: "Thing", fields: [f("Size", "Number")] } },
  };
  const seedField = (name: string, type: string, required?: boolean, nullable = false) => ({
    name,
    type,
    rawType: type,
    doc: "",
    nullable,
    ...(required === undefined ? {} : { required }),
  });
  const seed: SeedDoc = {
    file: "demo-2020-01-01-api.txt",
    service: "demo",
    version: "2020-01-01",
    actions: new Map([
      ["DescribeThings", {
        name: "DescribeThings",
        doc: "",
        rateLimitPerS: 5,
        inputs: [seedField("Instanceid", "String", true), seedField("Limit", "Integer", true)],
        outputs: [seedField("TotalCount", "Integer", undefined, true)],
        errors: { "ResourceNotFound": "没有" },
      }],
      ["CreateGadget", {
        name: "CreateGadget",
        doc: "创建。",
        inputs: [seedField("Name", "String", true)],
        outputs: [seedField("Gadget", "Gadget")],
        errors: {},
      }],
    ]),
    structures: new Map([
      ["Thing", { name: "Thing", doc: "", fields: [seedField("Size", "Integer", true)] }],
      ["Gadget", { name: "Gadget", doc: "小工具", fields: [seedField("Id", "String")] }],
    ]),
  };
  const renames: Rename[] = [];
  const merged = applySeed(sv, seed, renames);
  const a = merged.actions["DescribeThings"]!;
  assert.equal(a.source, "sdk+seed");
  assert.equal(a.rateLimitPerS, 5);
  assert.deepEqual(a.inputs.map((x) => [x.name, x.type, x.required]), [
    ["InstanceId", "String", true],
    ["Offset", "Number", false],
    ["Limit", "Integer", true],
  ]);
  assert.deepEqual(a.outputs.map((x) => [x.name, x.type, x.required]), [
    ["TotalCount", "Integer", false],
    ["Things", "Thing[]", true],
  ]);
  assert.deepEqual(a.errors, { "ResourceNotFound": "没有" });
  assert.deepEqual(renames, [{ where: "DescribeThings", seed: "Instanceid", sdk: "InstanceId" }]);
  const g = merged.actions["CreateGadget"]!;
  assert.equal(g.source, "seed");
  assert.equal(g.rateLimitPerS, 20);
  assert.equal(g.mutating, true);
  // The seed's required flag is kept; where the SDK says otherwise both are recorded.
  const differs = {
    seedRequired: true,
    sdkRequired: false,
    seed: "tools/seeds/demo-2020-01-01-api.txt",
  };
  assert.deepEqual(merged.structures["Thing"]!.fields, [{
    ...f("Size", "Integer", true),
    seedDiffers: differs,
  }]);
  assert.deepEqual(a.inputs.map((x) => x.seedDiffers), [undefined, undefined, differs]);
  assert.equal(merged.structures["Gadget"]!.doc, "小工具");
  // The input is not modified.
  assert.equal(sv.actions["DescribeThings"]!.inputs[0]!.name, "InstanceId");
  assert.equal(sv.structures["Thing"]!.fields[0]!.type, "Number");
});
