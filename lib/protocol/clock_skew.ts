/**
 * Clock skew: a server refuses a request signed too far from its own time
 * (`AuthFailure.SignatureExpire`), and says its time in the answer's `Date` header. A client
 * then learns the offset and signs once more with the corrected clock. Shared by the Tencent
 * client (`../tencent/client.ts`) and the provider-independent client (`./client.ts`).
 *
 * @module
 */

/** The error code of a request signed outside the server's time window. */
export const SIGNATURE_EXPIRE_CODE = "AuthFailure.SignatureExpire";

/** Whether an API error (of any cloud) asks to re-sign with a corrected clock. */
export function isSignatureExpired(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === SIGNATURE_EXPIRE_CODE;
}

/**
 * The correction to add to the local clock (`nowMs`) so that it reads the server's time, from
 * an answer's `Date` header; undefined when the header is missing or unreadable.
 *
 * @example
 * ```ts
 * clockOffsetFromDate("Mon, 23 Nov 2026 12:00:00 GMT", Date.UTC(2026, 10, 23, 11, 0)); // 3600000
 * ```
 */
export function clockOffsetFromDate(date: string | null, nowMs: number): number | undefined {
  if (date === null) return undefined;
  const serverMs = Date.parse(date);
  return Number.isFinite(serverMs) ? serverMs - nowMs : undefined;
}
