import assert from "node:assert/strict";
import { hostTool, which } from "./_host_tools.ts";

Deno.test("a missing tool on CI is not skipped: the test fails with the install command", () => {
  const tool = hostTool("chromium", undefined, {
    tests: "x_test",
    install: "sudo apt-get install -y chromium",
    ci: true,
  });
  assert.equal(tool.ignore, false);
  assert.throws(
    () => tool.require(),
    /chromium is not installed; install it with: sudo apt-get install -y chromium/,
  );
});

Deno.test("a missing tool elsewhere: skipped with one line naming the install command", () => {
  const lines: string[] = [];
  const error = console.error;
  console.error = (line: string) => lines.push(line);
  try {
    const tool = hostTool("jupyter-nbconvert", undefined, {
      tests: "jupyter_test",
      install: "sudo apt-get install -y jupyter-nbconvert",
      ci: false,
    });
    assert.equal(tool.ignore, true);
  } finally {
    console.error = error;
  }
  assert.deepEqual(lines, [
    "jupyter_test: skipped: jupyter-nbconvert is not installed; install it with: sudo apt-get install -y jupyter-nbconvert",
  ]);
});

Deno.test("an installed tool runs, on CI or not", async () => {
  const sh = await which("sh");
  assert.ok(sh !== undefined && sh.endsWith("/sh"));
  for (const ci of [true, false]) {
    const tool = hostTool("sh", sh, { tests: "t", install: "-", ci });
    assert.equal(tool.ignore, false);
    assert.equal(tool.require(), sh);
  }
  assert.equal(await which("no-such-tool-anywhere", "/no/such/path"), undefined);
});
