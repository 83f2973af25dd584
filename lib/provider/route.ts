/**
 * Glue for the engine while it speaks the Tencent client's shape: one client whose `call`
 * sends each service to the client of the cloud that owns it (`./registry.ts`), and one error
 * classifier for every cloud's errors.
 *
 * @example
 * ```ts
 * import { routeClients } from "./route.ts";
 * import { createTencentClient } from "../tencent/client.ts";
 * import { createHuaweiClient } from "../huawei/client.ts";
 * import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
 * import { createHuaweiCphEmulator, HUAWEI_DEMO_CREDENTIAL } from "../emulator/huawei_cph.ts";
 * import { systemDeps } from "../deps.ts";
 *
 * const tencent = createEmulator();
 * const cph = createHuaweiCphEmulator();
 * const client = routeClients({
 *   tencent: createTencentClient({
 *     deps: { ...systemDeps(), fetch: (request: Request) => tencent.handle(request) },
 *     credential: { ...DEMO_CREDENTIAL },
 *   }),
 *   huawei: createHuaweiClient({
 *     deps: { ...systemDeps(), fetch: cph.handle },
 *     region: "cn-north-4",
 *     credential: HUAWEI_DEMO_CREDENTIAL,
 *   }),
 * });
 * await client.call("huaweicloud/cph", "ListEncodeServers", "v1", "cn-north-4", { limit: 10, type: 0 });
 * await client.call("trocket", "DescribeTopicList", "2023-03-08", "ap-guangzhou", { InstanceId: "rmq-2x9f8k1p" });
 * ```
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { HuaweiClient } from "../huawei/client.ts";
import type { TencentClient } from "../tencent/client.ts";
import type { ErrorClass } from "../tencent/errors.ts";
import type { ProviderCaller } from "../protocol/provider.ts";
import { classifyAnyError, DEFAULT_PROVIDER, providerOfService } from "./registry.ts";

/** A client of one cloud in the engine's call shape. */
export type CloudCaller = Pick<ProviderCaller, "call">;

/** The part of a client the engine uses. */
export interface EngineClient extends CloudCaller {
  /** The Tencent SecretId (rate-limit keys also name the service, so clouds never collide). */
  readonly secretId: string;
}

/** Options of {@link routeClients}. */
export interface RouteClientsOptions {
  /** The default cloud's client: services without a prefix. */
  tencent: Pick<TencentClient, "call" | "secretId">;
  /** The Huawei Cloud client, when its credentials are known. */
  huawei?: HuaweiClient | undefined;
  /** Clients of further registered providers, by provider name. */
  byProvider?: Readonly<Record<string, CloudCaller | undefined>> | undefined;
}

/**
 * One client for every cloud. A call of a cloud without a client rejects with a `ConfigError`
 * carrying the provider's credentials hint.
 */
export function routeClients(clients: RouteClientsOptions): EngineClient {
  const callers: Record<string, CloudCaller | undefined> = {
    ...clients.byProvider,
    [DEFAULT_PROVIDER]: clients.tencent,
    ...(clients.huawei === undefined ? {} : { huaweicloud: { call: clients.huawei.invoke } }),
  };
  return {
    secretId: clients.tencent.secretId,
    call(service, action, version, region, params, opts) {
      const provider = providerOfService(service);
      const name = provider?.name ?? DEFAULT_PROVIDER;
      const caller = Object.hasOwn(callers, name) ? callers[name] : undefined;
      if (caller === undefined) {
        return Promise.reject(
          new ConfigError(
            `${service}.${action} needs ${name} credentials` +
              (provider ? `: ${provider.credentialsHint}` : ""),
          ),
        );
      }
      return caller.call(service, action, version, region, params, opts);
    },
  };
}

/** Classifies an error of any cloud (PRODUCT.md section 5 for Tencent; 429/5xx for Huawei). */
export function classifyCallError(err: unknown, extraCodes: readonly string[] = []): ErrorClass {
  return classifyAnyError(err, extraCodes);
}
