/**
 * Host names as signed: a Host header without its port.
 *
 * @module
 */

/** `host:port` → `host` (IPv6 literals keep their brackets). */
export function stripPort(host: string): string {
  const match = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(host);
  return match?.[1] ?? host;
}
