import { loadWorkflowFile } from "/work/main/lib/workflow/load.ts";
import { createEmulator, DEMO_CREDENTIAL } from "/work/main/lib/emulator/emulator.ts";
import { createTencentClient } from "/work/main/lib/tencent/client.ts";
import { createRateLimiter } from "/work/main/lib/engine/rate_limiter.ts";
import { runWorkflow } from "/work/main/lib/engine/executor.ts";
import { MemorySink } from "/work/main/lib/engine/events.ts";
import { systemDeps } from "/work/main/lib/deps.ts";
import { stringifyJson } from "/work/main/lib/json.ts";
import { parseInputFlags } from "/work/main/lib/cli/inputs.ts";
const loaded = await loadWorkflowFile(Deno.args[0]!);
if (!loaded.workflow) { console.log(loaded.diagnostics); Deno.exit(2); }
const em = createEmulator();
const deps = { ...systemDeps(), fetch: em.handle };
const client = createTencentClient({ deps, credential: DEMO_CREDENTIAL });
const sink = new MemorySink();
const inputs = parseInputFlags(Deno.args.slice(1), undefined, loaded.workflow.inputs);
const r = await runWorkflow(loaded.workflow, { inputs, deps, client, rateLimiter: createRateLimiter({ deps }), runId: "r1", sink, region: "ap-guangzhou" });
console.log(stringifyJson(r, 2).slice(-1500));
console.log(sink.events.map(e => e.type + " " + ("stepId" in e ? e.stepId : "")).join("\n"));
