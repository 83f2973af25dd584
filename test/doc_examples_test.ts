/**
 * Every `@example` of the library runs as a doc test (issue 16 item 10: only the 3 of `mod.ts`
 * were meant to run, and `deno test --doc` over the library stopped at the first example that
 * did not parse). The examples of every module that has one (`mod.ts`, `lib/`, `tools/`) run in
 * one `deno test --doc`: each must type-check and run, none left out.
 */
import assert from "node:assert/strict";
import { ROOT } from "./_cli.ts";

/** Modules with an `@example`, relative to the project, and how many examples they hold. */
async function modulesWithExamples(): Promise<{ files: string[]; examples: number }> {
  const files: string[] = [];
  let examples = 0;
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (path !== "lib/vendor" && path !== "lib/catalog/data") await walk(path);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        const count = (await Deno.readTextFile(`${ROOT}${path}`)).match(/@example\b/g)?.length ?? 0;
        if (count > 0) [files[files.length], examples] = [path, examples + count];
      }
    }
  };
  await walk("lib");
  await walk("tools");
  files.sort();
  return { files: ["mod.ts", ...files], examples: examples + 3 };
}

Deno.test("every @example of the library runs as a doc test", async () => {
  const { files, examples } = await modulesWithExamples();
  assert.ok(files.length > 50, `found ${files.length} modules with examples`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--doc", "--allow-all", "--no-prompt", ...files],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text.slice(-4000));
  const passed = Number(/ok \| (\d+) passed \| 0 failed/.exec(text)?.[1] ?? 0);
  assert.ok(passed >= examples, `${passed} doc tests ran for ${examples} @example tags`);
});
