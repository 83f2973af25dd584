/**
 * The documentation of a Tencent service version is read apart from its shape, only when asked
 * (`lib/catalog/docs.ts`): the lookups validation makes (`clouds.ts`) read the shape alone.
 */
import assert from "node:assert/strict";
import {
  documentedServiceVersions,
  findAction,
  findStructure,
  loadDocs,
  loadedServiceVersions,
  serviceVersion,
} from "./catalog.ts";
import {
  findActionAnyCloud,
  findStructureAnyCloud,
  loadDocsAnyCloud,
  serviceVersionAnyCloud,
} from "./clouds.ts";

// Runs first: nothing else in this file has loaded a service version yet.
Deno.test("the lookups across clouds read shapes; loadDocs documents the same objects", () => {
  assert.deepEqual(loadedServiceVersions(), []);
  const spec = findActionAnyCloud("trocket", "DescribeTopicList")!;
  const item = findStructureAnyCloud("trocket", "2023-03-08", "TopicItem")!;
  serviceVersionAnyCloud("apigateway");
  assert.deepEqual(loadedServiceVersions(), ["apigateway/2018-08-08", "trocket/2023-03-08"]);
  assert.deepEqual(documentedServiceVersions(), []);
  // The shape has what validation reads, and no documentation.
  assert.equal(spec.pagination?.list, "Data");
  assert.ok(spec.inputs.some((f) => f.name === "InstanceId" && f.required));
  assert.equal(spec.doc, undefined);
  assert.ok(spec.inputs.every((f) => f.doc === undefined && f.description === undefined));
  assert.equal(item.doc, undefined);

  loadDocsAnyCloud("trocket", "2023-03-08");
  assert.deepEqual(documentedServiceVersions(), ["trocket/2023-03-08"]);
  assert.ok(spec.doc, "the action handed out before has its doc");
  assert.ok(spec.inputs.find((f) => f.name === "InstanceId")?.doc);
  assert.ok(item.doc);
  loadDocsAnyCloud("huaweicloud/cph", "v1"); // documented in its one file: nothing to do
  loadDocsAnyCloud("nosuchservice", "2020-01-01");
  assert.deepEqual(documentedServiceVersions(), ["trocket/2023-03-08"]);
});

Deno.test("findAction, findStructure and serviceVersion give documented objects", () => {
  const spec = findAction("apigateway", "CreateUsagePlan")!;
  assert.deepEqual(documentedServiceVersions(), ["apigateway/2018-08-08", "trocket/2023-03-08"]);
  assert.ok(spec.doc);
  assert.ok(findStructure("ssl", "2019-12-05", "Certificates")?.fields.some((f) => f.doc));
  assert.ok(serviceVersion("yunjing")?.actions.DescribeMachines?.doc);
  assert.ok(documentedServiceVersions().includes("ssl/2019-12-05"));
  // Once merged, merging again changes nothing.
  const before = JSON.stringify(serviceVersion("apigateway"));
  loadDocs("apigateway", "2018-08-08");
  assert.equal(JSON.stringify(serviceVersion("apigateway")), before);
});

Deno.test("every service version's documentation fits its shape", () => {
  const root = new URL("./data/", import.meta.url);
  let versions = 0;
  for (const dir of Deno.readDirSync(root)) {
    if (!dir.isDirectory) continue;
    for (const file of Deno.readDirSync(new URL(`${dir.name}/`, root))) {
      if (!file.name.endsWith(".docs.json")) continue;
      const version = file.name.slice(0, -".docs.json".length);
      assert.ok(serviceVersion(dir.name, version), `${dir.name}/${version}`); // throws on a misfit
      versions++;
    }
  }
  assert.ok(versions > 250, `${versions} documented service versions`);
});
