/**
 * lib/vendor/ holds the npm packages `tcflow validate` loads, bundled as plain JavaScript
 * (tools/vendor_npm.ts): this test fails when a file is not what the tool makes from the
 * installed package (a new version in package.json, an edited file).
 */
import assert from "node:assert/strict";
import { VENDORED, vendoredText } from "../tools/vendor_npm.ts";

const ROOT = new URL("../", import.meta.url).pathname;

for (const v of VENDORED) {
  Deno.test(`${v.output} is npm ${v.name} as installed (else: deno task vendor)`, async () => {
    const expected = await vendoredText(v);
    const actual = await Deno.readTextFile(`${ROOT}${v.output}`);
    assert.ok(actual === expected, `${v.output} is out of date: run deno task vendor`);
  });
}

Deno.test("deno.json maps the packages to the vendored files", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as {
    imports: Record<string, string>;
  };
  assert.equal(config.imports["yaml"], "./lib/vendor/yaml.js");
  assert.equal(config.imports["@marcbachmann/cel-js"], "./lib/vendor/cel.js");
  assert.equal(config.imports["@marcbachmann/cel-js/evaluator"], "./lib/vendor/cel.js");
});
