import { loadWorkflowText } from "./lib/workflow/load.ts";
import { formatDiagnostic } from "./lib/workflow/snippet.ts";
const file = Deno.args[0]!;
const src = Deno.readTextFileSync(file);
const t0 = performance.now();
const res = loadWorkflowText(src, file);
console.log("ms", performance.now() - t0, "workflow?", !!res.workflow);
for (const d of res.diagnostics) console.log(formatDiagnostic(d, src));
