import { processContext } from "../cli.ts";
import { main } from "../lib/cli/main.ts";
Deno.exit(await main(Deno.args, processContext()));
