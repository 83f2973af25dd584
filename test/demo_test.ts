/**
 * `deno task demo` keeps working run after run (PRODUCT.md section 16): `--emulator` now keeps
 * the emulator's state in the state dir, so the second demo meets what the first created (the
 * imported topics and groups, a usage plan bound to the service) and must still succeed. The
 * real task, twice, in the project's own state dir, as a user types it.
 */
import assert from "node:assert/strict";
import { ROOT } from "./_cli.ts";

async function demo(): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "--config", `${ROOT}deno.json`, "demo"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("the demo succeeds run after run, its emulator state kept between them", async () => {
  for (const round of ["first", "second"]) {
    const run = await demo();
    assert.equal(run.code, 0, `${round} demo: ${run.stderr}`);
    assert.match(run.stderr, /^run \S+ succeeded in .*: 9 succeeded$/m, `${round} demo`);
    assert.doesNotMatch(run.stderr, /Initialize|Ignored build scripts|^Task /m);
  }
  const state = await Deno.stat(`${ROOT}.tcflow/emulator/state.json`);
  assert.ok(state.isFile, "the emulator's state is kept in the state dir");
});
