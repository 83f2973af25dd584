/**
 * The checked-in catalog (`lib/catalog/data/`) is exactly what `tools/gen_catalog.ts`
 * produces from the installed SDK and the seeds. Fix a failure with `deno task catalog`.
 */
import assert from "node:assert/strict";
import {
  asciiJson,
  DATA_DIR,
  existingDataFiles,
  generateCatalog,
  GENERATED_BY,
} from "../tools/gen_catalog.ts";

const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");

Deno.test("checked-in catalog matches the generator (run `deno task catalog` to fix)", () => {
  const generated = generateCatalog({ root });
  assert.ok(generated.size > 250, `only ${generated.size} files generated`);
  const stale: string[] = [];
  for (const [rel, text] of generated) {
    let onDisk: string | undefined;
    try {
      onDisk = Deno.readTextFileSync(`${root}/${rel}`);
    } catch {
      onDisk = undefined;
    }
    if (onDisk !== text) stale.push(onDisk === undefined ? `${rel} (missing)` : rel);
  }
  const extra = existingDataFiles(root).filter((rel) => !generated.has(rel));
  assert.deepEqual(stale, [], `out of date: ${stale.slice(0, 10).join(", ")}`);
  assert.deepEqual(extra, [], `not generated: ${extra.slice(0, 10).join(", ")}`);
});

Deno.test("every data file is marked as generated", () => {
  const marks = [JSON.stringify(GENERATED_BY), asciiJson(JSON.stringify(GENERATED_BY))];
  for (const rel of existingDataFiles(root)) {
    assert.ok(rel.startsWith(`${DATA_DIR}/`), rel);
    const head = Deno.readTextFileSync(`${root}/${rel}`).slice(0, 400);
    assert.ok(marks.some((mark) => head.startsWith(`{"generatedBy":${mark}`)), rel);
  }
});

Deno.test("each service version is a shape in ASCII beside its documentation", () => {
  const files = new Set(existingDataFiles(root));
  let versions = 0;
  for (const rel of files) {
    if (!/\/[^/]+\/[^/]+\.docs\.json$/.test(rel)) continue;
    const shape = rel.replace(/\.docs\.json$/, ".json");
    assert.ok(files.has(shape), `${rel} without ${shape}`);
    // What every validation reads (services.json, the shapes) is printable ASCII: faster to decode.
    assert.ok(/^[ -~]*$/.test(Deno.readTextFileSync(`${root}/${shape}`)), shape);
    versions++;
  }
  assert.ok(versions > 250, `${versions} service versions`);
  const services = Deno.readTextFileSync(`${root}/${DATA_DIR}/services.json`);
  assert.ok(/^[ -~]*$/.test(services));
});
