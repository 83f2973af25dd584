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
import { findHuaweiAction, isHuaweiService } from "../huawei/catalog.ts";
import type { HuaweiProjectCredential } from "../huawei/credentials.ts";
import { classifyHuaweiError } from "../huawei/errors.ts";
import { buildHuaweiRequest, huaweiEndpoint, parseHuaweiAnswer } from "../huawei/request.ts";
import type { Provider } from "./provider.ts";

/** The Huawei Cloud provider. */
export const huaweiProvider: Provider<HuaweiProjectCredential> = {
  name: "huaweicloud",
  ownsService: isHuaweiService,
  findAction: (service, action, version) =>
    isHuaweiService(service) ? findHuaweiAction(service, action, version) : undefined,
  endpoint: (options) => huaweiEndpoint(options),
  // Huawei operations take no idempotency token: `clientToken` is ignored.
  buildRequest: ({ spec, params, credential, endpoint, timestampMs }) =>
    buildHuaweiRequest({ spec, params, credential, endpoint, timestampMs }),
  parseResponse: (answer, spec) => parseHuaweiAnswer(spec, answer),
  classifyError: classifyHuaweiError,
  keyId: (credential) => credential.ak,
};
