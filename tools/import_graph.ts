/**
 * The import graph of tcflow's own modules, from `deno info --json`, and the rules that keep its
 * shape (ARCHITECTURE.md): each folder of `lib/` imports only its own files and folders below it,
 * no module imports another folder's private `_x.ts`, no import circles, and the emulator is
 * imported only where the program is wired together.
 *
 * `deno run --allow-read --allow-run --allow-write tools/import_graph.ts` prints the figures
 * (violations of each rule, modules loaded by `tcflow validate` and by `lib/expr/evaluate.ts`).
 *
 * @module
 */

/** An import edge between two repository paths (`lib/expr/evaluate.ts`). */
export interface Edge {
  from: string;
  to: string;
  /** `import()` rather than a static import. */
  dynamic: boolean;
  /**
   * Only types come through it (`import type`, `typeof import("…")`): checked by `deno check`,
   * never loaded by `deno run`.
   */
  typeOnly?: boolean;
}

/**
 * The layers of `lib/`, bottom first: a unit (a folder, or a file directly in `lib/`) may import
 * its own files and any unit of a lower layer, never one of its own layer or above. The
 * emulator is beside the product, not in a layer (see {@link EMULATOR_USERS}).
 */
export const LAYERS: readonly (readonly string[])[] = [
  [
    "errors.ts",
    "json.ts",
    "bigint_json.ts",
    "deps.ts",
    "crypto.ts",
    "redact.ts",
    "http1",
    "vendor",
  ],
  ["catalog", "redaction.ts"],
  ["expr"],
  ["secrets.ts"],
  ["workflow"],
  ["journal"],
  ["protocol"],
  ["tencent"],
  ["huawei"],
  ["provider"],
  ["engine"],
  ["report", "schedule", "cluster"],
  ["connect.ts"],
  ["client"],
  ["notebook"],
  ["cli"],
];

/** The units that may import the emulator (composition roots), besides `mod.ts` and `cli.ts`. */
export const EMULATOR_USERS: readonly string[] = ["cli", "connect.ts"];

const RANK = new Map(LAYERS.flatMap((units, rank) => units.map((unit) => [unit, rank] as const)));

/** The unit of a repository path: `lib/expr/x.ts` → `expr`, `lib/json.ts` → `json.ts`. */
export function unitOf(path: string): string | undefined {
  const parts = path.split("/");
  if (parts[0] !== "lib" || parts.length < 2) return undefined;
  return parts[1];
}

function isTest(path: string): boolean {
  return /_test\.ts$/.test(path) || /(^|\/)_\w*test\w*\.ts$/.test(path);
}

/** Edges that import a unit of the same layer or above (tests are exempt). */
export function upwardImports(edges: readonly Edge[]): Edge[] {
  return edges.filter(({ from, to }) => {
    const a = unitOf(from);
    const b = unitOf(to);
    if (a === undefined || b === undefined || a === b || isTest(from)) return false;
    if (a === "emulator" || b === "emulator") return false;
    const ra = RANK.get(a);
    const rb = RANK.get(b);
    return ra === undefined || rb === undefined || rb >= ra;
  });
}

/** Edges into the emulator from product code other than the composition roots. */
export function emulatorImports(edges: readonly Edge[]): Edge[] {
  return edges.filter(({ from, to }) => {
    const a = unitOf(from);
    if (unitOf(to) !== "emulator" || a === "emulator" || isTest(from)) return false;
    return a !== undefined && !EMULATOR_USERS.includes(a);
  });
}

/** Edges to another folder's private `_x.ts` module. */
export function privateImports(edges: readonly Edge[]): Edge[] {
  const dir = (path: string) => path.slice(0, path.lastIndexOf("/") + 1);
  const base = (path: string) => path.slice(path.lastIndexOf("/") + 1);
  return edges.filter(({ from, to }) =>
    base(to).startsWith("_") && dir(from) !== dir(to) && !isTest(from) && !isTest(to)
  );
}

/** Import circles: strongly connected groups of two modules or more (Tarjan), sorted. */
export function circles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (isTest(from)) continue;
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/**
 * The modules `deno run` loads from `roots`: static imports, and `import()` too when `dynamic`
 * (a literal specifier: Deno reads those modules at start-up); never type-only imports.
 */
export function closure(edges: readonly Edge[], roots: readonly string[], dynamic = false) {
  const seen = new Set<string>(roots);
  const todo = [...roots];
  while (todo.length > 0) {
    const at = todo.pop()!;
    for (const e of edges) {
      if (e.from !== at || (e.dynamic && !dynamic) || e.typeOnly || seen.has(e.to)) continue;
      seen.add(e.to);
      todo.push(e.to);
    }
  }
  return [...seen].sort();
}

interface InfoModule {
  specifier: string;
  dependencies?: Array<{
    specifier?: string;
    isDynamic?: boolean;
    code?: { specifier?: string };
    type?: { specifier?: string };
  }>;
}

/** The graph of the given root modules (repository paths), by `deno info --json`. */
export async function importGraph(
  root: string,
  roots: readonly string[],
): Promise<{ edges: Edge[]; modules: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-graph-" });
  try {
    const entry = `${dir}/all.ts`;
    const base = new URL(root.endsWith("/") ? root : root + "/", "file:///");
    await Deno.writeTextFile(
      entry,
      roots.map((path) => `import ${JSON.stringify(new URL(path, base).href)};\n`).join(""),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] };
    const local = (specifier: string | undefined) =>
      specifier?.startsWith(base.href) ? specifier.slice(base.href.length) : undefined;
    const edges: Edge[] = [];
    const modules: string[] = [];
    for (const module of info.modules) {
      const from = local(module.specifier);
      if (from === undefined) continue;
      modules.push(from);
      for (const dep of module.dependencies ?? []) {
        const code = local(dep.code?.specifier);
        const type = local(dep.type?.specifier);
        const dynamic = dep.isDynamic === true;
        if (code !== undefined && !edges.some((e) => e.from === from && e.to === code)) {
          edges.push({ from, to: code, dynamic });
        }
        if (type !== undefined && !edges.some((e) => e.from === from && e.to === type)) {
          edges.push({
            from,
            to: type,
            dynamic,
            ...(code === undefined ? { typeOnly: true } : {}),
          });
        }
      }
    }
    return { edges, modules: modules.sort() };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The product's modules: `mod.ts`, `cli.ts` and every non-test `.ts` of `lib/` but data. */
export async function productModules(root: string): Promise<string[]> {
  const found: string[] = ["cli.ts", "mod.ts"];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(`${root}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (path !== "lib/catalog/data" && path !== "lib/huawei/data") await walk(path);
      } else if (entry.name.endsWith(".ts") && !isTest(path)) found.push(path);
    }
  };
  await walk("lib");
  return found.sort();
}

/** Modules of a list that are emulator, CLI or network (protocol, client) modules. */
export function heavyModules(modules: readonly string[]): string[] {
  return modules.filter((m) =>
    ["emulator", "cli", "protocol", "provider", "tencent", "huawei", "engine", "client"]
      .includes(unitOf(m) ?? "")
  );
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url).pathname;
  const { edges } = await importGraph(root, await productModules(root));
  const show = (name: string, list: Edge[]) => {
    console.log(`${name}: ${list.length}`);
    for (const e of list) console.log(`  ${e.from} -> ${e.to}${e.dynamic ? " (dynamic)" : ""}`);
  };
  show("upward imports", upwardImports(edges));
  show("emulator imported by product code", emulatorImports(edges));
  show("cross-folder _x.ts imports", privateImports(edges));
  const found = circles(edges);
  console.log(`import circles: ${found.length}`);
  for (const c of found) console.log(`  ${c.join(" <-> ")}`);
  const evaluate = await importGraph(root, ["lib/expr/evaluate.ts"]);
  console.log(`deno info lib/expr/evaluate.ts: ${evaluate.modules.length} local modules`);
  const validate = closure(edges, ["cli.ts", "lib/cli/validate.ts"]);
  const allValidate = closure(
    edges.filter((e) => !(e.dynamic && e.from === "lib/cli/main.ts")),
    ["cli.ts", "lib/cli/validate.ts"],
    true,
  );
  console.log(
    `tcflow validate loads ${validate.length} local modules; emulator, CLI-other-than-validate ` +
      `or network modules among them: ${
        JSON.stringify(heavyModules(validate).filter((m) => !m.startsWith("lib/cli/")))
      }; with every import() but the command loaders: ${allValidate.length}, emulator ` +
      `modules among them: ${allValidate.filter((m) => unitOf(m) === "emulator").length}`,
  );
}
