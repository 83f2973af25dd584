import assert from "node:assert/strict";
import { loadWorkflowFile } from "../workflow/load.ts";
import { buildIpynb, type IpynbCell, MOD_URL } from "./ipynb.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const JUPYTER_URL = new URL("./jupyter.ts", import.meta.url).href;
const text = (cell: IpynbCell | undefined) => cell?.source.join("") ?? "";

async function workflow(path: string) {
  const loaded = await loadWorkflowFile(path);
  assert.ok(loaded.workflow, "the workflow loads");
  return loaded.workflow;
}

/** Turns the code cells into one module: what every step cell displays is collected. */
function moduleOf(cells: IpynbCell[]): string {
  const code = cells.filter((c) => c.cell_type === "code");
  const [setup, ...rest] = code;
  const body = rest.map((cell) => {
    const shown = /^await display\(([^\n]*)\);$/.exec(text(cell).trim());
    assert.ok(shown, "a step cell displays one result");
    return `displays.push(await ${shown[1]});`;
  });
  return [text(setup), "const displays = [];", ...body, "export { displays, nb };"].join("\n");
}

Deno.test("ipynb: nbformat 4.5, a doc and a code cell per step, in order", async () => {
  const path = `${ROOT}workflows/rocketmq-smooth-migration.yaml`;
  const wf = await workflow(path);
  const doc = buildIpynb(wf, { workflowPath: path, emulator: true, inputs: { queueNum: 4n } });
  const parsed = JSON.parse(JSON.stringify(doc));
  assert.equal(parsed.nbformat, 4);
  assert.equal(parsed.nbformat_minor, 5);
  assert.equal(parsed.metadata.kernelspec.name, "deno");
  const ids = doc.cells.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-zA-Z0-9_-]{1,64}$/);
  for (const cell of doc.cells) {
    cell.source.slice(0, -1).forEach((line) => assert.ok(line.endsWith("\n")));
    assert.ok(!cell.source.at(-1)?.endsWith("\n"));
  }
  assert.deepEqual(doc.cells.map((c) => c.cell_type).slice(0, 4), [
    "markdown",
    "code",
    "markdown",
    "code",
  ]);
  assert.match(
    text(doc.cells[1]),
    new RegExp(`import \\{ display, openNotebook \\} from "${MOD_URL}"`),
  );
  assert.match(text(doc.cells[1]), /"emulator":true/);
  assert.match(text(doc.cells[1]), /"queueNum":4/);
  const runs = doc.cells.filter((c) => c.id.startsWith("run-")).map(text);
  assert.deepEqual(runs, wf.steps.map((s) => `await display(nb.run("${s.id}"));`));
  const docs = doc.cells.filter((c) => c.id.startsWith("doc-")).map(text);
  assert.match(docs[0]!, /^### 1\. `source_groups` `trocket.DescribeSourceClusterGroupList`/);
  assert.match(docs[0]!, /#### Source consumer groups/);
  assert.match(docs[8]!, /### 9\. `check` \(assert\)/);
  assert.equal(text(doc.cells.at(-1)), "await display(nb.report());");
});

Deno.test("ipynb: the cells run the workflow in-process and render HTML", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${ROOT}workflows/rocketmq-smooth-migration.yaml`;
    const wf = await workflow(path);
    const doc = buildIpynb(wf, {
      workflowPath: path,
      emulator: true,
      stateDir: `${dir}/state`,
      moduleUrl: JUPYTER_URL,
    });
    const file = `${dir}/notebook.ts`;
    await Deno.writeTextFile(file, moduleOf(doc.cells));
    const mod = await import(`file://${file}`);
    try {
      const displays = mod.displays as Array<Record<symbol, () => Record<string, string>>>;
      assert.equal(displays.length, wf.steps.length + 1);
      wf.steps.forEach((step, i) => {
        const shown = displays[i]![Symbol.for("Jupyter.display")]!();
        assert.match(shown["text/html"]!, new RegExp(`<b>${i + 1}\\. ${step.id}</b>`));
        assert.match(shown["text/plain"]!, /succeeded/);
      });
      // Lists as tables: the source groups of the first cell.
      const first = displays[0]![Symbol.for("Jupyter.display")]!()["text/html"]!;
      assert.match(first, /<th[^>]*>GroupName<\/th>/);
      assert.match(first, /<td[^>]*>billing<\/td>/);
      const report = displays.at(-1)![Symbol.for("Jupyter.display")]!();
      assert.match(report["text/html"]!, /^<iframe/);
      assert.match(report["text/plain"]!, /# Run/);
      // The run was journaled.
      const runs = [...Deno.readDirSync(`${dir}/state/runs`)];
      assert.equal(runs.length, 1);
      assert.equal(runs[0]?.name, mod.nb.runId);
    } finally {
      await mod.nb.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("jupyter: a failed cell's error is highlighted, plan and set render", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/wf.yaml`;
    await Deno.writeTextFile(
      path,
      [
        "tcflow: 1",
        "name: failing",
        "region: ap-guangzhou",
        "inputs:",
        "  instanceId: { type: string, default: rmq-nope<b> }",
        "steps:",
        "  - id: topics",
        "    action: trocket.DescribeTopicList",
        '    with: { InstanceId: "${{ inputs.instanceId }}" }',
      ].join("\n"),
    );
    const { openNotebook } = await import(JUPYTER_URL);
    const nb = await openNotebook(path, { emulator: true, stateDir: `${dir}/state` });
    try {
      // The failed cell raises (Jupyter marks it failed); `show` renders it highlighted.
      await assert.rejects(() => nb.run("topics"), /cell 1 \(topics\) failed: ResourceNotFound/);
      const html = nb.show("topics")[Symbol.for("Jupyter.display")]()["text/html"];
      assert.match(html, /class="tcflow-error"/);
      assert.match(html, /ResourceNotFound/);
      assert.ok(!html.includes("rmq-nope<b>"), "text is escaped");
      const plan = nb.plan(1);
      assert.match((await plan).text, /"InstanceId": "rmq-nope<b>"/);
      // A failed cell is not stale: it did not finish.
      assert.match(nb.set("instanceId", "rmq-72mo3a9o").text, /no finished cell reads it/);
      assert.match((await nb.retry()).text, /succeeded/);
      assert.match(nb.set("instanceId", "rmq-2x9f8k1p").text, /stale: topics/);
      assert.match(nb.cells().html, /stale/);
    } finally {
      await nb.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
