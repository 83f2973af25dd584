/**
 * Private: who may use the emulator server's admin routes (`/_emulator/…`).
 *
 * Any web page the user opens can send requests to a server on loopback: a cross-site
 * `text/plain` or form POST needs no preflight, and a page served from a name that the attacker
 * re-points to 127.0.0.1 (DNS rebinding) even reads the answers. So an admin request is answered
 * only when its `Host` is the address the server listens on (an IP literal or `localhost`, with
 * the port: a rebound name is refused, 403), it carries `Content-Type: application/json` (which
 * a page cannot send cross-site without a preflight the server never grants, 415), and, with
 * `--admin-token T`, `Authorization: Bearer T` (401).
 *
 * @module
 */

/** Where the server listens, and the token its admin routes require (if any). */
export interface AdminGuardOptions {
  /** The address listened on, as given (`127.0.0.1`, `::`, `0.0.0.0`, `localhost`…). */
  hostname: string;
  port: number;
  /** When set, admin requests must carry `Authorization: Bearer <adminToken>`. */
  adminToken?: string | undefined;
}

/** Whether `path` is an admin route. */
export function isAdminPath(path: string): boolean {
  return path === "/_emulator" || path.startsWith("/_emulator/");
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/** `host` without brackets, lower case. */
function bare(host: string): string {
  const lower = host.toLowerCase();
  return lower.startsWith("[") && lower.endsWith("]") ? lower.slice(1, -1) : lower;
}

/** Whether `name` is an IPv4 or IPv6 literal (no DNS name can be rebound to it). */
function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || (name.includes(":") && /^[0-9a-f:.]+$/.test(name));
}

/**
 * Whether the `Host` header value names the listening address: its port, and its host the
 * address listened on; for a loopback address also `localhost`, `127.0.0.1` and `[::1]`; for a
 * wildcard address (`0.0.0.0`, `::`) any IP literal or `localhost`. Never a DNS name otherwise.
 */
export function isListeningHost(host: string | null, options: AdminGuardOptions): boolean {
  if (host === null) return false;
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host.trim());
  if (match === null) return false;
  const name = bare(match[1] ?? "");
  const port = match[2] === undefined ? 80 : Number(match[2]);
  if (port !== options.port) return false;
  const listening = bare(options.hostname);
  if (name === listening) return true;
  if (LOOPBACK.has(listening)) return LOOPBACK.has(name);
  if (WILDCARD.has(listening)) return name === "localhost" || isIpLiteral(name);
  return false;
}

/** Compares two strings in time that does not depend on where they differ. */
function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function refuse(status: number, code: string, message: string, extra: HeadersInit = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }, null, 2), {
    status,
    headers: { "content-type": "application/json", ...extra },
  });
}

/**
 * The answer refusing an admin request, or undefined when it may be served.
 *
 * @example
 * ```ts
 * const guard = { hostname: "127.0.0.1", port: 4566 };
 * const request = new Request("http://evil.example:4566/_emulator/reset", { method: "POST" });
 * checkAdminRequest(request, guard)?.status; // 403
 * ```
 */
export function checkAdminRequest(
  request: Request,
  options: AdminGuardOptions,
): Response | undefined {
  const host = request.headers.get("host");
  if (!isListeningHost(host, options)) {
    return refuse(
      403,
      "ForbiddenHost",
      `admin routes answer only requests to the listening address (Host ${
        options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname
      }:${options.port}); got Host ${JSON.stringify(host)}`,
    );
  }
  if (options.adminToken !== undefined) {
    const auth = request.headers.get("authorization") ?? "";
    const match = /^Bearer +(\S+)\s*$/i.exec(auth);
    if (match === null || !sameSecret(match[1] ?? "", options.adminToken)) {
      return refuse(
        401,
        "Unauthorized",
        "admin routes require Authorization: Bearer <the --admin-token value>",
        { "www-authenticate": 'Bearer realm="tcflow emulator"' },
      );
    }
  }
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    return refuse(
      415,
      "UnsupportedMediaType",
      "admin routes require Content-Type: application/json",
    );
  }
  return undefined;
}
