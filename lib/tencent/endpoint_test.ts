import assert from "node:assert/strict";
import { endpointFor } from "./endpoint.ts";

Deno.test("default, regional and custom endpoints", () => {
  const global = endpointFor({ service: "trocket", region: "ap-guangzhou", regional: false });
  assert.equal(global.host, "trocket.tencentcloudapi.com");
  assert.equal(global.url.href, "https://trocket.tencentcloudapi.com/");
  const regional = endpointFor({ service: "trocket", region: "ap-guangzhou", regional: true });
  assert.equal(regional.host, "trocket.ap-guangzhou.tencentcloudapi.com");
  const noRegion = endpointFor({ service: "ssl", region: "", regional: true });
  assert.equal(noRegion.host, "ssl.tencentcloudapi.com");
  const custom = endpointFor({
    service: "trocket",
    region: "ap-guangzhou",
    regional: true,
    endpointUrl: "http://127.0.0.1:4566",
  });
  assert.equal(custom.host, "127.0.0.1:4566");
  assert.equal(custom.url.href, "http://127.0.0.1:4566/");
});

Deno.test("bad endpoints are refused", () => {
  assert.throws(
    () => endpointFor({ service: "x", region: "", regional: false, endpointUrl: "ftp://h" }),
    /http/,
  );
  assert.throws(
    () => endpointFor({ service: "x", region: "", regional: false, endpointUrl: "::" }),
    /invalid/,
  );
  assert.throws(
    () => endpointFor({ service: "evil.com/x", region: "", regional: false }),
    /service/,
  );
  assert.throws(() => endpointFor({ service: "cvm", region: "a/b", regional: true }), /region/);
});
