/**
 * How to talk to Huawei Cloud: endpoints `<service>.<region>.myhuaweicloud.com`, AK/SK
 * `SDK-HMAC-SHA256` signed requests and Huawei's answers, as a {@link CloudProtocol}. The
 * client (`client.ts`) and the provider (`lib/provider/huawei.ts`) both use it.
 *
 * @module
 */
import type { CloudProtocol } from "../protocol/provider.ts";
import type { HuaweiProjectCredential } from "./credentials.ts";
import { buildHuaweiRequest, huaweiEndpoint, parseHuaweiAnswer } from "./request.ts";

/** The Huawei Cloud protocol. Huawei operations take no idempotency token. */
export const huaweiProtocol: CloudProtocol<HuaweiProjectCredential> = {
  endpoint: (options) => huaweiEndpoint(options),
  buildRequest: ({ spec, params, credential, endpoint, timestampMs }) =>
    buildHuaweiRequest({ spec, params, credential, endpoint, timestampMs }),
  parseResponse: (answer, spec) => parseHuaweiAnswer(spec, answer),
  keyId: (credential) => credential.ak,
};
