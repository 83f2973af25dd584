/**
 * The checked-in typed-client types (`lib/client/types/`) are exactly what
 * `tools/gen_client_types.ts` generates from the catalog. Fix a failure with
 * `deno task client:types`.
 */
import assert from "node:assert/strict";
import {
  generateAll,
  GENERATED_MARK,
  TYPED_SERVICES,
  TYPES_DIR,
} from "../tools/gen_client_types.ts";

const root = decodeURIComponent(new URL("..", import.meta.url).pathname);

Deno.test("checked-in client types match the generator (run `deno task client:types` to fix)", async () => {
  const generated = await generateAll();
  assert.deepEqual(
    [...generated.keys()],
    TYPED_SERVICES.map((service) => `${TYPES_DIR}/${service}.ts`),
  );
  const stale: string[] = [];
  for (const [path, text] of generated) {
    assert.ok(text.startsWith(GENERATED_MARK), `${path} is not marked as generated`);
    let onDisk: string | undefined;
    try {
      onDisk = await Deno.readTextFile(`${root}${path}`);
    } catch {
      onDisk = undefined;
    }
    if (onDisk !== text) stale.push(onDisk === undefined ? `${path} (missing)` : path);
  }
  assert.deepEqual(stale, [], `out of date: ${stale.join(", ")}`);
  const extra = [...Deno.readDirSync(`${root}${TYPES_DIR}`)]
    .map((entry) => `${TYPES_DIR}/${entry.name}`)
    .filter((path) => !generated.has(path));
  assert.deepEqual(extra, [], `not generated: ${extra.join(", ")}`);
});

Deno.test("generated types follow the catalog's shapes", async () => {
  const trocket = (await generateAll()).get(`${TYPES_DIR}/trocket.ts`)!;
  // Integers: bigint | number in requests, bigint in responses; optional = not required.
  assert.match(
    trocket,
    /export interface DescribeTopicListRequest \{[^}]*\n {2}InstanceId: string;/,
  );
  assert.match(
    trocket,
    /export interface DescribeTopicListRequest \{[^}]*\n {2}Offset\?: bigint \| number;/,
  );
  assert.match(
    trocket,
    /export interface DescribeTopicListResponse \{[^}]*\n {2}TotalCount\?: bigint \| null;/,
  );
  assert.match(
    trocket,
    /export interface DescribeTopicListResponse \{[^}]*\n {2}Data: TopicItem\[\];/,
  );
  assert.match(trocket, /\n {2}DescribeTopicList\(\n {4}req: DescribeTopicListRequest,/);
});
