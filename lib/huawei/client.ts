/**
 * The Huawei Cloud REST client: one signed request per call, built from the catalog's HTTP
 * binding (path parameters, query string exactly as signed), sent through the
 * provider-independent client (timeouts, cancellation, network errors), answers read with
 * integers exact. Failures are {@link HuaweiApiError} (Huawei's `error_code`, `request_id`, HTTP
 * status), {@link HuaweiRequestError} (nothing sent) or `NetworkError`.
 *
 * @example
 * ```ts
 * import { createHuaweiClient } from "./client.ts";
 * import { systemDeps } from "../deps.ts";
 * // The emulator here; the real cloud with { ak, sk, projectId } from the environment.
 * import { createHuaweiCphEmulator, HUAWEI_DEMO_CREDENTIAL } from "../emulator/huawei_cph.ts";
 *
 * const cph = createHuaweiCphEmulator();
 * const client = createHuaweiClient({
 *   deps: { ...systemDeps(), fetch: cph.handle },
 *   region: "cn-north-4",
 *   credential: HUAWEI_DEMO_CREDENTIAL,
 * });
 * const { response } = await client.call("cph.ListEncodeServers", { limit: 10, type: 0 });
 * console.log(response); // { encode_servers: [{ encode_server_id: "…", access_infos: […] }, …] }
 * ```
 *
 * @module
 */
import type { Deps } from "../deps.ts";
import type { SendOnceFn } from "../tencent/http1.ts";
import { createProviderClient, type ProviderCallOptions } from "../protocol/client.ts";
import { huaweiProtocol } from "./protocol.ts";
import type { CallResult } from "../protocol/provider.ts";
import { findHuaweiAction, huaweiServiceName, huaweiServiceNames } from "../catalog/huawei.ts";
import type { HuaweiProjectCredential } from "./credentials.ts";
import { HuaweiRequestError } from "./errors.ts";

/** Options of {@link createHuaweiClient}. */
export interface HuaweiClientOptions {
  deps: Pick<Deps, "now" | "sleep" | "fetch">;
  credential: HuaweiProjectCredential;
  /** Region of calls that do not name one, e.g. `cn-north-4`. */
  region: string;
  /** Every request goes to this URL (the emulator, a proxy). */
  endpointUrl?: string | undefined;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number | undefined;
  /**
   * Sends requests that are not idempotent exactly once (`http1Fetch` for real networks; see
   * `ProviderClientOptions.sendOnce`). Without it every request goes through `deps.fetch`.
   */
  sendOnce?: SendOnceFn | undefined;
}

/** Options of one call. */
export interface HuaweiCallOptions extends ProviderCallOptions {
  /** Overrides the client's region. */
  region?: string | undefined;
  /** Pins the API version (default: the newest that has the operation). */
  version?: string | undefined;
}

/** A Huawei Cloud client. */
export interface HuaweiClient {
  /**
   * Calls an operation: `ListEncodeServers`, `cph.ListEncodeServers` or
   * `huaweicloud/cph.ListEncodeServers`.
   *
   * @throws {HuaweiApiError} the API answered an error
   * @throws {HuaweiRequestError} unknown operation or a parameter that cannot be sent
   * @throws {NetworkError} no answer: connection failure or timeout
   */
  call(
    action: string,
    params?: Record<string, unknown>,
    opts?: HuaweiCallOptions,
  ): Promise<CallResult>;
  /**
   * The same call in the Tencent client's shape (`service, action, version, region, params`), so
   * one engine can drive both clouds (see `lib/provider/route.ts`).
   */
  invoke(
    service: string,
    action: string,
    version: string,
    region: string,
    params: unknown,
    opts?: ProviderCallOptions,
  ): Promise<CallResult>;
  /** The AK calls are signed with (for rate-limit keys; never the SK). */
  readonly ak: string;
}

/** Creates a client. */
export function createHuaweiClient(options: HuaweiClientOptions): HuaweiClient {
  const inner = createProviderClient({
    provider: huaweiProtocol,
    deps: options.deps,
    credential: options.credential,
    endpointUrl: options.endpointUrl,
    timeoutMs: options.timeoutMs,
    sendOnce: options.sendOnce,
  });

  function specOf(service: string, action: string, version?: string) {
    const spec = findHuaweiAction(service, action, version);
    if (spec === undefined) {
      throw new HuaweiRequestError(
        `${service}.${action}${version ? ` (${version})` : ""} is not in the Huawei catalog`,
        "E_UNKNOWN_ACTION",
      );
    }
    return spec;
  }

  function split(action: string): { service: string; name: string } {
    const dot = action.lastIndexOf(".");
    if (dot > 0) {
      return { service: huaweiServiceName(action.slice(0, dot)), name: action.slice(dot + 1) };
    }
    const owner = huaweiServiceNames().find((s) => findHuaweiAction(s, action) !== undefined);
    return { service: owner ?? "huaweicloud/?", name: action };
  }

  return {
    ak: options.credential.ak,
    call(action, params = {}, opts = {}) {
      try {
        const { service, name } = split(action);
        const spec = specOf(service, name, opts.version);
        return inner.call(spec, opts.region ?? options.region, params, opts);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    invoke(service, action, version, region, params, opts = {}) {
      try {
        const spec = specOf(huaweiServiceName(service), action, version);
        if (
          params !== undefined &&
          (params === null || typeof params !== "object" || Array.isArray(params))
        ) {
          throw new HuaweiRequestError(`the parameters of ${action} must be a map`);
        }
        return inner.call(
          spec,
          region === "" ? options.region : region,
          (params ?? {}) as Record<string, unknown>,
          opts,
        );
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
