/**
 * The two YAML composers of the workflow parser give the same tree: `_yaml_events.ts` (the
 * fast path, from js-yaml's parser events) and `_yaml_document.ts` (the `yaml` package).
 * Whenever the fast path composes a file, the `yaml` package must accept it too and compose
 * the same kinds, ranges, styles, values and alias targets; every file the fast path leaves
 * must still be composed (or refused) by the `yaml` package. The corpus: every YAML file of
 * the repository (the example workflows and the 257 invalid ones of `test/invalid/`), the
 * workflows of the README and the snippets below. `tcflow validate`'s loader, which imports the
 * `yaml` package only for the files the fast path leaves, reads them all as `parseWorkflow`.
 */
import assert from "node:assert/strict";
import { composeEvents } from "../lib/workflow/_yaml_events.ts";
import { composeDocument } from "../lib/workflow/_yaml_document.ts";
import type { YamlNode } from "../lib/workflow/_yaml_tree.ts";
import { maskExpressions } from "../lib/workflow/_mask.ts";
import { readWorkflowLazily } from "../lib/workflow/_read_workflow.ts";
import { parseWorkflow } from "../lib/workflow/parse.ts";

const ROOT = new URL("../", import.meta.url).pathname;

async function repositoryYaml(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const dir of ["workflows", "test/invalid", "test/crash"]) {
    for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
      if (!/\.ya?ml$/.test(entry.name)) continue;
      files.set(`${dir}/${entry.name}`, await Deno.readTextFile(`${ROOT}${dir}/${entry.name}`));
    }
  }
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  let n = 0;
  for (const match of readme.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    files.set(`README.md yaml block ${++n}`, match[1]!);
  }
  return files;
}

/** Tricky forms: every style, empty values, comments, anchors, flow collections, CRLF. */
const SNIPPETS = [
  "a: 1\nb: -2\nc: 0o17\nd: 0x1F\ne: 1.5\nf: .inf\ng: -.Inf\nh: .nan\ni: 1e3\nj: 1_000\n",
  "a: true\nb: False\nc: yes\nd: ~\ne: null\nf: NULL\ng: Null\nh: 'true'\ni: \"1\"\n",
  "[nothing, Nope, tRUE, Falsey, ~x, +.5, -.inf, .5, 1., +12, -0, 0o8, 0x, 0b1, 1e, 1e+3, .NaN, +1_0]\n",
  "a:\nb:   # comment\nc: x\n",
  "- \n-\n- x\n-   # c\n",
  "list:\n  - a\n  -\n  - b\n",
  "a: |\n  lit\n  two\nb: >-\n  folded\n  text\n\nc: |+\n  keep\n\n\nd: x\n",
  "a: |2\n   indented\nb: >\n\n  after blank\n",
  "nested:\n  x: |\n    a\n  y: 1\n",
  "a: &x {b: [1, 2, {c: d}], e: 'f'}\ng: *x\nh: &y\n  - 1\ni: *y\n",
  "a: [ ]\nb: {  }\nc: [a, b, ]  \nd: {x: 1,}\n",
  "a: \"multi\n  line\"\nb: 'it''s'\nc: plain\n  continued\n  more\n",
  "# leading comment\n\na: 1 # trailing\n\n# between\nb:\n  # inside\n  - 1 # one\n  # after\nc: 2\n",
  "---\na: 1\n",
  "---\na: 1\n...\n",
  "a: 1\r\nb:\r\n  - x\r\n  - y\r\n",
  "key with spaces: value with: colon\n\"quoted key\": 1\n'single': 2\n",
  'a: ${{ inputs.x }}\nb: "${{ steps.s.outputs.y }}"\nc: x-${{ 1 + 2 }}-y\n',
  "a: ${{ {'k': 1}['k'] }}\nb: ${{ [1, 2][0] }}\n",
  "a:\n- 1\n- 2\nb: x\n",
  "a:\n  - b: 1\n    c: 2\n  - d: 3\n",
  "a: !!str 1\n",
  "a: !custom x\n",
  "? k\n: v\n",
  "a: 1\n---\nb: 2\n",
  "%YAML 1.2\n---\na: 1\n",
  "a: *nope\n",
  "a: [b: c]\n",
  "a: b: c\n",
  "a:\n  - x\n y: 1\n",
  "",
  "# only a comment\n",
  "plain root\n",
  "- root\n- list\n",
  "a: 'unterminated\n",
  "a: {b: 1\n",
  "\ta: 1\n",
  "a: &anchor\nb: *anchor\n",
  "a: -\nb: -x\nc: - x\n",
  "a: x # c\n  # deeper comment\nb: y\n",
  "a:\n  - 1\n    # deeper\n\n\n",
  "a:\n  b: 1\n\n\n# end",
  "a: 1",
  "a:",
  "- - a\n  - b\n- - c\n",
  "- a: 1\n  b: 2\n- |\n  text\n- >\n  folded\n",
  "a: &x |\n  anchored\nb: *x\nc: &e\nd: 1\n",
  "a: |\r\n  crlf\r\n  two\r\n\r\nb: 1\r\n",
  '名前: 値 🙂\nb: "é ${{ 1 }}"\nc: [ü, 🙂]\n',
  "a: [1,\n  2,\n  3]\nb: {x: 1,\n  y: 2}\n",
  'a: "line\\\n  escaped"\n',
  "a: |-\n  x\n\n  \nb: 1\n",
  "a: |\n\n  after blank first\n",
  "a: >\n  x\n# comment\nb: 2\n",
  "a:\n  - |\n    x\n  - y\n",
  "a: 1 #c\nb: [x] # d\nc: {y: z} #e",
  "a: &x [*x]\n",
  "a: &x\n  b: *x\n",
  "a: &x 1\nb: &x 2\nc: *x\n",
];

/**
 * Compares two trees. The end of a block collection is compared by what it shows: the
 * `yaml` package may stretch it over comment lines after the last item, but both ends lie
 * to the end of the collection's first line or past it, so the caret underline (`snippet.ts`, clamped to the
 * line) is the same.
 */
function compare(
  text: string,
  events: YamlNode | null,
  doc: YamlNode | null,
  where: string,
): void {
  if (events === null || doc === null) {
    assert.equal(events, doc, `${where}: null`);
    return;
  }
  assert.equal(events.kind, doc.kind, `${where}: kind`);
  const [start, end] = doc.range;
  const block = (doc.kind === "map" || doc.kind === "seq") && !"[{".includes(text[start]!);
  if (block) {
    const lineEnd = text.indexOf("\n", start) < 0 ? text.length : text.indexOf("\n", start);
    assert.equal(events.range[0], start, `${where}: start of a block ${doc.kind}`);
    assert.ok(events.range[1] >= lineEnd && end >= lineEnd, `${where}: end of a block ${doc.kind}`);
  } else {
    assert.deepEqual(events.range, doc.range, `${where}: range of a ${doc.kind}`);
  }
  assert.equal(events.tag, doc.tag, `${where}: tag`);
  if (events.kind === "scalar" && doc.kind === "scalar") {
    assert.equal(events.type, doc.type, `${where}: style`);
    assert.ok(Object.is(events.value, doc.value), `${where}: ${events.value} vs ${doc.value}`);
  } else if (events.kind === "alias" && doc.kind === "alias") {
    assert.equal(events.source, doc.source, `${where}: alias`);
    assert.deepEqual(events.target?.range, doc.target?.range, `${where}: alias target`);
  } else if (events.kind === "seq" && doc.kind === "seq") {
    assert.equal(events.items.length, doc.items.length, `${where}: items`);
    events.items.forEach((item, i) => compare(text, item, doc.items[i]!, `${where}[${i}]`));
  } else if (events.kind === "map" && doc.kind === "map") {
    assert.equal(events.items.length, doc.items.length, `${where}: pairs`);
    events.items.forEach((pair, i) => {
      compare(text, pair.key, doc.items[i]!.key, `${where}.key${i}`);
      compare(text, pair.value, doc.items[i]!.value, `${where}.value${i}`);
    });
  }
}

Deno.test("the fast composer and the yaml package compose the same trees", async () => {
  const corpus = await repositoryYaml();
  SNIPPETS.forEach((text, i) => corpus.set(`snippet ${i}: ${JSON.stringify(text)}`, text));
  let composed = 0;
  const differences: string[] = [];
  for (const [name, source] of corpus) {
    const text = maskExpressions(source);
    const fast = composeEvents(text);
    const full = composeDocument(text, source, name);
    if (fast === undefined) continue;
    composed++;
    try {
      assert.equal(full.diagnostics, undefined, `${name}: the yaml package refuses it`);
      compare(text, fast, full.root!, name);
    } catch (error) {
      differences.push((error as Error).message.split("\n").slice(0, 12).join("\n"));
    }
  }
  console.log(`composed ${composed} of ${corpus.size}`);
  assert.deepEqual(differences, []);
  assert.ok(
    composed > corpus.size * 0.8,
    `the fast path composed only ${composed} of ${corpus.size}`,
  );
});

Deno.test("the fast composer takes every example workflow", async () => {
  for await (const entry of Deno.readDir(`${ROOT}workflows`)) {
    const text = maskExpressions(await Deno.readTextFile(`${ROOT}workflows/${entry.name}`));
    assert.notEqual(composeEvents(text), undefined, entry.name);
  }
});

Deno.test("the fast composer leaves errors, tags, directives and documents to the yaml package", () => {
  for (
    const text of [
      "a: 'unterminated\n",
      "a: !!str 1\n",
      "a: !custom x\n",
      "%YAML 1.2\n---\na: 1\n",
      "a: 1\n---\nb: 2\n",
      "a: *nope\n",
    ]
  ) {
    assert.equal(composeEvents(text), undefined, JSON.stringify(text));
  }
});

Deno.test("validate's lazy loader reads every file as parseWorkflow does", async () => {
  const corpus = await repositoryYaml();
  SNIPPETS.forEach((text, i) => corpus.set(`snippet ${i}`, text));
  for (const [name, source] of corpus) {
    assert.deepEqual(await readWorkflowLazily(source, name), parseWorkflow(source, name), name);
  }
});
