/**
 * The text that replaces secrets. No imports; the journal, the engine, reports and the secret
 * tracking (`secrets.ts`) use it. Redaction itself has one path: `redaction.ts`.
 *
 * @module
 */

/** The text that replaces secrets. */
export const REDACTED = "***";
