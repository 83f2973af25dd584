/**
 * Lists as tables: arrays of objects (or of scalars) rendered as aligned text for a terminal
 * (fitted to its width, long cells cut with `…`) and as HTML for Jupyter. Nested values are
 * shown as one-line JSON (64-bit integers exact).
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import { esc } from "../report/html.ts";

/** Options of {@link formatTable}. */
export interface TextTableOptions {
  /** Total width available, in characters (default 100). */
  maxWidth?: number;
  /** Rows shown; the rest are counted in a last line (default 50). */
  maxRows?: number;
  /** Indentation of every line. */
  indent?: string;
}

/** Options of {@link htmlTable}. */
export interface HtmlTableOptions {
  /** Rows shown; the rest are counted below the table (default 200). */
  maxRows?: number;
  /** Characters shown per cell before `…` (default 200). */
  maxCellChars?: number;
}

/** Narrowest a column is cut to when the table does not fit. */
const MIN_COLUMN = 6;

/**
 * Whether a value is shown as a table: a non-empty array whose items are all plain objects,
 * or all scalars.
 *
 * @example
 * ```ts
 * isTabular([{ Topic: "orders" }]); // true
 * isTabular({ Topic: "orders" });   // false
 * ```
 */
export function isTabular(value: unknown): value is unknown[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  return value.every(isPlainObject) || value.every((item) => !isObjectLike(item));
}

/** The columns and cell texts of a list: `#` first, then every key in order of appearance. */
export function tableOf(rows: readonly unknown[]): { columns: string[]; cells: string[][] } {
  const objects = rows.every(isPlainObject);
  const keys: string[] = [];
  if (objects) {
    const seen = new Set<string>();
    for (const row of rows as Record<string, unknown>[]) {
      for (const key of Object.keys(row)) {
        if (!seen.has(key)) {
          seen.add(key);
          keys.push(key);
        }
      }
    }
  }
  const columns = ["#", ...(objects ? keys : ["value"])];
  const cells = rows.map((row, index) => [
    String(index),
    ...(objects
      ? keys.map((key) => {
        const record = row as Record<string, unknown>;
        return Object.hasOwn(record, key) ? cellText(record[key]) : "";
      })
      : [cellText(row)]),
  ]);
  return { columns, cells };
}

/**
 * Renders a list as an aligned text table that fits `maxWidth`: the widest columns are cut
 * first, and cut cells end with `…`.
 *
 * @example
 * ```ts
 * formatTable([{ Topic: "orders", QueueNum: 8n }]);
 * // "#  Topic   QueueNum\n-  ------  --------\n0  orders  8\n"
 * ```
 */
export function formatTable(rows: readonly unknown[], options: TextTableOptions = {}): string {
  const maxRows = options.maxRows ?? 50;
  const indent = options.indent ?? "";
  const shown = rows.slice(0, maxRows);
  const { columns, cells } = tableOf(shown);
  const widths = fitWidths(
    columns.map((column, i) => Math.max(width(column), ...cells.map((row) => width(row[i]!)))),
    Math.max(columns.length * (MIN_COLUMN + 2), (options.maxWidth ?? 100) - indent.length),
  );
  const line = (texts: string[]) =>
    indent + texts.map((text, i) => pad(cut(text, widths[i]!), widths[i]!)).join("  ").trimEnd();
  const out = [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
  if (rows.length > shown.length) {
    out.push(`${indent}… ${rows.length - shown.length} more rows not shown`);
  }
  return out.join("\n") + "\n";
}

/**
 * Renders a list as an HTML table (every text escaped).
 *
 * @example
 * ```ts
 * htmlTable([{ Topic: "<b>" }]); // "<table …><tr><th>#</th><th>Topic</th></tr><tr><td>0</td><td>&lt;b&gt;</td></tr></table>"
 * ```
 */
export function htmlTable(rows: readonly unknown[], options: HtmlTableOptions = {}): string {
  const maxRows = options.maxRows ?? 200;
  const maxCell = options.maxCellChars ?? 200;
  const shown = rows.slice(0, maxRows);
  const { columns, cells } = tableOf(shown);
  const th = "border:1px solid #ccc;padding:2px 6px;background:#f3f3f3;text-align:left";
  const td = "border:1px solid #ddd;padding:2px 6px;vertical-align:top;font-family:monospace";
  const head = `<tr>${columns.map((c) => `<th style="${th}">${esc(c)}</th>`).join("")}</tr>`;
  const body = cells.map((row) =>
    `<tr>${row.map((text) => `<td style="${td}">${esc(cut(text, maxCell))}</td>`).join("")}</tr>`
  ).join("");
  const more = rows.length > shown.length
    ? `<div style="color:#777">… ${rows.length - shown.length} more rows not shown</div>`
    : "";
  return `<table style="border-collapse:collapse;margin:4px 0">${head}${body}</table>${more}`;
}

/** A cell's text: strings as they are, everything else as one-line JSON. */
export function cellText(value: unknown): string {
  if (typeof value === "string") return value.replace(/[\r\n\t]+/g, " ");
  if (value === undefined) return "";
  return stringifyJson(value) ?? "";
}

/**
 * Shrinks the widest columns until the sum of widths (plus gaps of 2) fits `total`: the widest
 * is cut down to the next widest at most, so wide columns end up equally wide.
 */
function fitWidths(natural: number[], total: number): number[] {
  const widths = [...natural];
  const sum = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (sum() > total) {
    let widest = 0;
    for (let i = 1; i < widths.length; i++) if (widths[i]! > widths[widest]!) widest = i;
    const width = widths[widest]!;
    if (width <= MIN_COLUMN) break;
    const next = Math.max(0, ...widths.filter((_, i) => i !== widest));
    const step = Math.max(1, Math.min(sum() - total, width - next));
    widths[widest] = Math.max(MIN_COLUMN, width - step);
  }
  return widths;
}

function width(text: string): number {
  return [...text].length;
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, Math.max(0, max - 1)).join("") + "…";
}

function pad(text: string, size: number): string {
  return text + " ".repeat(Math.max(0, size - width(text)));
}

function isObjectLike(value: unknown): boolean {
  return value !== null && typeof value === "object";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isObjectLike(value) || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
