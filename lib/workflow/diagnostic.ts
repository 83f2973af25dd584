/**
 * Diagnostics: workflow problems as data, each with a stable code and a source position.
 *
 * @module
 */

/** Stable diagnostic codes. Users and tests rely on these names. */
export type DiagnosticCode =
  | "E_YAML" // YAML syntax error, alias bomb, file too large or too deep
  | "E_SCHEMA" // wrong shape of the workflow document (missing `name`, unknown key …)
  | "E_VERSION" // `tcflow:` missing or not 1
  | "E_DUPLICATE_ID"
  | "E_BAD_ID"
  | "E_UNKNOWN_ACTION" // unknown service or action (with a "did you mean")
  | "E_UNKNOWN_VERSION"
  | "E_MISSING_PARAM"
  | "E_UNKNOWN_PARAM"
  | "E_TYPE" // a value or expression of the wrong type
  | "E_VALUE" // a value outside the documented enumeration or range (the list in the message)
  | "E_EXPR" // an expression that does not parse
  | "E_REF" // reference to an unknown step, a step below, or a missing field
  | "E_INPUT" // bad input declaration or value
  | "E_DURATION"
  | "E_CRON"
  | "E_TIMEZONE"
  | "E_RETRY"
  | "E_PAGINATE"
  | "E_NOT_PAGEABLE"
  | "E_FILE" // the workflow file cannot be read
  | "E_SECRET_ENV" // `env:` lists a credential variable (`TENCENTCLOUD_*`, `*SECRET*` …)
  | "W_UNTYPED" // warning: untyped action call
  | "W_DEPRECATED" // warning: the action's documentation says it is offline or deprecated
  | "W_SEED_DIFFERS"; // warning: a left-out parameter the seed and the SDK disagree on

/** A problem found in a workflow, with its position (1-based line and column). */
export interface Diagnostic {
  /** Stable code of the problem, e.g. `E_TYPE`. */
  code: DiagnosticCode;
  /** What is wrong, with the offending value. */
  message: string;
  /** The workflow file, as given to the loader. */
  file: string;
  /** Line of the problem, 1-based. */
  line: number;
  /** Column of the problem, 1-based. */
  column: number;
  /** `error` fails validation; `warning` does not. */
  severity: "error" | "warning";
  /** Length of the offending text, for the caret underline (at least 1). */
  length?: number;
}
