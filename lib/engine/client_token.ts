/**
 * Idempotency tokens: the `ClientToken` of a mutating call, derived from the run id, the step
 * id and the `foreach` item index, so it is the same on every retry and on `resume`, and
 * different for every logical call.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Where a call sits in a run: what its token is derived from. */
export interface TokenSite {
  runId: string;
  /** The step id (`undo:<id>` for compensations). */
  stepId: string;
  /** `foreach` item index. */
  index?: number | undefined;
  /** A further distinction inside the step (e.g. the poll number), when not the first. */
  extra?: string | undefined;
}

/**
 * The token: `tcf-` and 60 hex digits of SHA-256 over the site (64 characters, the most
 * Tencent Cloud accepts for `ClientToken`).
 *
 * @example
 * ```ts
 * await clientTokenFor({ runId: "r1", stepId: "create", index: 0 }); // "tcf-3f9a…" (64 chars)
 * ```
 */
export async function clientTokenFor(site: TokenSite): Promise<string> {
  const text = JSON.stringify([site.runId, site.stepId, site.index ?? null, site.extra ?? null]);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `tcf-${hex.slice(0, 60)}`;
}
