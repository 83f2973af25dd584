/**
 * A schedule's `on_failure:` hook (PRODUCT.md section 16): when a scheduled run fails, its
 * summary goes to a webhook (a JSON POST; any 2xx answer is success) or to a command (on its
 * stdin; exit 0 is success), tried again with a doubling backoff. The outcome is returned for
 * the scheduler's log: a hook that keeps failing is reported, never fatal.
 *
 * Pure at the edges: `fetch`, `sleep` and the command runner are passed in.
 *
 * @module
 */
import type { Deps } from "../deps.ts";
import type { FailureHook } from "../workflow/model.ts";

/** The run summary a hook receives (JSON). */
export interface FailureSummary {
  /** Always `"tcflow.schedule.run-failed"`. */
  event: "tcflow.schedule.run-failed";
  /** The workflow's `name`. */
  workflow: string;
  /** Its file. */
  file: string;
  /** The run's id, when a run was started (`tcflow report <run_id>`). */
  run_id?: string;
  /** `failed`, or `rolled_back` when `rollback: on_failure` undid what it applied. */
  status: "failed" | "rolled_back";
  /** Why, in one line (no secrets). */
  detail?: string;
  /** The cron minute this fire was for (ISO 8601, UTC). */
  scheduled_at: string;
  /** When the run finished (ISO 8601, UTC). */
  finished_at: string;
  /** How long it ran. */
  duration_ms: number;
  /** Each step's status (and error code and message), as `run --json` gives them. */
  steps?: Array<{ id: string; status: string; error?: { code: string; message: string } }>;
}

/** Runs a hook's command with `stdin`; resolves to its exit code (and the end of its stderr). */
export type CommandRunner = (
  argv: readonly string[],
  stdin: string,
) => Promise<{ code: number; stderr: string }>;

/** What the hook came to. */
export interface HookOutcome {
  ok: boolean;
  /** Attempts made (1 + the retries used). */
  attempts: number;
  /** The last attempt's problem, when not ok (no URL path or query: they may hold a token). */
  error?: string;
}

/** How long one webhook attempt may take. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Sends `summary` through `hook`, retrying with backoff.
 *
 * @example
 * ```ts
 * import { notifyFailure } from "./notify.ts";
 * const outcome = await notifyFailure(
 *   { webhook: "http://127.0.0.1:9/hook", retries: 0, backoffMs: 0 },
 *   {
 *     event: "tcflow.schedule.run-failed", workflow: "nightly", file: "nightly.yaml",
 *     status: "failed", scheduled_at: "2026-12-05T03:00:00Z",
 *     finished_at: "2026-12-05T03:00:02Z", duration_ms: 2000,
 *   },
 *   { fetch: () => Promise.resolve(new Response("ok")), sleep: () => Promise.resolve() },
 * );
 * console.log(outcome); // { ok: true, attempts: 1 }
 * ```
 */
export async function notifyFailure(
  hook: FailureHook,
  summary: FailureSummary,
  deps: Pick<Deps, "fetch" | "sleep"> & { runCommand?: CommandRunner },
): Promise<HookOutcome> {
  const body = JSON.stringify(summary);
  const attempts = 1 + hook.retries;
  let error = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      error = hook.webhook !== undefined
        ? await post(hook.webhook, body, deps.fetch)
        : await run(hook.command, body, deps.runCommand);
    } catch (cause) {
      error = scrub(cause instanceof Error ? cause.message : String(cause), hook.webhook);
    }
    if (error === "") return { ok: true, attempts: attempt };
    if (attempt < attempts) await deps.sleep(hook.backoffMs * 2 ** (attempt - 1));
  }
  return { ok: false, attempts, error };
}

/** Where a hook goes, for the log: the webhook's origin (not its path), or the program. */
export function hookTarget(hook: FailureHook): string {
  if (hook.webhook !== undefined) return `webhook ${new URL(hook.webhook).origin}`;
  return `command ${hook.command[0]}`;
}

async function post(url: string, body: string, fetch: Deps["fetch"]): Promise<string> {
  const response = await fetch(
    new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "tcflow-schedule" },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    }),
  );
  await response.body?.cancel();
  return response.ok ? "" : `HTTP ${response.status}`;
}

async function run(
  argv: readonly string[],
  body: string,
  runCommand: CommandRunner | undefined,
): Promise<string> {
  if (runCommand === undefined) return "commands cannot run here";
  const { code, stderr } = await runCommand(argv, body);
  if (code === 0) return "";
  const last = stderr.trim().split("\n").at(-1)?.slice(0, 200);
  return `exit ${code}${last ? `: ${last}` : ""}`;
}

/** An error message without the webhook's path and query (a token may be there). */
function scrub(message: string, webhook: string | undefined): string {
  if (webhook === undefined) return message;
  const origin = new URL(webhook).origin;
  return message.split(webhook).join(origin).split(webhook.replace(/\/$/, "")).join(origin);
}
