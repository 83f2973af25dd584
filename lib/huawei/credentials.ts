/**
 * Huawei Cloud credentials (PRODUCT.md section 11), in order: flags, then the environment
 * variables of the official SDKs — `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
 * `HUAWEICLOUD_SDK_PROJECT_ID` (and, for temporary credentials, `HUAWEICLOUD_SDK_SECURITY_TOKEN`).
 * The secret key and the token never appear in messages.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

/** A Huawei Cloud access key pair with the project that project-level APIs act in. */
export interface HuaweiProjectCredential {
  ak: string;
  sk: string;
  /** Fills the `{project_id}` of request paths and the `X-Project-Id` header. */
  projectId: string;
  /** Temporary credentials: sent as `X-Security-Token`. */
  securityToken?: string;
}

/** Credential values given on the command line. */
export interface HuaweiCredentialFlags {
  ak?: string | undefined;
  sk?: string | undefined;
  projectId?: string | undefined;
}

/** Resolved credentials and where they came from (`flags`, `environment`, or both). */
export interface ResolvedHuaweiCredentials {
  credential: HuaweiProjectCredential;
  source: string;
}

/** The environment variables read, in the order they are named in errors. */
export const HUAWEI_ENV = {
  ak: "HUAWEICLOUD_SDK_AK",
  sk: "HUAWEICLOUD_SDK_SK",
  projectId: "HUAWEICLOUD_SDK_PROJECT_ID",
  securityToken: "HUAWEICLOUD_SDK_SECURITY_TOKEN",
} as const;

/**
 * Resolves the Huawei Cloud credentials.
 *
 * @throws {ConfigError} when the AK, SK or project id is missing; the message names the
 *   environment variables to set (never a value).
 *
 * @example
 * ```ts
 * import { resolveHuaweiCredentials } from "./credentials.ts";
 *
 * const env: Record<string, string> = {
 *   HUAWEICLOUD_SDK_AK: "AK0000EXAMPLE",
 *   HUAWEICLOUD_SDK_SK: "sk-example",
 *   HUAWEICLOUD_SDK_PROJECT_ID: "0123456789abcdef",
 * };
 * const { credential } = resolveHuaweiCredentials({ env: (name) => env[name] }); // or Deno.env.get
 * console.log(credential.projectId); // "0123456789abcdef"
 * ```
 */
export function resolveHuaweiCredentials(options: {
  env: (name: string) => string | undefined;
  flags?: HuaweiCredentialFlags;
}): ResolvedHuaweiCredentials {
  const flags = options.flags ?? {};
  const sources = new Set<string>();
  const read = (key: keyof HuaweiCredentialFlags): string | undefined => {
    const flag = flags[key];
    if (flag !== undefined && flag !== "") {
      sources.add("flags");
      return flag;
    }
    const value = options.env(HUAWEI_ENV[key])?.trim();
    if (value !== undefined && value !== "") {
      sources.add("environment");
      return value;
    }
    return undefined;
  };
  const ak = read("ak");
  const sk = read("sk");
  const projectId = read("projectId");
  const missing = [
    ak === undefined ? HUAWEI_ENV.ak : undefined,
    sk === undefined ? HUAWEI_ENV.sk : undefined,
    projectId === undefined ? HUAWEI_ENV.projectId : undefined,
  ].filter((n) => n !== undefined);
  if (ak === undefined || sk === undefined || projectId === undefined) {
    throw new ConfigError(
      `Huawei Cloud credentials are missing: set ${missing.join(", ")} ` +
        `(the access key ${HUAWEI_ENV.ak}, secret key ${HUAWEI_ENV.sk} and project id ` +
        `${HUAWEI_ENV.projectId} of the region's project), or use --emulator`,
    );
  }
  const token = options.env(HUAWEI_ENV.securityToken)?.trim();
  const credential: HuaweiProjectCredential = { ak, sk, projectId };
  if (token !== undefined && token !== "") credential.securityToken = token;
  return { credential, source: [...sources].join(" and ") };
}
