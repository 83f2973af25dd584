/**
 * `deno task demo`: runs the sample RocketMQ smooth migration end to end against the built-in
 * emulator (seeded with a source cluster, its topics and consumer groups, an empty RocketMQ
 * 5.x target instance and an API Gateway service), then says how to run the same workflow
 * against a real Tencent Cloud account.
 *
 * @module
 */
import { main } from "../lib/cli/main.ts";
import { processContext } from "../cli.ts";

const WORKFLOW = "workflows/rocketmq-smooth-migration.yaml";

// The demo's paths are the project's, wherever `deno task demo` was started.
const ctx = { ...processContext(), cwd: new URL("..", import.meta.url).pathname };
ctx.io.stderr(
  `tcflow demo: ${WORKFLOW} against the built-in emulator (demo data, no account needed)\n\n`,
);
const runCode = await main(["run", WORKFLOW, "--emulator"], ctx);
ctx.io.stderr(`
Next steps
  See the exact requests first:   deno task tcflow plan ${WORKFLOW}
  Run it on a real account:       export TENCENTCLOUD_SECRET_ID=… TENCENTCLOUD_SECRET_KEY=…
                                  deno task tcflow run ${WORKFLOW} \\
                                    --input taskId=<your task id> --input instanceId=<rmq-…> \\
                                    --input serviceId=<service-…>
  (credentials can also come from a TCCLI profile: --profile NAME)
  Serve the emulator for the SDK: deno task tcflow emulator --port 4566
`);
Deno.exit(runCode);
