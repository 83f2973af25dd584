/**
 * `tcflow report <run-id> [--html] [--out FILE]`: a run rendered as Markdown (default) or as
 * one self-contained HTML page, on stdout or into a file.
 *
 * @module
 */
import { boolFlag, parseCommandArgs, stringFlag } from "./args.ts";
import { type Command, EXIT, UsageError } from "./context.ts";
import { writePrivateFile } from "./_private_file.ts";
import { openStore, readRun } from "./_journal.ts";

/** Text of `tcflow report --help`. */
export const REPORT_USAGE = `Usage: tcflow report <run-id> [--html] [--out FILE] [--state-dir DIR]

Renders a journaled run: summary, inputs, outputs, each step's request and response,
retries, errors, compensations and the timeline. Markdown by default; --html writes one
self-contained page (inline CSS, no scripts). Secrets were redacted when the run was
journaled, so they never appear in reports.
`;

/** `tcflow report`. */
export const reportCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs("report", args, {
    html: { type: "boolean" },
    out: { type: "string", short: "o" },
  });
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(REPORT_USAGE);
    return EXIT.ok;
  }
  const [runId, ...extra] = parsed.positionals;
  if (runId === undefined) throw new UsageError("report: missing the run id\n" + REPORT_USAGE);
  if (extra.length > 0) {
    throw new UsageError(`report: one run at a time (got ${parsed.positionals.length})`);
  }
  const store = await openStore(parsed, ctx);
  let record;
  try {
    record = await readRun(store, runId, "report");
  } finally {
    await store.end?.();
  }
  const text = boolFlag(parsed, "html")
    ? (await import("../report/html.ts")).renderHtml(record)
    : (await import("../report/markdown.ts")).renderMarkdown(record);
  const out = stringFlag(parsed, "out");
  if (out === undefined) {
    ctx.io.stdout(text);
    return EXIT.ok;
  }
  const path = out.startsWith("/") ? out : `${ctx.cwd.replace(/\/+$/, "")}/${out}`;
  try {
    await writePrivateFile(path, text); // a report shows requests and outputs
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`report: cannot write ${out}: ${message}`);
  }
  if (!boolFlag(parsed, "quiet")) ctx.io.stderr(`report of run ${runId} written to ${out}\n`);
  return EXIT.ok;
};
