/**
 * Glue for the engine while it speaks the Tencent client's shape: one client whose `call`
 * sends `huaweicloud/…` services to the Huawei client and everything else to the Tencent one,
 * and one error classifier for both clouds' errors.
 *
 * @example
 * ```ts
 * const client = routeClients({ tencent: createTencentClient(…), huawei: createHuaweiClient(…) });
 * await client.call("huaweicloud/cph", "ListEncodeServers", "v1", "cn-north-4", { limit: 10 });
 * ```
 *
 * @module
 */
import { ConfigError } from "../cli/context.ts";
import { isHuaweiService } from "../huawei/catalog.ts";
import type { HuaweiClient } from "../huawei/client.ts";
import { HuaweiApiError } from "../huawei/errors.ts";
import type { CallOptions, TencentClient } from "../tencent/client.ts";
import { classifyError, type ErrorClass } from "../tencent/errors.ts";
import { huaweiProvider } from "./huawei.ts";
import type { CallResult } from "./provider.ts";

/** The part of a client the engine uses. */
export interface EngineClient {
  call(
    service: string,
    action: string,
    version: string,
    region: string,
    params: unknown,
    opts?: CallOptions,
  ): Promise<CallResult>;
  /** The Tencent SecretId (rate-limit keys also name the service, so clouds never collide). */
  readonly secretId: string;
}

/**
 * One client for both clouds. Without a Huawei client, a Huawei call rejects with a
 * `ConfigError` naming the credential variables.
 */
export function routeClients(clients: {
  tencent: Pick<TencentClient, "call" | "secretId">;
  huawei?: HuaweiClient | undefined;
}): EngineClient {
  return {
    secretId: clients.tencent.secretId,
    call(service, action, version, region, params, opts) {
      if (!isHuaweiService(service)) {
        return clients.tencent.call(service, action, version, region, params, opts);
      }
      if (clients.huawei === undefined) {
        return Promise.reject(
          new ConfigError(
            `${service}.${action} needs Huawei Cloud credentials: set HUAWEICLOUD_SDK_AK, ` +
              "HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID",
          ),
        );
      }
      return clients.huawei.invoke(service, action, version, region, params, opts);
    },
  };
}

/** Classifies an error of either cloud (PRODUCT.md section 5 for Tencent; 429/5xx for Huawei). */
export function classifyCallError(err: unknown, extraCodes: readonly string[] = []): ErrorClass {
  if (err instanceof HuaweiApiError) return huaweiProvider.classifyError(err, extraCodes);
  // Network errors are the same class for both clouds, and classified the same way.
  return classifyError(err, extraCodes);
}
