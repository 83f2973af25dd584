/**
 * Human rendering of diagnostics: `file:line:col: error E_REF: message`, the source line and
 * a caret line under the offending text.
 *
 * @module
 */
import type { Diagnostic } from "./diagnostic.ts";

/** Options of {@link formatDiagnostic}. */
export interface FormatOptions {
  /** ANSI colors (red errors, yellow warnings). Default false. */
  color?: boolean;
}

const RESET = "\x1b[0m";
const BOLD = "\x1b[1m";
const RED = "\x1b[31m";
const YELLOW = "\x1b[33m";
const BLUE = "\x1b[34m";

/**
 * Formats one diagnostic with a caret snippet of `source` (the file's text).
 *
 * @example
 * ```ts
 * import { formatDiagnostic } from "./snippet.ts";
 * const text = formatDiagnostic(
 *   { code: "E_REF", message: "unknown step `plna`", file: "w.yaml", line: 1, column: 4,
 *     severity: "error", length: 4 },
 *   "x: plna\n",
 * );
 * // w.yaml:1:4: error E_REF: unknown step `plna`
 * //   1 | x: plna
 * //     |    ^^^^
 * ```
 */
export function formatDiagnostic(d: Diagnostic, source: string, opts: FormatOptions = {}): string {
  const paint = (code: string, text: string) => opts.color ? `${code}${text}${RESET}` : text;
  const tone = d.severity === "error" ? RED : YELLOW;
  const header = `${paint(BOLD, `${d.file}:${d.line}:${d.column}:`)} ${
    paint(BOLD + tone, `${d.severity} ${d.code}:`)
  } ${d.message}`;
  const lineText = sourceLine(source, d.line);
  if (lineText === undefined) return header + "\n";
  const number = String(d.line);
  const gutter = " ".repeat(number.length);
  const start = Math.max(0, Math.min(d.column - 1, lineText.length));
  const available = Math.max(1, lineText.length - start);
  const width = Math.max(1, Math.min(d.length ?? 1, available));
  // Keep tabs in the padding so the carets line up with the text above.
  const padding = lineText.slice(0, start).replace(/[^\t]/g, " ");
  return [
    header,
    `${paint(BLUE, ` ${number} |`)} ${lineText}`,
    `${paint(BLUE, ` ${gutter} |`)} ${padding}${paint(tone, "^".repeat(width))}`,
    "",
  ].join("\n");
}

/** Line `line` (1-based) of `source` without its line break, or `undefined`. */
function sourceLine(source: string, line: number): string | undefined {
  if (line < 1 || source === "") return undefined;
  let start = 0;
  for (let i = 1; i < line; i++) {
    const next = source.indexOf("\n", start);
    if (next < 0) return undefined;
    start = next + 1;
  }
  if (start > source.length) return undefined;
  const end = source.indexOf("\n", start);
  const text = source.slice(start, end < 0 ? source.length : end);
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}

/** `N errors, M warnings in K files` (singulars where they apply). */
export function summaryLine(errors: number, warnings: number, files: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")} in ${plural(files, "file")}`;
}
