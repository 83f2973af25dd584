/**
 * Where the Tencent Cloud credentials and region come from (PRODUCT.md section 7), in order:
 * a credential given by a library caller (`connect`'s `credential`; the command line has no
 * credential flags), then the `TENCENTCLOUD_*` environment variables, then the TCCLI profile files
 * (`~/.tccli/<profile>.credential` and `~/.tccli/<profile>.configure`, profile from
 * `--profile`, else `TCCLI_PROFILE`, else `default`).
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { Credential } from "./signer.ts";

/** Credential values given on the command line. */
export interface CredentialFlags {
  /** SecretId given on the command line. */
  secretId?: string | undefined;
  /** SecretKey given on the command line. */
  secretKey?: string | undefined;
  /** Session token (of temporary credentials) given on the command line. */
  sessionToken?: string | undefined;
  /** `--region`. */
  region?: string | undefined;
}

/**
 * Options of {@link resolveCredentials}.
 *
 * @example
 * ```ts
 * import { resolveCredentials, type ResolveCredentialsOptions } from "./credentials.ts";
 * const options: ResolveCredentialsOptions = {
 *   flags: { secretId: "AKIDEXAMPLE", secretKey: "example-key" },
 *   env: () => undefined,
 *   readFile: (path) => Deno.readTextFile(path),
 *   homeDir: undefined,
 * };
 * console.log((await resolveCredentials(options)).source); // "flags"
 * ```
 */
export interface ResolveCredentialsOptions {
  /** Values given on the command line (they win). */
  flags?: CredentialFlags;
  /** Reads an environment variable. */
  env: (name: string) => string | undefined;
  /** Reads a text file; a missing file rejects with `Deno.errors.NotFound`. */
  readFile: (path: string) => Promise<string>;
  /** The home directory (`~`), or undefined when unknown (profile files are then skipped). */
  homeDir: string | undefined;
  /** `--profile`. */
  profile?: string | undefined;
}

/**
 * Resolved credentials: the pair (and token), the region if any source gave one, and where they came from.
 *
 * @example
 * ```ts
 * import { resolveCredentials, type ResolvedCredentials } from "./credentials.ts";
 * const resolved: ResolvedCredentials = await resolveCredentials({
 *   flags: { secretId: "AKIDEXAMPLE", secretKey: "example-key", region: "ap-guangzhou" },
 *   env: () => undefined,
 *   readFile: (path) => Deno.readTextFile(path),
 *   homeDir: undefined,
 * });
 * console.log(resolved.credential.secretId, resolved.region); // "AKIDEXAMPLE" "ap-guangzhou"
 * ```
 */
export interface ResolvedCredentials {
  /** The key pair and session token, if any. */
  credential: Credential;
  /** The region, when a source gave one. */
  region?: string;
  /** e.g. `flags`, `environment`, `TCCLI profile "default" (/home/me/.tccli/default.credential)`. */
  source: string;
}

const ENV_ID = "TENCENTCLOUD_SECRET_ID";
const ENV_KEY = "TENCENTCLOUD_SECRET_KEY";
const ENV_TOKENS = ["TENCENTCLOUD_SESSION_TOKEN", "TENCENTCLOUD_TOKEN"];
const ENV_REGION = "TENCENTCLOUD_REGION";

/**
 * Resolves credentials and region.
 *
 * @throws {ConfigError} when no source has a complete pair (the message names every source),
 *   when a source is half set (an id without a key), or a profile file is unreadable or malformed.
 *
 * @example
 * ```ts
 * const env: Record<string, string> = {
 *   TENCENTCLOUD_SECRET_ID: "AKIDEXAMPLE",
 *   TENCENTCLOUD_SECRET_KEY: "example-key",
 *   TENCENTCLOUD_REGION: "ap-guangzhou",
 * };
 * const { credential, region, source } = await resolveCredentials({
 *   env: (name) => env[name], // in a program: (name) => Deno.env.get(name)
 *   readFile: (path) => Deno.readTextFile(path),
 *   homeDir: undefined,
 * });
 * console.log(credential.secretId, region, source); // "AKIDEXAMPLE" "ap-guangzhou" "environment"
 * ```
 */
export async function resolveCredentials(
  options: ResolveCredentialsOptions,
): Promise<ResolvedCredentials> {
  const flags = options.flags ?? {};
  const env = (name: string) => nonEmpty(options.env(name));
  const profile = nonEmpty(options.profile) ?? env("TCCLI_PROFILE") ?? "default";
  if (!/^[A-Za-z0-9_.-]+$/.test(profile) || profile.startsWith(".")) {
    throw new ConfigError(`invalid TCCLI profile name ${JSON.stringify(profile)}`);
  }
  const dir = options.homeDir === undefined ? undefined : `${trimSlash(options.homeDir)}/.tccli`;
  const credentialFile = dir === undefined ? undefined : `${dir}/${profile}.credential`;
  const configureFile = dir === undefined ? undefined : `${dir}/${profile}.configure`;

  // Region: flag, then environment, then the profile's .configure (read lazily below).
  let region = nonEmpty(flags.region) ?? env(ENV_REGION);

  let found: { credential: Credential; source: string } | undefined;
  const flagId = nonEmpty(flags.secretId);
  const flagKey = nonEmpty(flags.secretKey);
  if (flagId !== undefined || flagKey !== undefined) {
    if (flagId === undefined || flagKey === undefined) {
      throw new ConfigError("credential flags need both the secret id and the secret key");
    }
    found = {
      credential: withToken(flagId, flagKey, nonEmpty(flags.sessionToken)),
      source: "flags",
    };
  }
  if (found === undefined) {
    const id = env(ENV_ID);
    const key = env(ENV_KEY);
    if (id !== undefined || key !== undefined) {
      if (id === undefined || key === undefined) {
        const [set, unset] = id === undefined ? [ENV_KEY, ENV_ID] : [ENV_ID, ENV_KEY];
        throw new ConfigError(`${set} is set but ${unset} is not; set both (or neither)`);
      }
      const token = ENV_TOKENS.map(env).find((value) => value !== undefined);
      found = { credential: withToken(id, key, token), source: "environment" };
    }
  }
  if (found === undefined && credentialFile !== undefined) {
    const text = await readOptional(options.readFile, credentialFile);
    if (text !== undefined) {
      const data = parseJsonObject(text, credentialFile);
      const id = stringField(data, ["secretId", "SecretId", "secret_id"]);
      const key = stringField(data, ["secretKey", "SecretKey", "secret_key"]);
      if (id === undefined || key === undefined) {
        throw new ConfigError(`${credentialFile} has no "secretId" and "secretKey"`);
      }
      const token = stringField(data, ["token", "Token", "sessionToken"]);
      found = {
        credential: withToken(id, key, token),
        source: `TCCLI profile "${profile}" (${credentialFile})`,
      };
    }
  }
  if (found === undefined) throw new ConfigError(missingMessage(profile, credentialFile));

  if (region === undefined && configureFile !== undefined) {
    const text = await readOptional(options.readFile, configureFile);
    if (text !== undefined) {
      const data = parseJsonObject(text, configureFile);
      const sys = data["_sys_param"];
      region = (sys !== null && typeof sys === "object"
        ? stringField(sys as Record<string, unknown>, ["region"])
        : undefined) ?? stringField(data, ["region"]);
    }
  }
  return region === undefined ? found : { ...found, region };
}

function missingMessage(profile: string, credentialFile: string | undefined): string {
  return [
    "no Tencent Cloud credentials found. tcflow looks, in order, at:",
    `  1. the environment: ${ENV_ID} and ${ENV_KEY}` +
    ` (plus ${ENV_TOKENS.join(" or ")} for temporary credentials, ${ENV_REGION} for the region);`,
    `  2. the TCCLI profile "${profile}": ${
      credentialFile ?? "~/.tccli/<profile>.credential (no home directory known)"
    }` + " and its .configure file (choose the profile with --profile or TCCLI_PROFILE).",
    "To try a workflow without an account, run it with --emulator.",
  ].join("\n");
}

function withToken(secretId: string, secretKey: string, token: string | undefined): Credential {
  return token === undefined ? { secretId, secretKey } : { secretId, secretKey, token };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

async function readOptional(
  read: (path: string) => Promise<string>,
  path: string,
): Promise<string | undefined> {
  try {
    return await read(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`cannot read ${path}: ${message}`);
  }
}

function parseJsonObject(text: string, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The message of JSON.parse may quote the file's text, i.e. the secret: do not show it.
    throw new ConfigError(`${path} is not valid JSON`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`${path} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

function stringField(data: Record<string, unknown>, names: string[]): string | undefined {
  for (const name of names) {
    const value = data[name];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}
