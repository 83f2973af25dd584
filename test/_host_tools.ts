/**
 * Tools of the host that some tests drive (headless Chromium, Jupyter). Tests never install
 * anything: `.ci/run` does. When a tool is missing, its tests are skipped with one clear line
 * (the install command in it) on a developer's machine, and FAIL with that command on CI
 * (`CI=true`), so a CI that lost a package cannot pass by skipping.
 *
 * @module
 */

/** The first of `names` found on `PATH` (or given as an absolute path), else undefined. */
export async function which(...names: string[]): Promise<string | undefined> {
  const dirs = (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":");
  for (const name of names) {
    for (const path of name.startsWith("/") ? [name] : dirs.map((d) => `${d}/${name}`)) {
      try {
        if ((await Deno.stat(path)).isFile) return path;
      } catch {
        // not there
      }
    }
  }
  return undefined;
}

/** A host tool as a test sees it. */
export interface HostTool {
  /** The tool's path, when installed. */
  path: string | undefined;
  /** `Deno.test`'s `ignore`: the tool is missing and this is not CI. */
  ignore: boolean;
  /** The tool's path; throws the install command when it is missing (on CI). */
  require(): string;
}

/**
 * The gate of the tests that need a tool. `tests` names them in the skip line; `install` is
 * the command that installs the tool. `ci` defaults to `CI=true` in the environment.
 */
export function hostTool(
  tool: string,
  path: string | undefined,
  options: { tests: string; install: string; ci?: boolean },
): HostTool {
  const ci = options.ci ?? Deno.env.get("CI") === "true";
  const missing = `${tool} is not installed; install it with: ${options.install}`;
  if (path === undefined && !ci) console.error(`${options.tests}: skipped: ${missing}`);
  return {
    path,
    ignore: path === undefined && !ci,
    require() {
      if (path === undefined) throw new Error(`${missing} (.ci/run does this on CI)`);
      return path;
    },
  };
}
