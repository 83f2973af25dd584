/**
 * A third cloud, defined in this test only, reaches validation, planning, routing, retry
 * classification and a whole engine run through {@link registerProvider} alone: no engine,
 * validator or router change.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import type { ActionSpec, ServiceVersion } from "../catalog/types.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { MemorySink } from "../journal/events.ts";
import { runWorkflow } from "../engine/executor.ts";
import { createRateLimiter } from "../engine/rate_limiter.ts";
import { HuaweiApiError } from "../huawei/errors.ts";
import { parseJson, stringifyJson } from "../json.ts";
import { createTencentClient } from "../tencent/client.ts";
import { NetworkError, TencentApiError } from "../tencent/errors.ts";
import { loadWorkflowText } from "../workflow/load.ts";
import { planWorkflow } from "../workflow/plan.ts";
import { createProviderClient } from "../protocol/client.ts";
import type { Provider, ProviderApiError } from "../protocol/provider.ts";
import {
  classifyAnyError,
  findActionAnyCloud,
  findStructureAnyCloud,
  providerByName,
  providerOfError,
  providerOfService,
  PROVIDERS,
  registerProvider,
  serviceOfRef,
  versionsAnyCloud,
} from "./registry.ts";
import { classifyCallError, routeClients } from "./route.ts";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

// ---------------------------------------------------------------------------------------------
// The fake cloud: one service `fakecloud/box` with a JSON-over-POST API.
// ---------------------------------------------------------------------------------------------

const PREFIX = "fakecloud/";

function action(name: string, extra: Partial<ActionSpec>): ActionSpec {
  return {
    service: "fakecloud/box",
    version: "v1",
    name,
    rateLimitPerS: 1000,
    mutating: false,
    clientToken: false,
    inputs: [],
    outputs: [],
    source: "seed",
    ...extra,
  };
}

const BOX_V1: ServiceVersion = {
  service: "fakecloud/box",
  version: "v1",
  host: "box.fake.test",
  actions: {
    CreateBox: action("CreateBox", {
      mutating: true,
      clientToken: true,
      inputs: [
        { name: "Name", type: "String", required: true },
        { name: "Size", type: "Integer", required: false },
      ],
      outputs: [{ name: "Box", type: "Box", required: true }],
    }),
    DescribeBoxes: action("DescribeBoxes", {
      outputs: [{ name: "Boxes", type: "Box[]", required: true }],
    }),
  },
  structures: {
    Box: {
      name: "Box",
      fields: [
        { name: "BoxId", type: "String", required: true },
        { name: "Size", type: "Integer", required: true },
      ],
    },
  },
};

class FakeApiError extends Error implements ProviderApiError {
  readonly requestId: string;
  constructor(readonly code: string, readonly httpStatus: number, requestId = "") {
    super(`fake cloud says ${code}`);
    this.name = "FakeApiError";
    this.requestId = requestId;
  }
}

const mine = (service: string) => service === "fakecloud/box";

const fakeProvider: Provider<{ token: string }> = {
  name: "fakecloud",
  ownsService: (service) => service.startsWith(PREFIX),
  findAction: (service, name, version) =>
    mine(service) && (version === undefined || version === "v1") &&
      Object.hasOwn(BOX_V1.actions, name)
      ? BOX_V1.actions[name]
      : undefined,
  serviceVersion: (service, version) =>
    mine(service) && (version === undefined || version === "v1") ? BOX_V1 : undefined,
  versions: (service) => mine(service) ? ["v1"] : [],
  findStructure: (service, version, name) =>
    mine(service) && version === "v1" && Object.hasOwn(BOX_V1.structures, name)
      ? BOX_V1.structures[name]
      : undefined,
  actionSuggestion: (service, name) =>
    mine(service) && name.startsWith("Create") ? "CreateBox" : undefined,
  serviceSuggestion: (service) => service.startsWith(`${PREFIX}bo`) ? "box" : undefined,
  endpoint: ({ endpointUrl }) => {
    const url = new URL(endpointUrl ?? "https://box.fake.test/");
    return { url, host: url.host };
  },
  buildRequest: ({ spec, endpoint, params, credential, clientToken }) =>
    Promise.resolve(
      new Request(new URL(spec.name, endpoint.url), {
        method: "POST",
        headers: {
          authorization: `Fake ${credential.token}`,
          ...(clientToken ? { "x-idempotency": clientToken } : {}),
        },
        body: stringifyJson(params),
      }),
    ),
  parseResponse: ({ status, text }) => {
    const body = parseJson(text, "bigint") as { error?: string; id: string; result?: unknown };
    if (body.error !== undefined) {
      return { ok: false, error: new FakeApiError(body.error, status, body.id) };
    }
    return {
      ok: true,
      result: {
        response: body.result as Record<string, unknown>,
        requestId: body.id,
        httpStatus: status,
      },
    };
  },
  // `Fake.Busy` is retried; everything else is not.
  classifyError: (err, extraCodes = []) => {
    if (err instanceof NetworkError) {
      return err.phase === "before-send" ? "retry" : "unknown-outcome";
    }
    if (!(err instanceof FakeApiError)) return "never";
    return err.code === "Fake.Busy" || extraCodes.includes(err.code) ? "retry" : "never";
  },
  ownsError: (err) => err instanceof FakeApiError,
  credentialsHint: "set FAKECLOUD_TOKEN",
  keyId: (credential) => credential.token.slice(0, 4),
};

/** The fake cloud's server: busy on the first CreateBox, then creates boxes. */
function fakeServer() {
  const calls: Array<{ action: string; body: unknown; token: string | null }> = [];
  let busyOnce = true;
  const handle = async (request: Request): Promise<Response> => {
    const name = new URL(request.url).pathname.slice(1);
    const body = JSON.parse(await request.text()) as Record<string, unknown>;
    calls.push({ action: name, body, token: request.headers.get("x-idempotency") });
    const id = `req-${calls.length}`;
    if (request.headers.get("authorization") !== "Fake secret-token") {
      return Response.json({ error: "Fake.Denied", id }, { status: 403 });
    }
    if (name === "CreateBox") {
      if (busyOnce) {
        busyOnce = false;
        return Response.json({ error: "Fake.Busy", id }, { status: 429 });
      }
      return Response.json({ id, result: { Box: { BoxId: `box-${body.Name}`, Size: 3 } } });
    }
    return Response.json({ id, result: { Boxes: [] } });
  };
  return { calls, handle };
}

function withFake<T>(fn: () => Promise<T> | T): Promise<T> {
  const unregister = registerProvider(fakeProvider);
  return Promise.resolve().then(fn).finally(unregister);
}

// ---------------------------------------------------------------------------------------------

Deno.test("the built-in registry: Tencent first, Huawei second; lookups go to the owner", () => {
  assert.deepEqual(PROVIDERS.map((p) => p.name), ["tencentcloud", "huaweicloud"]);
  assert.equal(providerOfService("trocket")?.name, "tencentcloud");
  assert.equal(providerOfService("tencentcloud/trocket")?.name, "tencentcloud");
  assert.equal(providerOfService("huaweicloud/cph")?.name, "huaweicloud");
  assert.equal(providerOfService("fakecloud/box"), undefined);
  assert.equal(findActionAnyCloud("huaweicloud/cph", "ListEncodeServers")?.version, "v1");
  assert.equal(findActionAnyCloud("trocket", "DescribeTopicList")?.service, "trocket");
  assert.equal(findActionAnyCloud("fakecloud/box", "CreateBox"), undefined);
  assert.deepEqual(versionsAnyCloud("huaweicloud/cph"), ["v1"]);
  assert.equal(
    findStructureAnyCloud("huaweicloud/cph", "v1", "EncodeServer")?.name,
    "EncodeServer",
  );
  assert.equal(serviceOfRef({ provider: "tencentcloud", service: "trocket" }), "trocket");
  assert.equal(serviceOfRef({ provider: "huaweicloud", service: "cph" }), "huaweicloud/cph");

  const hw = new HuaweiApiError({
    service: "huaweicloud/cph",
    action: "ListEncodeServers",
    method: "GET",
    code: "X.1",
    message: "",
    httpStatus: 429,
  });
  const tc = new TencentApiError({
    service: "trocket",
    action: "CreateTopic",
    code: "X.1",
    message: "",
    httpStatus: 429,
  });
  assert.equal(providerOfError(hw)?.name, "huaweicloud");
  assert.equal(providerOfError(tc)?.name, "tencentcloud");
  // The same code and status: each cloud's own rules (Huawei retries 429, Tencent reads codes).
  assert.equal(classifyAnyError(hw), "retry");
  assert.equal(classifyAnyError(tc), "never");
  const cut = new NetworkError({ service: "s", action: "a", phase: "after-send", message: "" });
  assert.equal(providerOfError(cut), undefined);
  assert.equal(classifyAnyError(cut), "unknown-outcome");
});

Deno.test("registerProvider refuses a duplicate name and unregisters cleanly", () => {
  assert.throws(() => registerProvider({ ...fakeProvider, name: "huaweicloud" }), TypeError);
  const unregister = registerProvider(fakeProvider);
  try {
    assert.equal(providerByName("fakecloud"), fakeProvider);
    assert.throws(() => registerProvider(fakeProvider), TypeError);
  } finally {
    unregister();
  }
  assert.equal(providerByName("fakecloud"), undefined);
});

const WORKFLOW = `tcflow: 1
name: boxes
steps:
  - id: box
    action: fakecloud/box.CreateBox
    region: fake-1
    with: { Name: b1, Size: 3 }
  - id: topics
    action: trocket.DescribeTopicList
    region: ap-guangzhou
    with: { InstanceId: rmq-2x9f8k1p }
outputs:
  box: \${{ steps.box.outputs.Box.BoxId }}
  size: \${{ steps.box.outputs.Box.Size + 1 }}
  topics: \${{ steps.topics.outputs.TotalCount }}
`;

Deno.test("validation reaches a registered cloud: its catalog, its types, its suggestions", async () => {
  // Unregistered: the cloud is unknown.
  const before = loadWorkflowText(WORKFLOW, "boxes.yaml");
  assert.equal(before.workflow, undefined);
  assert.ok(
    before.diagnostics.some((d) =>
      d.code === "E_UNKNOWN_ACTION" && /unknown cloud `fakecloud`/.test(d.message)
    ),
    stringifyJson(before.diagnostics),
  );

  await withFake(() => {
    const ok = loadWorkflowText(WORKFLOW, "boxes.yaml");
    assert.deepEqual(ok.diagnostics.filter((d) => d.severity === "error"), []);
    assert.ok(ok.workflow);

    const bad = loadWorkflowText(
      WORKFLOW
        .replace("Name: b1, Size: 3", "Name: b1, Size: three")
        .replace("Box.BoxId", "Box.BoxName")
        .replace("trocket.DescribeTopicList", "fakecloud/box.CreateBx")
        .replace("InstanceId: rmq-2x9f8k1p", "Name: x"),
      "bad.yaml",
    );
    const messages = bad.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n");
    assert.match(messages, /E_TYPE .*Size/); // the fake catalog's parameter type
    assert.match(messages, /BoxName/); // the fake catalog's structure fields
    // The fake catalog's suggestion, named as written.
    assert.match(messages, /E_UNKNOWN_ACTION .*did you mean `fakecloud\/box\.CreateBox`/);

    const service = loadWorkflowText(
      WORKFLOW.replace("fakecloud/box.", "fakecloud/bocks."),
      "s.yaml",
    );
    assert.match(
      service.diagnostics.map((d) => d.message).join("\n"),
      /did you mean `fakecloud\/box\.CreateBox`/,
    );
  });
});

Deno.test("planning names the registered cloud's actions and reads its catalog", async () => {
  await withFake(async () => {
    const { workflow } = loadWorkflowText(WORKFLOW, "boxes.yaml");
    assert.ok(workflow);
    const plan = await planWorkflow(workflow, { inputs: {}, runId: "plan-1" });
    const step = plan.steps.find((s) => s.id === "box");
    assert.ok(step, stringifyJson(plan));
    assert.equal(step.action, "fakecloud/box.CreateBox");
    assert.equal(step.version, "v1");
    assert.equal(step.mutating, true);
  });
});

Deno.test("routing and classification reach a registered cloud; an engine run uses them", async () => {
  await withFake(async () => {
    const server = fakeServer();
    const tencentEmulator = createEmulator({ now: () => NOW });
    const deps = {
      now: () => NOW,
      random: () => 0.5,
      // Retry delays pass at once; request timeouts (30 s) never fire.
      sleep: (ms: number) => ms >= 30_000 ? new Promise<void>(() => {}) : Promise.resolve(),
      fetch: (request: Request) =>
        new URL(request.url).host === "box.fake.test"
          ? server.handle(request)
          : tencentEmulator.handle(request),
    };
    const fake = createProviderClient({
      provider: fakeProvider,
      deps,
      credential: { token: "secret-token" },
    });
    const client = routeClients({
      tencent: createTencentClient({ deps, credential: DEMO_CREDENTIAL }),
      byProvider: {
        fakecloud: {
          call: (service, name, version, region, params, opts) =>
            fake.call(
              fakeProvider.findAction(service, name, version)!,
              region,
              params as Record<string, unknown>,
              opts,
            ),
        },
      },
    });

    // Classification: the fake cloud's own rules, through the engine's classifier.
    assert.equal(classifyCallError(new FakeApiError("Fake.Busy", 429)), "retry");
    assert.equal(classifyCallError(new FakeApiError("Fake.Denied", 403)), "never");
    assert.equal(classifyCallError(new FakeApiError("Fake.Denied", 403), ["Fake.Denied"]), "retry");

    const { workflow } = loadWorkflowText(WORKFLOW, "boxes.yaml");
    assert.ok(workflow);
    const sink = new MemorySink();
    const result = await runWorkflow(workflow, {
      inputs: {},
      deps,
      client,
      rateLimiter: createRateLimiter({ deps }),
      runId: "fake-run",
      sink,
    });
    assert.equal(result.status, "succeeded", stringifyJson(result.steps));
    assert.equal(result.outputs.box, "box-b1");
    assert.equal(result.outputs.size, 4n);
    assert.equal(typeof result.outputs.topics, "bigint");
    // Busy once, retried by the engine with the same idempotency token.
    assert.deepEqual(server.calls.map((c) => c.action), ["CreateBox", "CreateBox"]);
    assert.ok(server.calls[0]!.token !== null && server.calls[0]!.token.length > 0);
    assert.equal(server.calls[1]!.token, server.calls[0]!.token);
    assert.deepEqual(server.calls[1]!.body, { Name: "b1", Size: 3 });

    // Without a client for the cloud: a ConfigError with the provider's hint.
    const bare = routeClients({
      tencent: createTencentClient({ deps, credential: DEMO_CREDENTIAL }),
    });
    await assert.rejects(
      bare.call("fakecloud/box", "CreateBox", "v1", "fake-1", {}),
      (e: unknown) => e instanceof ConfigError && /FAKECLOUD_TOKEN/.test(e.message),
    );
  });
  // Unregistered again: fake errors are nobody's, and follow the default rules.
  assert.equal(providerOfError(new FakeApiError("Fake.Busy", 429)), undefined);
  assert.equal(classifyCallError(new FakeApiError("Fake.Busy", 429)), "never");
});

Deno.test("lookups stay lazy: validating a trocket workflow reads the services list and the trocket data alone", async () => {
  // A fresh process, so that nothing is cached; every data file read is recorded.
  const code = `
    const read = Deno.readTextFileSync;
    const files = [];
    Deno.readTextFileSync = (path) => { files.push(String(path)); return read(path); };
    const { loadWorkflowText } = await import(${
    JSON.stringify(new URL("../workflow/load.ts", import.meta.url).href)
  });
    const { diagnostics } = loadWorkflowText(
      "tcflow: 1\\nname: t\\nsteps:\\n  - id: t\\n    action: trocket.DescribeTopicList\\n    region: ap-guangzhou\\n    with: { InstanceId: rmq-1 }\\n",
      "t.yaml",
    );
    console.log(JSON.stringify({ errors: diagnostics.filter((d) => d.severity === "error"), files }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    cwd: new URL("../..", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const { errors, files } = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    errors: unknown[];
    files: string[];
  };
  assert.deepEqual(errors, []);
  const data = files.map((f) => f.replace(/^.*\/lib\//, "lib/"));
  assert.deepEqual(data, [
    "lib/catalog/data/services.json",
    "lib/catalog/data/trocket/2023-03-08.json",
  ]);
});
