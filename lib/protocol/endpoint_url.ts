/**
 * The `--endpoint-url` override shared by the Tencent and Huawei endpoint resolvers.
 *
 * @module
 */

/**
 * The endpoint given by `endpointUrl` (`--endpoint-url`), or `undefined` when none is given
 * (absent or empty).
 *
 * @throws {TypeError} not a URL, or not `http://` / `https://`
 */
export function endpointOverride(
  endpointUrl: string | undefined,
): { url: URL; host: string } | undefined {
  if (endpointUrl === undefined || endpointUrl === "") return undefined;
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw new TypeError(`invalid endpoint URL ${JSON.stringify(endpointUrl)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`endpoint URL must be http:// or https://, got ${url.protocol}`);
  }
  return { url, host: url.host };
}
