/**
 * Tencent Cloud as a {@link Provider}: the catalog, the protocol (`../tencent/protocol.ts`:
 * endpoints, TC3-signed JSON POSTs, answers), the client that talks it (`createTencentClient`,
 * which re-signs once after `AuthFailure.SignatureExpire`), credentials, and the retry rules of
 * PRODUCT.md section 5 (`../tencent/errors.ts`).
 *
 * @example
 * ```ts
 * import { tencentProvider } from "./tencent.ts";
 * const spec = tencentProvider.findAction("trocket", "DescribeTopicList")!;
 * const request = await tencentProvider.buildRequest({
 *   spec, region: "ap-guangzhou", params: { InstanceId: "rmq-1" }, timestampMs: Date.now(),
 *   credential: { secretId: "AKIDEXAMPLE", secretKey: "example-key" },
 *   endpoint: tencentProvider.endpoint({ service: spec.service, region: "ap-guangzhou" }),
 * });
 * ```
 *
 * @module
 */
import { isTencentService, TENCENT_PREFIX, tencentCatalog } from "../catalog/clouds.ts";
import { createTencentClient } from "../tencent/client.ts";
import { createTencentProtocol } from "../tencent/protocol.ts";
import { resolveCredentials } from "../tencent/credentials.ts";
import { classifyError, TencentApiError } from "../tencent/errors.ts";
import type { Credential } from "../tencent/signer.ts";
import type { Provider } from "../protocol/provider.ts";

export { isTencentService, TENCENT_PREFIX };

/** Options of {@link createTencentProvider}. */
export interface TencentProviderOptions {
  /** `--regional-endpoints`: `<service>.<region>.tencentcloudapi.com`. */
  regionalEndpoints?: boolean | undefined;
  /** `X-TC-Language`, e.g. `en-US`. */
  language?: string | undefined;
}

/**
 * A Tencent Cloud provider with the given endpoint and language options
 * ({@link tencentProvider} is the default one).
 */
export function createTencentProvider(options: TencentProviderOptions = {}): Provider<Credential> {
  return {
    ...tencentCatalog,
    ...createTencentProtocol(options),
    classifyError,
    ownsError: (err) => err instanceof TencentApiError,
    credentialsHint:
      "set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (or configure a TCCLI profile)",
    async loadCredentials({ region, profile, env, readFile, homeDir }) {
      const resolved = await resolveCredentials({
        flags: { region },
        env,
        readFile,
        homeDir,
        profile,
      });
      const { credential } = resolved;
      return {
        credential,
        region: resolved.region,
        source: resolved.source,
        secrets: [
          credential.secretKey,
          ...(credential.token !== undefined ? [credential.token] : []),
        ],
      };
    },

    createCaller({ deps, credential, endpointUrl, regionalEndpoints, sendOnce, language }) {
      const lang = language ?? options.language;
      const client = createTencentClient({
        deps,
        credential,
        regionalEndpoints: regionalEndpoints ?? options.regionalEndpoints ?? false,
        endpointUrl,
        ...(lang !== undefined ? { language: lang } : {}),
        ...(sendOnce !== undefined ? { sendOnce } : {}),
      });
      return { keyId: client.secretId, call: client.call };
    },
  };
}

/** The Tencent Cloud provider (global endpoints, no `X-TC-Language`). */
export const tencentProvider: Provider<Credential> = createTencentProvider();
