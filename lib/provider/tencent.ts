/**
 * Tencent Cloud as a {@link Provider}, over `lib/tencent/*` and the catalog: endpoints
 * `<service>[.<region>].tencentcloudapi.com` (`../tencent/endpoint.ts`), one TC3-HMAC-SHA256
 * signed JSON POST per call (`../tencent/signer.ts`), answers read like the Tencent client
 * does (`interpretTencentAnswer`), and the retry rules of PRODUCT.md section 5
 * (`../tencent/errors.ts`).
 *
 * Like `createTencentClient`, a provider client re-signs once after
 * `AuthFailure.SignatureExpire`, with its clock corrected from the answer's `Date` header.
 *
 * @example
 * ```ts
 * import { tencentProvider } from "./tencent.ts";
 * const spec = tencentProvider.findAction("trocket", "DescribeTopicList")!;
 * const request = await tencentProvider.buildRequest({
 *   spec, region: "ap-guangzhou", params: { InstanceId: "rmq-1" }, timestampMs: Date.now(),
 *   credential: { secretId: "AKID…", secretKey: "…" },
 *   endpoint: tencentProvider.endpoint({ service: spec.service, region: "ap-guangzhou" }),
 * });
 * ```
 *
 * @module
 */
import {
  bareTencentService as bare,
  isTencentService,
  TENCENT_PREFIX,
  tencentCatalog,
} from "../catalog/clouds.ts";
import { stringifyJson } from "../json.ts";
import { createTencentClient, interpretTencentAnswer } from "../tencent/client.ts";
import { resolveCredentials } from "../tencent/credentials.ts";
import { endpointFor } from "../tencent/endpoint.ts";
import { classifyError, TencentApiError } from "../tencent/errors.ts";
import { type Credential, signTc3 } from "../tencent/signer.ts";
import type { Provider } from "../protocol/provider.ts";

export { isTencentService, TENCENT_PREFIX };

const CONTENT_TYPE = "application/json; charset=utf-8";
const encoder = new TextEncoder();

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
    endpoint: ({ service, region, endpointUrl }) =>
      endpointFor({
        service: bare(service),
        region,
        regional: options.regionalEndpoints ?? false,
        endpointUrl,
      }),
    async buildRequest({ spec, region, params, credential, endpoint, timestampMs, clientToken }) {
      const payload = clientToken !== undefined && params.ClientToken === undefined
        ? { ...params, ClientToken: clientToken }
        : params;
      // Serialized once: these exact bytes are signed and sent.
      const body = encoder.encode(stringifyJson(payload));
      const headers = await signTc3({
        method: "POST",
        host: endpoint.host,
        path: endpoint.url.pathname || "/",
        contentType: CONTENT_TYPE,
        body,
        service: bare(spec.service),
        action: spec.name,
        version: spec.version,
        ...(region !== "" ? { region } : {}),
        timestampS: Math.floor(timestampMs / 1000),
        ...(options.language !== undefined ? { language: options.language } : {}),
      }, credential);
      return new Request(endpoint.url, {
        method: "POST",
        headers,
        body: body as Uint8Array<ArrayBuffer>,
      });
    },
    parseResponse: ({ status, text }, spec) => {
      const result = interpretTencentAnswer(status, text, {
        service: bare(spec.service),
        action: spec.name,
      });
      return result instanceof TencentApiError
        ? { ok: false, error: result }
        : { ok: true, result };
    },
    classifyError,
    ownsError: (err) => err instanceof TencentApiError,
    credentialsHint:
      "set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (or configure a TCCLI profile)",
    keyId: (credential) => credential.secretId,
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
