/**
 * `deno task vendor`: bundles the ES module builds of the npm packages `tcflow validate` loads
 * (`js-yaml`, `yaml`, `@marcbachmann/cel-js`), and `croner` (the scheduler's cron matching), into one plain
 * JavaScript file each under `lib/vendor/`,
 * mapped in `deno.json` `imports`. Loaded from a file, they need neither npm resolution nor
 * Deno's Node compatibility layer (npm `yaml` resolves to its CommonJS build under Deno), which
 * took most of `tcflow validate`'s start-up. Types come from the npm packages (`*.d.ts` beside
 * each file). `test/vendor_test.ts` checks that the files are what this tool makes from the
 * installed packages.
 *
 * `deno run -A tools/vendor_npm.ts` writes the files; `--check` only compares.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname;

/** One vendored package. */
export interface Vendored {
  /** The npm package. */
  name: string;
  /** The entry file bundled (in `tools/vendor/`). */
  entry: string;
  /** The bundle, with its `.d.ts` beside it. */
  output: string;
  /** JavaScript put before the bundle, with why. */
  prelude?: string;
}

/** The vendored packages. */
export const VENDORED: readonly Vendored[] = [
  { name: "yaml", entry: "tools/vendor/yaml_entry.js", output: "lib/vendor/yaml.js" },
  // The parser events of js-yaml, from which `parseWorkflow` composes its tree (only
  // `parseEvents` and `getScalarValue`): cold, several times faster than the `yaml` package.
  { name: "js-yaml", entry: "tools/vendor/js_yaml_entry.js", output: "lib/vendor/js_yaml.js" },
  {
    name: "@marcbachmann/cel-js",
    entry: "tools/vendor/cel_entry.js",
    output: "lib/vendor/cel.js",
    // cel-js maps Node's Buffer to CEL bytes when the global exists; reading it makes Deno load
    // node:buffer (~20 ms). tcflow only parses with cel-js (it type-checks and evaluates CEL
    // itself, bytes as Uint8Array), so the bundle sees no Buffer: cel-js's own fallback.
    prelude: "const Buffer = undefined; // tools/vendor_npm.ts: cel-js without node:buffer\n",
  },
  // Cron matching for `tcflow schedule` (not loaded by validate): imported by relative path, so
  // the library needs no import map for it.
  { name: "croner", entry: "tools/vendor/croner_entry.js", output: "lib/vendor/croner.js" },
];

async function installedVersion(name: string): Promise<string> {
  const text = await Deno.readTextFile(`${ROOT}node_modules/${name}/package.json`);
  return (JSON.parse(text) as { version: string }).version;
}

/** The text `output` must hold: a header naming the package version, then the bundle. */
export async function vendoredText(v: Vendored): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--no-config", "--no-lock", v.entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno bundle ${v.entry} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const types = v.output.slice(v.output.lastIndexOf("/") + 1).replace(/\.js$/, ".d.ts");
  return `// @ts-self-types="./${types}"\n` +
    `// npm ${v.name}@${await installedVersion(v.name)}, bundled by tools/vendor_npm.ts ` +
    `(deno task vendor) from ${v.entry}. Do not edit.\n` + (v.prelude ?? "") +
    new TextDecoder().decode(out.stdout);
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  let stale = 0;
  for (const v of VENDORED) {
    const text = await vendoredText(v);
    const path = `${ROOT}${v.output}`;
    const current = await Deno.readTextFile(path).catch(() => undefined);
    if (current === text) continue;
    stale++;
    if (check) console.error(`${v.output} is out of date: run deno task vendor`);
    else {
      await Deno.writeTextFile(path, text);
      console.log(`wrote ${v.output}`);
    }
  }
  if (check && stale > 0) Deno.exit(1);
}
