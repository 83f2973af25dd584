/**
 * `tcflow schema [service…]`: prints the JSON Schema of workflow files for editors. Without
 * services named, the services the workflows of the working directory (and its `workflows/`)
 * call: the whole catalog (`--all`) is some 30 MB, too much for an editor.
 *
 * @module
 */
import { catalogIndex, serviceSuggestion } from "../catalog/catalog.ts";
import { workflowJsonSchema } from "../workflow/json_schema.ts";
import { resolvePath } from "./_command.ts";
import { boolFlag, parseCommandArgs, stringFlag } from "./args.ts";
import { type CliContext, type Command, EXIT, UsageError } from "./context.ts";

const USAGE = `Usage: tcflow schema [service…] [--services a,b] [--all] > tcflow.schema.json

Prints the JSON Schema of workflow files, typing the actions of the services named (as
arguments or --services a,b). Without any, the services that the workflows (*.yaml, *.yml) of
the current directory and of its workflows/ folder call; --all types every action of the
catalog (a file of some 30 MB). Point the YAML language server at it, e.g. first line of a
workflow:
  # yaml-language-server: $schema=./tcflow.schema.json
`;

const FLAGS = { services: { type: "string" }, all: { type: "boolean" } } as const;

/** `tcflow schema`. */
export const schemaCommand: Command = async (args, ctx) => {
  const parsed = parseCommandArgs("schema", args, FLAGS);
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(USAGE);
    return EXIT.ok;
  }
  const named = [
    ...parsed.positionals,
    ...(stringFlag(parsed, "services") ?? "").split(",").map((s) => s.trim()).filter(Boolean),
  ];
  const all = boolFlag(parsed, "all");
  if (all && named.length > 0) throw new UsageError("schema: --all goes without services");
  const known = catalogIndex().services;
  for (const service of named) {
    if (known[service] === undefined) {
      const hint = serviceSuggestion(service);
      throw new UsageError(
        `schema: unknown service "${service}"${hint ? `; did you mean "${hint}"?` : ""}`,
      );
    }
  }
  let services: string[] | undefined = named.length > 0 ? named : undefined;
  if (services === undefined && !all) {
    services = (await servicesOfFolder(ctx)).filter((s) => known[s] !== undefined);
    if (services.length === 0) {
      throw new UsageError(
        `schema: no workflow in ${ctx.cwd} (or its workflows/) calls a Tencent Cloud service; ` +
          `name the services (tcflow schema trocket apigateway, or --services a,b) or give --all`,
      );
    }
    ctx.io.stderr(`schema: typing the services the workflows here call: ${services.join(", ")}\n`);
  }
  const schema = workflowJsonSchema(services ? { services } : {});
  ctx.io.stdout(JSON.stringify(schema) + "\n");
  return EXIT.ok;
};

/** The services named by `action: <service>.<Action>` in the workflows of the folder. */
async function servicesOfFolder(ctx: CliContext): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of [ctx.cwd, resolvePath(ctx.cwd, "workflows")]) {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      continue; // no such folder
    }
    for (const entry of entries) {
      if (!entry.isFile || !/\.ya?ml$/i.test(entry.name)) continue;
      let text: string;
      try {
        text = await Deno.readTextFile(`${dir.replace(/\/+$/, "")}/${entry.name}`);
      } catch {
        continue;
      }
      if (!/^\s*tcflow:/m.test(text)) continue; // not a workflow
      for (const match of text.matchAll(/\baction:\s*["']?([a-z][a-z0-9_-]*)\.[A-Z]/g)) {
        found.add(match[1]!);
      }
    }
  }
  return [...found].sort();
}
