import assert from "node:assert/strict";
import { connect } from "./connect.ts";
import { systemDeps } from "./deps.ts";
import { UsageError } from "./errors.ts";

const nothing = { ...systemDeps(), fetch: () => Promise.reject(new Error("nothing may be sent")) };

Deno.test("connect: a bad region or endpoint URL is a UsageError naming the option", async () => {
  const usage = (pattern: RegExp) => (error: unknown) =>
    error instanceof UsageError && pattern.test(error.message);
  await assert.rejects(
    connect({ deps: nothing, env: () => undefined, emulator: true, region: "ap_guangzhou" }),
    usage(/^region must be a region name like ap-guangzhou, got "ap_guangzhou"$/),
  );
  await assert.rejects(
    connect({ deps: nothing, env: () => undefined, emulator: true, endpointUrl: "ftp://x" }),
    usage(/^endpointUrl \(or TCFLOW_ENDPOINT_URL\) must be http:\/\/ or https:\/\/, got ftp:$/),
  );
  // from the environment too, before any credential is read
  const env = (name: string) => name === "TCFLOW_ENDPOINT_URL" ? "not a url" : undefined;
  await assert.rejects(
    connect({ deps: nothing, env }),
    usage(/^endpointUrl \(or TCFLOW_ENDPOINT_URL\): not a URL: "not a url"$/),
  );
  // the CLI names its flags
  await assert.rejects(
    connect({
      deps: nothing,
      env: () => undefined,
      emulator: true,
      rateScale: -1,
      optionNames: { region: "--region", endpointUrl: "--endpoint-url", rateScale: "--rate-scale" },
    }),
    usage(/^--rate-scale must be a number > 0, got -1$/),
  );
  const ok = await connect({ deps: nothing, env: () => undefined, emulator: true });
  assert.equal(ok.source, "--emulator (demo credential)");
  ok.close();
});
