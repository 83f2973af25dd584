/**
 * A connection that Deno's permissions refuse (`--allow-net` does not list the host) is a
 * configuration problem, not a network failure: nothing was sent, sending again cannot help,
 * and the user fixes it by granting the host. The clients turn it into a `ConfigError` (exit 3)
 * that names the host and the flag.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

/**
 * Whether `error` (or the error it wraps, as a `NetworkError` does) is Deno refusing network
 * access: `Deno.errors.NotCapable`, `Deno.errors.PermissionDenied`, or their message.
 */
export function isNetPermissionError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      return true;
    }
    if (e instanceof Error && /requires net access/i.test(e.message)) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/**
 * The `ConfigError` of a refused connection to `url`: names the host and `--allow-net`
 * (never anything of the request but its host).
 */
export function netPermissionError(url: string | URL): ConfigError {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    host = String(url);
  }
  const error = new ConfigError(
    `no permission to connect to ${host}: Deno's --allow-net does not grant it; run with ` +
      `--allow-net=${host} (the tcflow task allows *.tencentcloudapi.com, ` +
      `*.myhuaweicloud.com and loopback), or use --emulator`,
  );
  return error;
}
