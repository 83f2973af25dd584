import assert from "node:assert/strict";
import { KEY_ORDER, mergeDocs, type ServiceDocs, splitDocs } from "./docs.ts";
import type { ServiceVersion } from "./types.ts";

/** A service version with every kind of documentation, keys in their generated order. */
function sample(): ServiceVersion {
  return {
    service: "x",
    version: "2020-01-01",
    host: "x.tencentcloudapi.com",
    actions: {
      DescribeThings: {
        service: "x",
        version: "2020-01-01",
        name: "DescribeThings",
        rateLimitPerS: 20,
        mutating: false,
        clientToken: false,
        inputs: [
          { name: "Limit", type: "Integer", required: false, doc: "Page size.", max: 100 },
          { name: "Offset", type: "Integer", required: false },
          {
            name: "Kind",
            type: "String",
            required: true,
            doc: "The kind.",
            description: "The kind:\nA\nB",
            enum: ["A", "B"],
            example: "A",
          },
        ],
        outputs: [{ name: "Things", type: "Thing[]", required: true }],
        source: "sdk+seed",
        doc: "Lists things.",
        pagination: {
          style: "offset",
          offset: "Offset",
          offsetType: "Integer",
          limit: "Limit",
          limitType: "Integer",
          total: "",
          list: "Things",
        },
        errors: { "ResourceNotFound": "No such thing." },
        deprecated: "此接口已下线",
      },
      DeleteThing: {
        service: "x",
        version: "2020-01-01",
        name: "DeleteThing",
        rateLimitPerS: 10,
        mutating: true,
        clientToken: true,
        inputs: [],
        outputs: [],
        source: "sdk",
      },
    },
    structures: {
      Thing: {
        name: "Thing",
        fields: [{ name: "Secret", type: "String", required: true, doc: "A key.", secret: true }],
        doc: "A thing.",
      },
    },
  };
}

Deno.test("split then merge gives the service version back, key for key", () => {
  const full = sample();
  const { shape, docs } = splitDocs(structuredClone(full));
  const shapeText = JSON.stringify(shape);
  for (const key of ["doc", "description", "example", "errors", "No such thing"]) {
    assert.ok(!shapeText.includes(key), `${key} left in the shape`);
  }
  // What validation reads stays in the shape.
  const action = shape.actions.DescribeThings!;
  assert.deepEqual(action.inputs[2]!.enum, ["A", "B"]);
  assert.equal(action.inputs[0]!.max, 100);
  assert.equal(action.deprecated, "此接口已下线");
  assert.equal(shape.structures.Thing!.fields[0]!.secret, true);
  assert.equal(docs.actions.DeleteThing, undefined, "an action without docs is left out");
  assert.deepEqual(docs.actions.DescribeThings!.outputs, undefined);
  assert.deepEqual(docs.actions.DescribeThings!.inputs![1], {});

  // Through JSON, as the files are written and read.
  const read = JSON.parse(shapeText) as ServiceVersion;
  const handedOut = read.actions.DescribeThings!.inputs[2]!;
  mergeDocs(read, JSON.parse(JSON.stringify(docs)) as ServiceDocs);
  assert.equal(JSON.stringify(read), JSON.stringify(full));
  assert.equal(handedOut.description, "The kind:\nA\nB", "objects handed out gain their docs");
});

Deno.test("split puts keys in KEY_ORDER and refuses a key it does not know", () => {
  const sv = sample();
  const field = sv.actions.DescribeThings!.inputs[0]!;
  sv.actions.DescribeThings!.inputs[0] = { max: 100, doc: "Page size.", ...field };
  const { shape, docs } = splitDocs(sv);
  assert.deepEqual(Object.keys(shape.actions.DescribeThings!.inputs[0]!), [
    "name",
    "type",
    "required",
    "max",
  ]);
  assert.deepEqual(docs.actions.DescribeThings!.inputs![0], { doc: "Page size." });
  for (const keys of Object.values(KEY_ORDER)) assert.equal(new Set(keys).size, keys.length);

  const odd = sample();
  (odd.structures.Thing!.fields[0] as unknown as Record<string, unknown>).color = "red";
  assert.throws(() => splitDocs(odd), /unknown field key "color"/);
});

Deno.test("merge refuses documentation that does not match the shape", () => {
  const { shape, docs } = splitDocs(sample());
  const text = JSON.stringify(docs);
  const again = () => JSON.parse(text) as ServiceDocs;
  const fresh = () => JSON.parse(JSON.stringify(shape)) as ServiceVersion;

  assert.throws(() => mergeDocs(fresh(), { ...again(), version: "2021-01-01" }), /docs given/);
  const extra = again();
  extra.actions.Gone = { doc: "?" };
  assert.throws(() => mergeDocs(fresh(), extra), /no action Gone/);
  const short = again();
  short.actions.DescribeThings!.inputs!.pop();
  assert.throws(() => mergeDocs(fresh(), short), /do not match its fields/);
  const unknown = again();
  unknown.structures.Nope = { doc: "?" };
  assert.throws(() => mergeDocs(fresh(), unknown), /no structure Nope/);
});
