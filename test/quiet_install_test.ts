/**
 * A fresh clone's first `deno install` (what `npx --yes deno task -q demo` does first) prints
 * no "Ignored build scripts" warning: the `deno` package's install script is declined in
 * `deno.json` (`allowScripts`), its binary comes from its platform package (issue 16 item 10).
 * The project's manifest and lock in an empty folder; packages come from Deno's cache.
 */
import assert from "node:assert/strict";
import { ROOT } from "./_cli.ts";

Deno.test("a fresh deno install prints no 'Ignored build scripts' warning", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-install-" });
  try {
    for (const file of ["deno.json", "package.json", "deno.lock"]) {
      await Deno.copyFile(`${ROOT}${file}`, `${dir}/${file}`);
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["install"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.doesNotMatch(text, /Ignored build scripts/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
