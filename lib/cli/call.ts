/**
 * `tcflow call <service.Action> [--Param value]… [--with JSON|YAML]`: one typed call, as TCCLI
 * makes one (PRODUCT.md section 16).
 *
 * Parameters are flags named like the API's (`--InstanceId rmq-1`), nested with dots
 * (`--Filters.0.Name topic`), several values make a list (`--TopicIds a b`); a value is parsed
 * as YAML (so JSON too: `--Filters '[{"Name":"x","Values":["y"]}]'`), except for a `String`
 * parameter whose value is taken as typed. They are checked against the catalog like a step's
 * `with:` before anything is sent: an unknown or missing parameter, or a value of the wrong
 * type, exits 2 naming the flag. `--paginate` follows every page (the action's own paging
 * style); lists print as tables, `--json` prints the `Response` without `RequestId`.
 *
 * Exit codes: 0 success, 1 API error (after the usual retries), 2 invalid command line,
 * 3 configuration or credential problem.
 *
 * @module
 */
import { parse as parseYaml } from "../vendor/yaml.js";
import { parseTypeName } from "../catalog/catalog.ts";
import { findStructureAnyCloud } from "../catalog/clouds.ts";
import { paramProblem } from "../catalog/params.ts";
import { firstPage } from "../catalog/pager.ts";
import { suggest } from "../catalog/suggest.ts";
import type { ActionSpec, Field } from "../catalog/types.ts";
import { callPaginated, type CallTarget, callWithRetry } from "../engine/call.ts";
import { DEFAULT_RETRY } from "../workflow/defaults.ts";
import { stringifyJson } from "../json.ts";
import { secretRedactor } from "../redaction.ts";
import { formatValue } from "../notebook/terminal.ts";
import { lookupAction } from "./actions.ts";
import { connect, CONNECT_FLAGS } from "./_connect.ts";
import { resolvePath } from "./_command.ts";
import { boolFlag, parseCommandArgs, stringFlag } from "./args.ts";
import { type Command, EXIT, UsageError } from "./context.ts";

const CALL_FLAGS = {
  ...CONNECT_FLAGS,
  with: { type: "string" },
  paginate: { type: "boolean" },
  version: { type: "string" },
} as const;

/** Text of `tcflow call --help`. */
export const CALL_USAGE =
  `Usage: tcflow call <service.Action> [--Param value]… [--with JSON|YAML|@file] [--paginate]
                   [--region R] [--profile P] [--emulator | --endpoint-url URL] [--version V]
                   [--json] [--quiet] [--no-color]

Makes one typed call, as TCCLI does. Parameters are flags named like the API's:
  --InstanceId rmq-1             a value, parsed as YAML (a String parameter takes it as typed)
  --Filters.0.Name topic         nested fields and list items by dots
  --TopicIds a b                 several values make a list
  --Filters '[{"Name":"x"}]'     JSON (or YAML) for a whole structure or list
--with gives many at once (a JSON or YAML mapping, or @file); flags override it.
Parameters are checked against the catalog before anything is sent. --paginate follows every
page. Lists print as tables; --json prints the Response (without RequestId) on stdout.
Exit codes: 0 success, 1 API error, 2 invalid command line, 3 credentials.
`;

const YAML_OPTIONS = {
  intAsBigInt: true,
  uniqueKeys: true,
  maxAliasCount: 100,
  prettyErrors: false,
  logLevel: "error",
} as const;

/** One parameter flag: `--Filters.0.Name topic` is path `["Filters", 0, "Name"]`. */
interface ParamFlag {
  flag: string;
  path: Array<string | number>;
  values: string[];
}

/** `tcflow call`. */
export const callCommand: Command = async (args, ctx) => {
  const { params: paramFlags, rest } = splitParamFlags(args);
  const parsed = parseCommandArgs("call", rest, CALL_FLAGS);
  if (boolFlag(parsed, "help")) {
    ctx.io.stdout(CALL_USAGE);
    return EXIT.ok;
  }
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) throw new UsageError(`call: missing <service.Action>\n${CALL_USAGE}`);
  if (extra.length > 0) {
    throw new UsageError(
      `call: unexpected argument "${extra[0]}" (parameters are flags: --Name value)`,
    );
  }
  const spec = lookupAction(name, stringFlag(parsed, "version"));
  if (spec.http !== undefined) {
    throw new UsageError(
      `call: ${name} is a Huawei Cloud operation; run it in a workflow step`,
    );
  }
  const lookup = (n: string) => findStructureAnyCloud(spec.service, spec.version, n);
  const params = buildParams(spec, paramFlags, stringFlag(parsed, "with"), ctx.cwd);
  const paginate = boolFlag(parsed, "paginate");
  if (paginate && spec.pagination === undefined) {
    throw new UsageError(
      `call: --paginate: ${spec.service}.${spec.name} cannot page${
        spec.notPageable ? ` (${spec.notPageable})` : ""
      }`,
    );
  }
  // With --paginate the pager fills the position and the page size: the first page is checked.
  const first = paginate && spec.pagination ? firstPage(spec.pagination, params).request : params;
  const problem = paramProblem(spec.inputs, first, lookup);
  if (problem !== undefined) throw new UsageError(`call: ${flagMessage(spec, problem.message)}`);
  const json = boolFlag(parsed, "json");
  const quiet = boolFlag(parsed, "quiet");

  const connection = await connect(parsed, ctx, { clouds: new Set(["tencentcloud"]) });
  // The rules of every record (lib/redaction.ts): the text printed is data, an error is a message.
  const redactor = secretRedactor(connection.secrets);
  const redact = (text: string) => redactor(text, "data") as string;
  const redactMessage = (text: string) => redactor(text, "message") as string;
  try {
    const region = connection.region ?? (connection.target.emulator ? "ap-guangzhou" : undefined);
    if (region === undefined) {
      throw new UsageError(
        "call: no region: give --region (or set TENCENTCLOUD_REGION, or a profile's region)",
      );
    }
    const target: CallTarget = {
      service: spec.service,
      action: spec.name,
      version: spec.version,
      region,
      spec,
    };
    const env = {
      deps: connection.deps,
      client: connection.client,
      rateLimiter: connection.rateLimiter,
      emit: () => Promise.resolve(),
    };
    const plan = {
      stepId: "call",
      policy: { ...DEFAULT_RETRY, on: [] },
      clientToken: spec.mutating && spec.clientToken && params.ClientToken === undefined
        ? randomToken(connection.deps.random)
        : undefined,
    };
    const outcome = paginate
      ? await callPaginated(env, target, params, plan, (page, items, total) => {
        if (!quiet) {
          ctx.io.stderr(
            `page ${page}: ${items}${total === undefined ? "" : ` of ${total}`} items\n`,
          );
        }
        return Promise.resolve();
      })
      : await callWithRetry(env, target, params, plan);
    if (!outcome.ok) {
      const { code, message, requestId } = outcome.error;
      ctx.io.stderr(
        redactMessage(
          `tcflow: ${spec.service}.${spec.name} failed: ${code}: ${message}${
            requestId ? ` (RequestId ${requestId})` : ""
          }${outcome.uncertain ? "; its outcome is unknown (not retried: no ClientToken)" : ""}\n`,
        ),
      );
      if (json) ctx.io.stdout(redactMessage(stringifyJson({ error: outcome.error }, 2) + "\n"));
      return EXIT.failed;
    }
    const { RequestId: _, ...response } = outcome.response;
    if (json) ctx.io.stdout(redact(stringifyJson(response, 2) + "\n"));
    else {
      // Fitted to a terminal; whole cells when the output goes to a file or a pipe.
      const width = ctx.io.isTerminal ? Math.max(60, terminalColumns()) : 100_000;
      ctx.io.stdout(redact(formatValue(response, { indent: "", width }).join("\n") + "\n"));
    }
    if (!quiet) ctx.io.stderr(`RequestId: ${outcome.requestId}\n`);
    return EXIT.ok;
  } finally {
    connection.close();
  }
};

/**
 * Takes the parameter flags (`--Name`, `--Name.0.Field`, `--Name=value`: a name that starts
 * with a capital letter) out of `args`, each with the values that follow it.
 */
export function splitParamFlags(args: string[]): { params: ParamFlag[]; rest: string[] } {
  const params: ParamFlag[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    const match = /^--([A-Z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)(?:=(.*))?$/s.exec(arg);
    if (match === null) {
      rest.push(arg);
      continue;
    }
    const flag = `--${match[1]!}`;
    const path = match[1]!.split(".").map((part) => /^\d+$/.test(part) ? Number(part) : part);
    const values: string[] = [];
    if (match[2] !== undefined) values.push(match[2]);
    else {
      while (i + 1 < args.length && !/^-[A-Za-z-]/.test(args[i + 1]!)) values.push(args[++i]!);
    }
    if (values.length === 0) throw new UsageError(`call: ${flag} needs a value`);
    params.push({ flag, path, values });
  }
  return { params, rest };
}

/** The request: `--with`'s mapping, then each parameter flag in order. */
function buildParams(
  spec: ActionSpec,
  flags: ParamFlag[],
  withText: string | undefined,
  cwd: string,
): Record<string, unknown> {
  let params: Record<string, unknown> = {};
  if (withText !== undefined) {
    let text = withText;
    if (text.startsWith("@")) {
      const path = resolvePath(cwd, text.slice(1));
      try {
        text = Deno.readTextFileSync(path);
      } catch (error) {
        throw new UsageError(
          `call: --with ${withText}: cannot read the file: ${
            error instanceof Error ? error.message : error
          }`,
        );
      }
    }
    const value = parseValue("--with", text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new UsageError(
        "call: --with must be a mapping of parameters (JSON or YAML), e.g. --with '{Limit: 10}'",
      );
    }
    params = value as Record<string, unknown>;
  }
  for (const flag of flags) {
    const type = typeAt(spec, flag);
    const value = flagValue(flag, type);
    setPath(params, flag, value);
  }
  return params;
}

/**
 * The catalog type at a flag's path (`Filter[]` for `--Filters`, `Filter` for `--Filters.0`,
 * `String` for `--Filters.0.Name`).
 *
 * @throws {UsageError} a name that is no parameter or field (with a "did you mean"), or an index
 *   into something that is not a list
 */
function typeAt(spec: ActionSpec, flag: ParamFlag): string {
  let fields: readonly Field[] | undefined = spec.inputs;
  let type = "";
  let owner = `${spec.service}.${spec.name}`;
  for (const [i, part] of flag.path.entries()) {
    const at = `--${flag.path.slice(0, i + 1).join(".")}`;
    if (typeof part === "number") {
      if (!type.endsWith("[]")) {
        throw new UsageError(`call: ${at}: ${owner} is ${type}, not a list`);
      }
      type = type.slice(0, -2);
    } else {
      if (fields === undefined) {
        throw new UsageError(`call: ${at}: ${owner} is ${type}, which has no fields`);
      }
      const field = fields.find((f) => f.name === part);
      if (field === undefined) {
        const hint = suggest(part, fields.map((f) => f.name));
        const noun = i === 0 ? `${owner} has no parameter` : `${owner} has no field`;
        throw new UsageError(
          `call: ${at}: ${noun} ${part}${
            hint ? `; did you mean --${[...flag.path.slice(0, i), hint].join(".")}?` : ""
          }`,
        );
      }
      type = field.type;
      owner = `--${flag.path.slice(0, i + 1).join(".")}`;
    }
    const { base, depth } = parseTypeName(type);
    fields = depth === 0
      ? findStructureAnyCloud(spec.service, spec.version, base)?.fields
      : undefined;
  }
  return type;
}

/** A flag's value for a parameter of `type`: text for strings, YAML otherwise, a list of many. */
function flagValue(flag: ParamFlag, type: string): unknown {
  const isList = type.endsWith("[]");
  if (flag.values.length > 1) {
    if (!isList) {
      throw new UsageError(
        `call: ${flag.flag} takes one value (${type}), got ${flag.values.length}`,
      );
    }
    const inner = type.slice(0, -2);
    return flag.values.map((text) => scalarValue(flag.flag, text, inner));
  }
  const text = flag.values[0]!;
  if (isList && !/^\s*\[/.test(text)) {
    // One item of a list: `--TopicIds a` is `["a"]`.
    return [scalarValue(flag.flag, text, type.slice(0, -2))];
  }
  return scalarValue(flag.flag, text, type);
}

function scalarValue(flag: string, text: string, type: string): unknown {
  if (type === "String" || type === "Timestamp" || type === "Binary") {
    // Taken as typed, unless quoted (`'"007"'` is the string 007 too).
    if (/^\s*(["']).*\1\s*$/s.test(text)) {
      const value = parseValue(flag, text);
      if (typeof value === "string") return value;
    }
    return text;
  }
  return parseValue(flag, text);
}

function parseValue(flag: string, text: string): unknown {
  try {
    return parseYaml(text, YAML_OPTIONS) ?? null;
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new UsageError(`call: ${flag}: the value is not valid YAML or JSON: ${first}`);
  }
}

/** Puts `value` at the flag's path, making the maps and lists on the way. */
function setPath(params: Record<string, unknown>, flag: ParamFlag, value: unknown): void {
  let node: Record<string | number, unknown> = params;
  flag.path.forEach((part, i) => {
    if (i === flag.path.length - 1) {
      node[part] = value;
      return;
    }
    const nextIsIndex = typeof flag.path[i + 1] === "number";
    let child = node[part];
    if (child === undefined || child === null) {
      child = nextIsIndex ? [] : {};
      node[part] = child;
    }
    if (typeof child !== "object" || Array.isArray(child) !== nextIsIndex) {
      throw new UsageError(
        `call: ${flag.flag}: --${flag.path.slice(0, i + 1).join(".")} was given as ${
          Array.isArray(child) ? "a list" : typeof child
        } already`,
      );
    }
    node = child as Record<string | number, unknown>;
  });
}

/** A catalog check's message with the parameter named as its flag (`--Filters.0.Name`). */
function flagMessage(spec: ActionSpec, message: string): string {
  return message
    .replace(/`([A-Za-z0-9_.]+)`/g, (_, path: string) => `--${path}`)
    .replace(/^The request is missing a required parameter (--\S+)\./, (_, flag: string) => {
      const field = spec.inputs.find((f) => `--${f.name}` === flag);
      return `missing required parameter ${flag}${
        field ? ` (${field.type})` : ""
      } of ${spec.service}.${spec.name}`;
    })
    .replace(/^The parameter (--\S+) is not recognized\./, "$1 is not a parameter (from --with)")
    .replace(/^The value type of parameter (--\S+) is not valid: /, "$1: ");
}

function randomToken(random: () => number): string {
  let out = "tcf-";
  for (let i = 0; i < 32; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 100;
  }
}
