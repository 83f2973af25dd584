/**
 * Where a Tencent Cloud request goes (PRODUCT.md section 5): `<service>.tencentcloudapi.com`,
 * `<service>.<region>.tencentcloudapi.com` with regional endpoints, or one URL for everything
 * (`--endpoint-url`, `TCFLOW_ENDPOINT_URL`: the emulator, a proxy).
 *
 * @module
 */
import { endpointOverride } from "../protocol/endpoint_url.ts";

/** Options of {@link endpointFor}. */
export interface EndpointOptions {
  service: string;
  region: string;
  /** `--regional-endpoints`: `<service>.<region>.tencentcloudapi.com`. */
  regional: boolean;
  /** Send every request to this URL instead (its path is kept). */
  endpointUrl?: string | undefined;
}

/** The URL to POST to and the `Host` header value that is signed. */
export interface Endpoint {
  url: URL;
  host: string;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * The endpoint of a call.
 *
 * @throws {TypeError} when `endpointUrl` is not an http(s) URL, or the service/region is not
 *   a valid host label.
 *
 * @example
 * ```ts
 * endpointFor({ service: "trocket", region: "ap-guangzhou", regional: true }).host;
 * // "trocket.ap-guangzhou.tencentcloudapi.com"
 * ```
 */
export function endpointFor(options: EndpointOptions): Endpoint {
  const override = endpointOverride(options.endpointUrl);
  if (override !== undefined) return override;
  if (!LABEL.test(options.service)) {
    throw new TypeError(`invalid service name ${JSON.stringify(options.service)}`);
  }
  let host = `${options.service}.tencentcloudapi.com`;
  if (options.regional && options.region !== "") {
    if (!LABEL.test(options.region)) {
      throw new TypeError(`invalid region ${JSON.stringify(options.region)}`);
    }
    host = `${options.service}.${options.region}.tencentcloudapi.com`;
  }
  return { url: new URL(`https://${host}/`), host };
}
