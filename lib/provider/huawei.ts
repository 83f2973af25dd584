/**
 * Huawei Cloud as a {@link Provider}: the `huaweicloud/…` catalog, endpoints
 * `<service>.<region>.myhuaweicloud.com`, AK/SK `SDK-HMAC-SHA256` signing, Huawei's error
 * format and retry rules (429 and 5xx retried).
 *
 * @example
 * ```ts
 * import { huaweiProvider } from "./huawei.ts";
 * const spec = huaweiProvider.findAction("huaweicloud/cph", "ListEncodeServers")!;
 * const request = await huaweiProvider.buildRequest({
 *   spec, region: "cn-north-4", params: { limit: 10 }, timestampMs: Date.now(),
 *   credential: { ak: "AK", sk: "SK", projectId: "0a1b2c3d4e5f60718293a4b5c6d7e8f9" },
 *   endpoint: huaweiProvider.endpoint({ service: spec.service, region: "cn-north-4" }),
 * });
 * ```
 *
 * @module
 */
import { huaweiCatalog } from "../catalog/clouds.ts";
import { createHuaweiClient } from "../huawei/client.ts";
import {
  HUAWEI_ENV,
  type HuaweiProjectCredential,
  resolveHuaweiCredentials,
} from "../huawei/credentials.ts";
import { classifyHuaweiError, HuaweiApiError } from "../huawei/errors.ts";
import { huaweiProtocol } from "../huawei/protocol.ts";
import type { Provider } from "../protocol/provider.ts";

/** The Huawei Cloud provider. */
export const huaweiProvider: Provider<HuaweiProjectCredential> = {
  ...huaweiCatalog,
  ...huaweiProtocol,
  classifyError: classifyHuaweiError,
  ownsError: (err) => err instanceof HuaweiApiError,
  credentialsHint: `set ${HUAWEI_ENV.ak}, ${HUAWEI_ENV.sk} and ${HUAWEI_ENV.projectId}`,
  loadCredentials: ({ env }) => {
    try {
      const { credential, source } = resolveHuaweiCredentials({ env });
      return Promise.resolve({
        credential,
        source: `Huawei Cloud: ${source}`,
        secrets: [credential.sk, ...(credential.securityToken ? [credential.securityToken] : [])],
      });
    } catch (error) {
      return Promise.reject(error);
    }
  },

  createCaller({ deps, credential, region, endpointUrl, sendOnce }) {
    const client = createHuaweiClient({
      deps,
      credential,
      region: region ?? HUAWEI_DEFAULT_REGION,
      endpointUrl,
      ...(sendOnce !== undefined ? { sendOnce } : {}),
    });
    return { keyId: client.ak, call: client.invoke };
  },
};

/** Region of Huawei calls that name none (Huawei's regions differ from Tencent's). */
export const HUAWEI_DEFAULT_REGION = "cn-north-4";
