/**
 * Private helper of `parse.ts`: reads a schedule's `on_failure:` hook (PRODUCT.md section 16),
 * what `tcflow schedule` does when a scheduled run fails:
 *
 * ```yaml
 * on_failure: https://hooks.example.com/tcflow          # a webhook: POST of the run summary
 * on_failure: { webhook: https://…, retries: 5, backoff: 2s }
 * on_failure: { command: [notify, --team, ops], retries: 2 }  # the summary on its stdin
 * ```
 *
 * @module
 */
import type { YamlEntry, YamlReader } from "./_yaml_reader.ts";
import type { ValueReader } from "./_fields.ts";
import type { FailureHook } from "./model.ts";

/** Retries of a hook when `retries:` is not given (so 4 attempts). */
export const DEFAULT_HOOK_RETRIES = 3;
/** First wait between attempts when `backoff:` is not given; it doubles each time. */
export const DEFAULT_HOOK_BACKOFF_MS = 1_000;

const KEYS = ["webhook", "command", "retries", "backoff"] as const;

/** The hook, or `undefined` after a report. */
export function readOnFailure(
  r: YamlReader,
  v: ValueReader,
  entry: YamlEntry,
): FailureHook | undefined {
  const value = r.value(entry.node, entry.keyPos);
  if (value.kind === "literal" && typeof value.value === "string") {
    const url = webhookUrl(r, value.value, value.pos);
    return url === undefined
      ? undefined
      : { webhook: url, retries: DEFAULT_HOOK_RETRIES, backoffMs: DEFAULT_HOOK_BACKOFF_MS };
  }
  if (value.kind !== "map" || entry.node === null) {
    r.report(
      "E_SCHEMA",
      "`on_failure` is a webhook URL, or a mapping with `webhook: URL` or `command: [program, " +
        "args…]` (and `retries`, `backoff`)",
      value.pos,
    );
    return undefined;
  }
  const entries = r.entries(entry.node);
  r.checkKeys(entries, KEYS, "`on_failure`");
  const get = (key: string) => entries.find((e) => e.key === key);
  const webhookEntry = get("webhook");
  const commandEntry = get("command");
  if ((webhookEntry === undefined) === (commandEntry === undefined)) {
    r.report(
      "E_SCHEMA",
      "`on_failure` needs one of `webhook: URL` or `command: [program, args…]`",
      value.pos,
    );
    return undefined;
  }
  const retriesEntry = get("retries");
  const retries = retriesEntry === undefined
    ? DEFAULT_HOOK_RETRIES
    : v.number(retriesEntry, "`on_failure.retries`", { min: 0, max: 10, integer: true });
  const backoffEntry = get("backoff");
  const backoffMs = backoffEntry === undefined
    ? DEFAULT_HOOK_BACKOFF_MS
    : v.duration(backoffEntry, "`on_failure.backoff`", { allowZero: true });
  if (retries === undefined || backoffMs === undefined) return undefined;
  if (webhookEntry !== undefined) {
    const text = v.nonEmptyString(webhookEntry, "`on_failure.webhook`");
    if (text === undefined) return undefined;
    const url = webhookUrl(r, text, r.pos(webhookEntry.node, webhookEntry.keyPos));
    return url === undefined ? undefined : { webhook: url, retries, backoffMs };
  }
  const command = r.value(commandEntry!.node, commandEntry!.keyPos);
  const argv = command.kind === "list"
    ? command.items.map((item) =>
      item.kind === "literal" && typeof item.value === "string" ? item.value : undefined
    )
    : [];
  if (argv.length === 0 || argv.some((arg) => arg === undefined || arg === "")) {
    r.report(
      "E_SCHEMA",
      "`on_failure.command` is a list of strings: the program, then its arguments " +
        "(e.g. [notify-ops, --channel, tcflow]); it reads the run summary as JSON on stdin",
      command.pos,
    );
    return undefined;
  }
  return { command: argv as string[], retries, backoffMs };
}

function webhookUrl(r: YamlReader, text: string, pos: Parameters<YamlReader["report"]>[2]) {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    r.report(
      "E_SCHEMA",
      `\`on_failure\` webhook must be an http(s) URL, got ${JSON.stringify(text)}`,
      pos,
    );
    return undefined;
  }
  return text;
}
