/**
 * Opening a PostgreSQL store URL (`postgres://USER:PASS@HOST:PORT/DB`) with the npm `postgres`
 * driver: the connection is tried and the schema migrated at once, so a wrong host, port,
 * password or database is one clear {@link JournalError} `E_STORE` that names the host and
 * never the password (the CLI exits 3 on it).
 *
 * @module
 */
// An npm: specifier, not the bare "postgres" of package.json: mod.ts (which reaches this module)
// must load from a script outside the project, where no import map resolves bare names.
// deno-lint-ignore no-import-prefix
import postgres from "npm:postgres@3.4.10";
import { migrate, SchemaVersionError } from "./pg_schema.ts";
import { JournalError } from "./store.ts";

/** Whether a `--store` value is a PostgreSQL URL. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/** The URL without its password (for messages, logs and `runs`). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    parsed.search = "";
    return parsed.href;
  } catch {
    return "postgres://(unparsable URL)";
  }
}

/** A connected, migrated database. */
export interface PgConnection {
  sql: postgres.Sql;
  /** The URL without its password. */
  location: string;
}

/** Options of {@link connectPostgres}. */
export interface ConnectOptions {
  /** Connections in the pool. Default 4. */
  max?: number;
  /** Seconds to wait for a connection. Default 10. */
  connectTimeoutS?: number;
}

/**
 * Connects and migrates the schema.
 *
 * @throws {JournalError} `E_STORE`: unreachable host, refused login, missing database, a
 *   schema from a newer tcflow, or a malformed URL
 */
export async function connectPostgres(
  url: string,
  options: ConnectOptions = {},
): Promise<PgConnection> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new JournalError("E_STORE", "", "--store: not a valid postgres:// URL");
  }
  const password = decodeURIComponent(parsed.password);
  const location = redactUrl(url);
  const host = `${parsed.hostname || "localhost"}:${parsed.port || "5432"}`;
  const sql = postgres({
    host: parsed.hostname || "localhost",
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres",
    username: decodeURIComponent(parsed.username) || "postgres",
    ...(password !== "" ? { password } : {}),
    max: options.max ?? 4,
    connect_timeout: options.connectTimeoutS ?? 10,
    idle_timeout: 30,
    onnotice: () => {},
    connection: { application_name: "tcflow" },
  });
  try {
    await migrate(sql);
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    if (error instanceof SchemaVersionError) {
      throw new JournalError("E_STORE", "", `store ${host}: ${error.message}`, { cause: error });
    }
    const reason = describe(error).replaceAll(password || "\u0000", "***");
    throw new JournalError(
      "E_STORE",
      "",
      `cannot use the store at ${location} (host ${host}): ${reason}`,
    );
  }
  return { sql, location };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return "connection refused (is PostgreSQL running there?)";
  if (code === "CONNECT_TIMEOUT") return "no answer (connection timed out)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "unknown host";
  if (code === "28P01") return "password authentication failed";
  if (code === "28000") return "login refused (no such role, or not allowed from this host)";
  if (code === "3D000") return "no such database";
  if (error.name === "NotCapable" || error.name === "PermissionDenied") {
    return `${error.message} (run cli.ts with an --allow-net that includes the database host)`;
  }
  return error.message;
}
