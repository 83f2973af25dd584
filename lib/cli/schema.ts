/**
 * `tcflow schema [service…]`: prints the JSON Schema of workflow files for editors.
 *
 * @module
 */
import { catalogIndex, serviceSuggestion } from "../catalog/catalog.ts";
import { workflowJsonSchema } from "../workflow/json_schema.ts";
import { boolFlag, parseCommandArgs } from "./args.ts";
import { type Command, EXIT, UsageError } from "./context.ts";

const USAGE = `Usage: tcflow schema [service…] > tcflow.schema.json

Prints the JSON Schema of workflow files. With services named, only their actions are
typed (a smaller file); without, every action of the catalog. Point the YAML language
server at it, e.g. first line of a workflow:
  # yaml-language-server: $schema=./tcflow.schema.json
`;

/** `tcflow schema`. */
export const schemaCommand: Command = (args, ctx) => {
  const parsed = parseCommandArgs("schema", args, {});
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(USAGE);
    return Promise.resolve(EXIT.ok);
  }
  const known = catalogIndex().services;
  for (const service of parsed.positionals) {
    if (known[service] === undefined) {
      const hint = serviceSuggestion(service);
      throw new UsageError(
        `schema: unknown service "${service}"${hint ? `; did you mean "${hint}"?` : ""}`,
      );
    }
  }
  const services = parsed.positionals.length > 0 ? parsed.positionals : undefined;
  const schema = workflowJsonSchema(services ? { services } : {});
  ctx.io.stdout(JSON.stringify(schema) + "\n");
  return Promise.resolve(EXIT.ok);
};
