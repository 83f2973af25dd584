/**
 * Human rendering of a dry-run plan: one block per step with its action, region, whether it
 * mutates, and the exact JSON body of each request.
 *
 * @module
 */
import { stringifyJson } from "../json.ts";
import type { Plan, PlannedStep } from "./plan.ts";

/** Options of {@link formatPlan}. */
export interface FormatPlanOptions {
  /** Paint with ANSI colors (default false). */
  color?: boolean;
  /** Shown in the header, e.g. the workflow file. */
  file?: string;
}

/** Renders a plan as text for a terminal. */
export function formatPlan(plan: Plan, options: FormatPlanOptions = {}): string {
  const paint = painter(options.color ?? false);
  const calls = plan.steps.reduce((n, step) => n + step.requests.length, 0);
  const mutating = plan.steps.filter((step) => step.mutating).length;
  const live = plan.steps.filter((step) => step.live).length;
  const lines = [
    paint.bold(
      `Plan of ${plan.workflow}${options.file ? ` (${options.file})` : ""}: ` +
        `${plan.steps.length} steps, ${calls} requests, ${mutating} mutating steps. ` +
        (live === 0
          ? "Nothing was sent."
          : `Only read-only steps were executed (${live}, --live-reads); nothing mutating was sent.`),
    ),
    "",
  ];
  const width = String(plan.steps.length).length;
  plan.steps.forEach((step, index) => {
    lines.push(...formatStep(step, String(index + 1).padStart(width), paint));
  });
  if (Object.keys(plan.outputs).length > 0) {
    lines.push(paint.bold("Outputs"));
    for (const [key, value] of Object.entries(plan.outputs)) {
      lines.push(`  ${key}: ${stringifyJson(value)}`);
    }
  }
  return lines.join("\n") + "\n";
}

function formatStep(step: PlannedStep, number: string, paint: Painter): string[] {
  const indent = " ".repeat(number.length + 2);
  const tags: string[] = [];
  if (step.kind === "action") {
    tags.push(`${step.action} ${step.version}`, step.region || "(no region)");
    tags.push(step.mutating ? paint.yellow("mutates") : "read-only");
    if (step.paginate) tags.push("paginated");
    if (step.live) tags.push(paint.cyan("executed (--live-reads)"));
  } else {
    tags.push(step.kind);
  }
  if (step.when === "skipped") tags.push(paint.dim("skipped: `when` is false"));
  if (step.when === "unknown") tags.push(paint.dim("runs if `when` holds"));
  const lines = [`${number}. ${paint.bold(step.id)}  ${tags.join(" · ")}`];
  if (step.kind === "action") {
    step.requests.forEach((request, i) => {
      const head = step.requests.length > 1 ? `request ${i + 1}/${step.requests.length}: ` : "";
      lines.push(...block(indent, head, request));
    });
    if (step.undo) {
      lines.push(`${indent}${paint.dim(`undo: ${step.undo.action} ${step.undo.version}`)}`);
      for (const request of step.undo.requests) lines.push(...block(indent + "  ", "", request));
    }
  } else if (step.values !== undefined) {
    lines.push(...block(indent, step.kind === "assert" ? "condition: " : "", step.values));
  }
  if (step.error) {
    lines.push(`${indent}${paint.red(`${step.error.code}: ${step.error.message}`)}`);
  }
  lines.push("");
  return lines;
}

function block(indent: string, head: string, value: unknown): string[] {
  const text = stringifyJson(value, 2) ?? "null";
  return text.split("\n").map((line, i) => `${indent}${i === 0 ? head : ""}${line}`);
}

interface Painter {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

function painter(color: boolean): Painter {
  const wrap = (code: string) => (text: string) => color ? `\x1b[${code}m${text}\x1b[0m` : text;
  return {
    bold: wrap("1"),
    dim: wrap("2"),
    red: wrap("31"),
    yellow: wrap("33"),
    cyan: wrap("36"),
  };
}
