import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { resolveHuaweiCredentials } from "./credentials.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("credentials come from HUAWEICLOUD_SDK_AK/SK/PROJECT_ID", () => {
  const { credential, source } = resolveHuaweiCredentials({
    env: envOf({
      HUAWEICLOUD_SDK_AK: "AKENV",
      HUAWEICLOUD_SDK_SK: " skenv ",
      HUAWEICLOUD_SDK_PROJECT_ID: "p1",
    }),
  });
  assert.deepEqual(credential, { ak: "AKENV", sk: "skenv", projectId: "p1" });
  assert.equal(source, "environment");
});

Deno.test("flags come before the environment; a security token is picked up", () => {
  const { credential, source } = resolveHuaweiCredentials({
    env: envOf({
      HUAWEICLOUD_SDK_AK: "AKENV",
      HUAWEICLOUD_SDK_SK: "skenv",
      HUAWEICLOUD_SDK_PROJECT_ID: "p1",
      HUAWEICLOUD_SDK_SECURITY_TOKEN: "tok",
    }),
    flags: { ak: "AKFLAG", sk: "skflag" },
  });
  assert.deepEqual(credential, {
    ak: "AKFLAG",
    sk: "skflag",
    projectId: "p1",
    securityToken: "tok",
  });
  assert.equal(source, "flags and environment");
});

Deno.test("missing values are a ConfigError naming the variables, never a secret", () => {
  assert.throws(
    () => resolveHuaweiCredentials({ env: envOf({ HUAWEICLOUD_SDK_SK: "very-secret-sk" }) }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_PROJECT_ID \(/);
      assert.match(error.message, /HUAWEICLOUD_SDK_SK/);
      assert.doesNotMatch(error.message, /very-secret-sk/);
      return true;
    },
  );
  assert.throws(() => resolveHuaweiCredentials({ env: envOf({}) }), ConfigError);
});
