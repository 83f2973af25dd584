import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { resolveCredentials } from "./credentials.ts";

function fs(files: Record<string, string>) {
  return (path: string) => {
    const text = files[path];
    return text === undefined
      ? Promise.reject(new Deno.errors.NotFound(path))
      : Promise.resolve(text);
  };
}
const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

const HOME = "/home/u";
const PROFILE_FILES = {
  "/home/u/.tccli/default.credential": '{"secretId": "AKIDprofile", "secretKey": "profile-key"}',
  "/home/u/.tccli/default.configure": '{"_sys_param": {"region": "ap-beijing", "output": "json"}}',
  "/home/u/.tccli/prod.credential":
    '{"secretId": "AKIDprod", "secretKey": "prod-key", "token": "prod-token"}',
};

Deno.test("flags come first, then the environment, then the profile", async () => {
  const env = envOf({
    TENCENTCLOUD_SECRET_ID: "AKIDenv",
    TENCENTCLOUD_SECRET_KEY: "env-key",
    TENCENTCLOUD_SESSION_TOKEN: "env-token",
  });
  const readFile = fs(PROFILE_FILES);
  const fromFlags = await resolveCredentials({
    flags: { secretId: "AKIDflag", secretKey: "flag-key", region: "ap-shanghai" },
    env,
    readFile,
    homeDir: HOME,
  });
  assert.deepEqual(fromFlags, {
    credential: { secretId: "AKIDflag", secretKey: "flag-key" },
    region: "ap-shanghai",
    source: "flags",
  });
  const fromEnv = await resolveCredentials({ env, readFile, homeDir: HOME });
  assert.deepEqual(fromEnv.credential, {
    secretId: "AKIDenv",
    secretKey: "env-key",
    token: "env-token",
  });
  assert.equal(fromEnv.source, "environment");
  // Region from the profile's .configure when neither flag nor env gives one.
  assert.equal(fromEnv.region, "ap-beijing");
  const fromProfile = await resolveCredentials({ env: envOf({}), readFile, homeDir: HOME });
  assert.deepEqual(fromProfile.credential, { secretId: "AKIDprofile", secretKey: "profile-key" });
  assert.equal(fromProfile.region, "ap-beijing");
  assert.match(
    fromProfile.source,
    /TCCLI profile "default" \(\/home\/u\/.tccli\/default.credential\)/,
  );
});

Deno.test("TENCENTCLOUD_TOKEN and TENCENTCLOUD_REGION are read", async () => {
  const result = await resolveCredentials({
    env: envOf({
      TENCENTCLOUD_SECRET_ID: "AKID",
      TENCENTCLOUD_SECRET_KEY: "k",
      TENCENTCLOUD_TOKEN: "t",
      TENCENTCLOUD_REGION: "ap-chengdu",
    }),
    readFile: fs(PROFILE_FILES),
    homeDir: HOME,
  });
  assert.equal(result.credential.token, "t");
  assert.equal(result.region, "ap-chengdu");
});

Deno.test("the profile comes from --profile, else TCCLI_PROFILE", async () => {
  const readFile = fs(PROFILE_FILES);
  const byFlag = await resolveCredentials({
    env: envOf({}),
    readFile,
    homeDir: HOME,
    profile: "prod",
  });
  assert.deepEqual(byFlag.credential, {
    secretId: "AKIDprod",
    secretKey: "prod-key",
    token: "prod-token",
  });
  assert.equal(byFlag.region, undefined);
  const byEnv = await resolveCredentials({
    env: envOf({ TCCLI_PROFILE: "prod" }),
    readFile,
    homeDir: HOME,
  });
  assert.equal(byEnv.credential.secretId, "AKIDprod");
});

Deno.test("missing credentials name every source", async () => {
  await assert.rejects(
    resolveCredentials({ env: envOf({}), readFile: fs({}), homeDir: HOME, profile: "ops" }),
    (e) => {
      assert.ok(e instanceof ConfigError);
      for (
        const part of [
          "TENCENTCLOUD_SECRET_ID",
          "TENCENTCLOUD_SECRET_KEY",
          "TENCENTCLOUD_SESSION_TOKEN",
          "/home/u/.tccli/ops.credential",
          "--profile",
          "TCCLI_PROFILE",
          "--emulator",
        ]
      ) assert.ok(e.message.includes(part), part);
      return true;
    },
  );
});

Deno.test("half-set sources and malformed files are errors that show no secret", async () => {
  await assert.rejects(
    resolveCredentials({
      env: envOf({ TENCENTCLOUD_SECRET_KEY: "only-key-secret" }),
      readFile: fs({}),
      homeDir: HOME,
    }),
    (e) =>
      e instanceof ConfigError &&
      /TENCENTCLOUD_SECRET_KEY is set but TENCENTCLOUD_SECRET_ID is not/.test(e.message) &&
      !e.message.includes("only-key-secret"),
  );
  await assert.rejects(
    resolveCredentials({
      env: envOf({}),
      readFile: fs({
        "/home/u/.tccli/default.credential": '{"secretId": "AKID", "secretKey": "leak',
      }),
      homeDir: HOME,
    }),
    (e) =>
      e instanceof ConfigError && /not valid JSON/.test(e.message) && !e.message.includes("leak"),
  );
  await assert.rejects(
    resolveCredentials({ env: envOf({}), readFile: fs({}), homeDir: HOME, profile: "../etc" }),
    ConfigError,
  );
});
