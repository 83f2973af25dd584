/**
 * A seeded mutation fuzzer for workflow files, shared by `test/fuzz_test.ts` (a bounded number
 * of iterations in CI) and `tools/proof_fuzz.ts` (many more, with figures).
 *
 * Each case takes a valid sample workflow and applies one to three mutations: byte flips, line
 * deletions and duplications, indentation changes, key renames, expression token swaps,
 * truncation. The case is then loaded with `loadWorkflowText` and judged by
 * {@link judgeCase}: it must be valid, or have at least one error diagnostic with a known code
 * and a position inside the file, without throwing and within a time bound.
 *
 * @module
 */
import { loadWorkflowText } from "../lib/workflow/load.ts";
import type { Diagnostic } from "../lib/workflow/diagnostic.ts";
import { createRng, type Rng } from "./_random.ts";

/** The kinds of mutation the fuzzer applies. */
export const MUTATIONS = [
  "byte-flip",
  "line-delete",
  "line-duplicate",
  "line-swap",
  "indent",
  "key-rename",
  "expr-token",
  "truncate",
  "insert-junk",
] as const;

/** One kind of mutation. */
export type Mutation = typeof MUTATIONS[number];

/** Every diagnostic code, read from the source of truth (`lib/workflow/diagnostic.ts`). */
export function knownCodes(): Set<string> {
  const source = Deno.readTextFileSync(
    new URL("../lib/workflow/diagnostic.ts", import.meta.url),
  );
  const union = /export type DiagnosticCode =([\s\S]*?);/.exec(source)?.[1] ?? "";
  return new Set([...union.matchAll(/"([A-Z_]+)"/g)].map((m) => m[1]!));
}

/** The sample workflows of `workflows/`, by file name. */
export function sampleWorkflows(): Array<{ name: string; source: string }> {
  const dir = new URL("../workflows/", import.meta.url);
  return [...Deno.readDirSync(dir)]
    .filter((entry) => entry.isFile && entry.name.endsWith(".yaml"))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, source: Deno.readTextFileSync(new URL(name, dir)) }));
}

/** Characters a byte flip writes: YAML and expression syntax, quotes, controls, unicode. */
const FLIP_CHARS = [
  ..."{}[]:,-#&*!|>'\"%@`?$()+.=<;\\/ \t\n",
  "\0",
  "\u0001",
  "\u00e9",
  "\u200b",
  "\ufeff",
  "\ud83d\ude00",
  "0",
  "9",
  "x",
];

/** Tokens an expression mutation puts in place of an expression token. */
const EXPR_TOKENS = [
  "inputs",
  "steps",
  "outputs",
  "item",
  "index",
  "run",
  "env",
  "size",
  "map",
  "filter",
  "exists",
  "has",
  "int",
  "string",
  "constructor",
  "__proto__",
  "prototype",
  "Deno",
  "globalThis",
  "this",
  "fetch",
  "import",
  ".",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  "?",
  ":",
  "+",
  "-",
  "*",
  "/",
  "%",
  "==",
  "!=",
  "<",
  ">=",
  "&&",
  "||",
  "!",
  "in",
  "0",
  "-1",
  "9223372036854775807",
  "18446744073709551615u",
  "1e308",
  "'x'",
  '"',
  "b'\\xff'",
  "null",
  "true",
  "${{",
  "}}",
];

/** Replaces one token inside the first `${{ … }}` after a random point. */
function mutateExpression(text: string, rng: Rng): string | undefined {
  const starts = [...text.matchAll(/\$\{\{/g)].map((m) => m.index!);
  if (starts.length === 0) return undefined;
  const start = rng.pick(starts) + 3;
  const end = text.indexOf("}}", start);
  if (end < 0) return undefined;
  const body = text.slice(start, end);
  const tokens = [...body.matchAll(/[A-Za-z_][A-Za-z0-9_]*|\d+|'[^']*'|"[^"]*"|\S/g)];
  const replacement = rng.pick(EXPR_TOKENS);
  if (tokens.length === 0) return text.slice(0, start) + ` ${replacement} ` + text.slice(end);
  const token = rng.pick(tokens);
  const at = start + token.index!;
  const kind = rng.int(0, 2);
  if (kind === 0) return text.slice(0, at) + replacement + text.slice(at + token[0].length);
  if (kind === 1) return text.slice(0, at) + replacement + " " + text.slice(at); // insert
  return text.slice(0, at) + text.slice(at + token[0].length); // delete
}

/** Applies one mutation; returns the text unchanged when the mutation does not apply. */
export function mutate(text: string, kind: Mutation, rng: Rng): string {
  const lines = text.split("\n");
  const line = rng.int(0, Math.max(0, lines.length - 1));
  switch (kind) {
    case "byte-flip": {
      if (text.length === 0) return rng.pick(FLIP_CHARS);
      const at = rng.int(0, text.length - 1);
      return text.slice(0, at) + rng.pick(FLIP_CHARS) + text.slice(at + 1);
    }
    case "line-delete":
      lines.splice(line, 1);
      return lines.join("\n");
    case "line-duplicate":
      lines.splice(line, 0, lines[line] ?? "");
      return lines.join("\n");
    case "line-swap": {
      const other = rng.int(0, Math.max(0, lines.length - 1));
      [lines[line], lines[other]] = [lines[other] ?? "", lines[line] ?? ""];
      return lines.join("\n");
    }
    case "indent": {
      const current = lines[line] ?? "";
      const choice = rng.int(0, 3);
      lines[line] = choice === 0
        ? "  " + current
        : choice === 1
        ? current.replace(/^ {1,2}/, "")
        : choice === 2
        ? "\t" + current
        : " " + current;
      return lines.join("\n");
    }
    case "key-rename": {
      const keyed = lines
        .map((l, i) => ({ i, m: /^(\s*-?\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*:)/.exec(l) }))
        .filter((x) => x.m !== null);
      if (keyed.length === 0) return text;
      const { i, m } = rng.pick(keyed);
      const key = m![2]!;
      const renamed = rng.pick([
        key.slice(0, -1),
        key + "s",
        key.toUpperCase(),
        key[0]!.toUpperCase() + key.slice(1),
        key.replace(/[aeiou]/, ""),
        "id",
        "steps",
        "with",
        "__proto__",
        "constructor",
      ]);
      lines[i] = lines[i]!.replace(m![0], `${m![1]}${renamed}${m![3]}`);
      return lines.join("\n");
    }
    case "expr-token":
      return mutateExpression(text, rng) ?? text;
    case "truncate":
      return text.slice(0, rng.int(0, text.length));
    case "insert-junk": {
      const junk = rng.pick([
        "&a [*a]",
        "*nope",
        "!!binary AAAA",
        "? complex",
        "<<: *x",
        "'unterminated",
        '"\\u12',
        "{ a: [ }",
        "%YAML 1.1",
        "---",
        "...",
        "- - - -",
        "${{ ",
      ]);
      const at = rng.int(0, text.length);
      return text.slice(0, at) + junk + text.slice(at);
    }
  }
}

/** One generated case. */
export interface FuzzCase {
  index: number;
  sample: string;
  mutations: Mutation[];
  source: string;
}

/** The cases of a seed: the same seed and count always give the same cases. */
export function* fuzzCases(seed: number, count: number): Generator<FuzzCase> {
  const rng = createRng(seed);
  const samples = sampleWorkflows();
  for (let index = 0; index < count; index++) {
    const sample = rng.pick(samples);
    const mutations: Mutation[] = [];
    let source = sample.source;
    const n = rng.int(1, 3);
    for (let i = 0; i < n; i++) {
      const kind = rng.pick(MUTATIONS);
      mutations.push(kind);
      source = mutate(source, kind, rng);
    }
    yield { index, sample: sample.name, mutations, source };
  }
}

/** What loading a case gave. */
export interface FuzzOutcome {
  valid: boolean;
  diagnostics: Diagnostic[];
  elapsedMs: number;
  /** Why the case breaks the contract ([] when it does not). */
  problems: string[];
}

/**
 * Loads a case and checks the contract: never throws; valid, or at least one error with a
 * known code, the case's file name, a non-empty message and a position inside the text.
 */
export function judgeCase(
  source: string,
  options: { codes: Set<string>; maxMs: number; file?: string },
): FuzzOutcome {
  const file = options.file ?? "fuzz.yaml";
  const problems: string[] = [];
  const started = performance.now();
  let diagnostics: Diagnostic[] = [];
  let valid = false;
  try {
    const result = loadWorkflowText(source, file);
    diagnostics = result.diagnostics;
    const errors = diagnostics.filter((d) => d.severity === "error");
    valid = result.workflow !== undefined;
    if (valid && errors.length > 0) problems.push("a workflow was returned with errors");
    if (!valid && errors.length === 0) problems.push("no workflow and no error diagnostic");
  } catch (error) {
    problems.push(`threw: ${error instanceof Error ? error.stack ?? error.message : error}`);
  }
  const elapsedMs = performance.now() - started;
  if (elapsedMs > options.maxMs) problems.push(`took ${elapsedMs.toFixed(0)} ms`);
  const lines = source.split("\n");
  for (const d of diagnostics) {
    const where = `${d.code} ${d.line}:${d.column}`;
    if (!options.codes.has(d.code)) problems.push(`unknown code ${d.code}`);
    if (d.file !== file) problems.push(`${where}: file ${d.file}`);
    if (typeof d.message !== "string" || d.message.trim() === "") {
      problems.push(`${where}: empty message`);
    }
    if (!Number.isInteger(d.line) || d.line < 1 || d.line > lines.length + 1) {
      problems.push(`${where}: line outside the file (${lines.length} lines)`);
    } else if (!Number.isInteger(d.column) || d.column < 1) {
      problems.push(`${where}: bad column`);
    } else {
      const width = [...(lines[d.line - 1] ?? "")].length + 1;
      // A position at the end of the text is allowed (an unexpected end of file).
      if (d.column > Math.max(width, (lines[d.line - 1] ?? "").length + 1)) {
        problems.push(`${where}: column past the end of line ${d.line}`);
      }
    }
  }
  return { valid, diagnostics, elapsedMs, problems };
}
