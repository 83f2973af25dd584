/**
 * The notebook that `tcflow ipynb` writes, executed headlessly by a real Jupyter (Debian's
 * `jupyter-nbconvert` with nbclient) on Deno's kernel against the emulator: every step cell
 * runs, shows rich HTML, and the run succeeds. `.ci/run` installs Jupyter; without it the test
 * is skipped with one line, or fails with the install command on CI (`_host_tools.ts`).
 */
import assert from "node:assert/strict";
import { ROOT, runCli } from "./_cli.ts";
import { hostTool, which } from "./_host_tools.ts";

const nbconvert = hostTool("jupyter-nbconvert", await which("jupyter-nbconvert"), {
  tests: "jupyter_test",
  install:
    "sudo apt-get install -y jupyter-nbconvert jupyter-client python3-nbclient python3-ipykernel",
});

type Output = { output_type: string; data?: Record<string, string[]>; ename?: string };
type NotebookCell = { cell_type: string; source: string[]; outputs?: Output[] };

Deno.test({
  name: "a generated notebook runs in Jupyter on Deno's kernel, one cell per step",
  ignore: nbconvert.ignore,
  async fn() {
    // The kernel must find tcflow's deno.json (npm packages), so the notebook lives in the tree.
    await Deno.mkdir(`${ROOT}.tcflow`, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: `${ROOT}.tcflow`, prefix: "jupyter-" });
    const jupyterDir = `${dir}/jupyter`;
    try {
      // Register Deno's kernel for this Deno binary in a private Jupyter data dir (what
      // `deno jupyter --install` writes, without touching the user's own kernels).
      await Deno.mkdir(`${jupyterDir}/kernels/deno`, { recursive: true });
      await Deno.writeTextFile(
        `${jupyterDir}/kernels/deno/kernel.json`,
        JSON.stringify({
          argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
          display_name: "Deno",
          language: "typescript",
        }),
      );

      const notebook = `${dir}/migration.ipynb`;
      const written = await runCli([
        "ipynb",
        `${ROOT}workflows/rocketmq-smooth-migration.yaml`,
        "--emulator",
        "--out",
        "migration.ipynb",
      ], { cwd: dir });
      assert.equal(written.code, 0, written.stderr);
      // Paths relative to the notebook: no file:/// URL, no absolute path of this machine.
      const text = await Deno.readTextFile(notebook);
      assert.doesNotMatch(text, /file:\/\//);
      assert.ok(!text.includes(ROOT), "no absolute path in the notebook");
      assert.match(text, /from \\"\.\.\/\.\.\/mod\.ts\\"/);

      const executed = await new Deno.Command(nbconvert.require(), {
        args: [
          "--to",
          "notebook",
          "--execute",
          "--ExecutePreprocessor.timeout=120",
          "--output",
          "executed.ipynb",
          notebook,
        ],
        cwd: dir,
        env: { JUPYTER_DATA_DIR: jupyterDir, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(executed.success, new TextDecoder().decode(executed.stderr).slice(-2000));

      const result = JSON.parse(await Deno.readTextFile(`${dir}/executed.ipynb`)) as {
        cells: NotebookCell[];
      };
      const code = result.cells.filter((cell) => cell.cell_type === "code");
      const outputs = code.flatMap((cell) => cell.outputs ?? []);
      assert.deepEqual(outputs.filter((o) => o.output_type === "error"), [], "no cell failed");
      const html = outputs.map((o) => (o.data?.["text/html"] ?? []).join("")).join("\n");
      for (const step of ["source_groups", "import_topics", "topics", "plan", "bind", "check"]) {
        assert.ok(html.includes(step), `the HTML output shows step ${step}`);
      }
      assert.match(html, /<table/, "results are rendered as tables");
      assert.match(html, /orders/, "the imported topics appear in the output");
      assert.match(html, /succeeded/);
      assert.doesNotMatch(html, /tcflow-demo-secret-key/);
      // Its run went to the state dir of the folder it was written from: `tcflow runs` there
      // lists it.
      const runs = await runCli(["runs", "--json"], { cwd: dir });
      assert.equal(runs.code, 0, runs.stderr);
      const listed = JSON.parse(runs.stdout).runs as Array<{ workflow: string; status: string }>;
      assert.deepEqual(
        listed.map((r) => [r.workflow, r.status]),
        [["rocketmq-smooth-migration", "succeeded"]],
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a step that fails in Jupyter fails jupyter nbconvert --execute, naming the cell",
  ignore: nbconvert.ignore,
  async fn() {
    await Deno.mkdir(`${ROOT}.tcflow`, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: `${ROOT}.tcflow`, prefix: "jupyter-" });
    const jupyterDir = `${dir}/jupyter`;
    try {
      await Deno.mkdir(`${jupyterDir}/kernels/deno`, { recursive: true });
      await Deno.writeTextFile(
        `${jupyterDir}/kernels/deno/kernel.json`,
        JSON.stringify({
          argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
          display_name: "Deno",
          language: "typescript",
        }),
      );
      await Deno.writeTextFile(
        `${dir}/fails.yaml`,
        `tcflow: 1
name: fails
region: ap-guangzhou
steps:
  - id: topics
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-2x9f8k1p }
  - id: check
    assert: \${{ steps.topics.outputs.TotalCount == 0 }}
    message: expected no topics
`,
      );
      const written = await runCli(["ipynb", "fails.yaml", "--emulator", "--out", "fails.ipynb"], {
        cwd: dir,
      });
      assert.equal(written.code, 0, written.stderr);
      const executed = await new Deno.Command(nbconvert.require(), {
        args: [
          "--to",
          "notebook",
          "--execute",
          "--ExecutePreprocessor.timeout=120",
          "--output",
          "executed.ipynb",
          "fails.ipynb",
        ],
        cwd: dir,
        env: { JUPYTER_DATA_DIR: jupyterDir, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(executed.stderr);
      assert.notEqual(executed.code, 0, "nbconvert --execute fails with the cell");
      assert.match(stderr, /nb\.run\("check"\)/, "the failing cell is shown");
      assert.match(stderr, /check.*failed.*expected no topics/s);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
