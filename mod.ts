/**
 * tcflow: typed YAML workflows of Tencent Cloud API actions, for Deno scripts and notebooks.
 *
 * Load a workflow (parse + type-check against the action catalog), then plan it: the exact
 * requests a run would send, with typed placeholders for outputs not known yet.
 *
 * @example
 * ```ts
 * import { loadWorkflowText, planWorkflow } from "./mod.ts";
 *
 * const { workflow, diagnostics } = loadWorkflowText(
 *   [
 *     "tcflow: 1",
 *     "name: topics",
 *     "region: ap-guangzhou",
 *     "steps:",
 *     "  - id: topics",
 *     "    action: trocket.DescribeTopicList",
 *     "    with: { InstanceId: rmq-72mo3a9o }",
 *   ].join("\n"),
 *   "topics.yaml",
 * );
 * if (workflow === undefined) throw new Error(diagnostics[0]?.message);
 * const plan = await planWorkflow(workflow, { inputs: {} });
 * console.log(plan.steps[0]?.requests); // [{ InstanceId: "rmq-72mo3a9o" }]
 * ```
 *
 * Run it, here against the built-in emulator (a local Tencent Cloud):
 *
 * @example
 * ```ts
 * import {
 *   createEmulator,
 *   createRateLimiter,
 *   createTencentClient,
 *   DEMO_CREDENTIAL,
 *   loadWorkflowText,
 *   runWorkflow,
 *   systemDeps,
 * } from "./mod.ts";
 *
 * const emulator = createEmulator();
 * const deps = { ...systemDeps(), fetch: (request: Request) => emulator.handle(request) };
 * const { workflow } = loadWorkflowText(
 *   "tcflow: 1\nname: t\nregion: ap-guangzhou\nsteps:\n" +
 *     "  - id: topics\n    action: trocket.DescribeTopicList\n    with: { InstanceId: rmq-2x9f8k1p }\n",
 *   "t.yaml",
 * );
 * const result = await runWorkflow(workflow!, {
 *   inputs: {},
 *   deps,
 *   client: createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } }),
 *   rateLimiter: createRateLimiter({ deps }),
 *   runId: "run-1",
 * });
 * console.log(result.status); // "succeeded"
 * ```
 *
 * Or call actions directly with the typed client:
 *
 * @example
 * ```ts
 * import { createClient, TencentApiError } from "./mod.ts";
 *
 * const client = createClient({ region: "ap-guangzhou", emulator: true });
 * const { TotalCount, Data } = await client.trocket.DescribeTopicList({ InstanceId: "rmq-2x9f8k1p" });
 * console.log(TotalCount, Data.map((topic) => topic.Topic)); // 3n [ … ]
 * try {
 *   await client.call("trocket.DescribeTopicList", { InstanceId: "rmq-missing" });
 * } catch (error) {
 *   if (!(error instanceof TencentApiError)) throw error;
 *   console.log(error.code); // "ResourceNotFound.Instance"
 * }
 * ```
 *
 * @module
 */

// Results hold integers as bigint: JSON.stringify writes them as exact digits (section 16).
import "./lib/bigint_json.ts";
import { createEmulator, type Emulator } from "./lib/emulator/emulator.ts";
import {
  type ClientOptions as TypedClientOptions,
  createClient as createTypedClient,
  type TcflowClient as TypedClient,
} from "./lib/client/client.ts";

// Workflows: parse → validate → plan.
export { type LoadResult, loadWorkflowFile, loadWorkflowText } from "./lib/workflow/load.ts";
export { type ParseResult, parseWorkflow } from "./lib/workflow/parse.ts";
export { type ValidateOptions, validateWorkflow } from "./lib/workflow/validate.ts";
export { formatDiagnostic, type FormatOptions } from "./lib/workflow/snippet.ts";
export {
  type LiveReadCall,
  type Plan,
  type PlannedStep,
  type PlanOptions,
  planWorkflow,
} from "./lib/workflow/plan.ts";
export { formatPlan, type FormatPlanOptions } from "./lib/workflow/plan_format.ts";
export {
  type JsonSchemaOptions,
  type Schema as JsonSchema,
  workflowJsonSchema,
} from "./lib/workflow/json_schema.ts";
export type { Diagnostic, DiagnosticCode } from "./lib/workflow/diagnostic.ts";
export type {
  ActionRef,
  ActionStep,
  AssertStep,
  CallSpec,
  ExprPart,
  FailureHook,
  InputDecl,
  InputType,
  MapEntry,
  Pos,
  RetryPolicy,
  SetStep,
  Step,
  StepBase,
  ValueNode,
  Workflow,
} from "./lib/workflow/model.ts";

// Expressions.
export { evaluateExpr, ExprError, type ExprErrorCode, Placeholder } from "./lib/expr/evaluate.ts";

// The typed action catalog.
export { findAction, searchActions, serviceVersion } from "./lib/catalog/catalog.ts";
export type {
  ActionSource,
  ActionSpec,
  Field,
  HttpBinding,
  Pagination,
  PagingStyle,
  ServiceVersion,
  Structure,
  TypeName,
} from "./lib/catalog/types.ts";

// Signing.
export { type Credential, signTc3, type Tc3Request } from "./lib/tencent/signer.ts";
export {
  type IncomingRequest,
  type VerifyInfo,
  type VerifyOptions,
  type VerifyResult,
  verifyTencentRequest,
} from "./lib/emulator/verify.ts";
export { type HuaweiCredential, type HuaweiRequest, signHuawei } from "./lib/huawei/signer.ts";

// Lossless JSON (64-bit integers as bigint).
export { type IntegerMode, parseJson, stringifyJson } from "./lib/json.ts";

// Running workflows.
export {
  type EngineOptions,
  type ItemResult,
  type RecordedStep,
  type RunOptions,
  type RunResult,
  runWorkflow,
  type StepResult,
} from "./lib/engine/executor.ts";
export { type RollbackOptions, rollbackWorkflow, type UndoResult } from "./lib/engine/rollback.ts";
export {
  type ErrorInfo,
  type EventOf,
  type ItemStatus,
  MemorySink,
  type RollbackStatus,
  type RunEvent,
  type RunEventType,
  type RunSink,
  type StepStatus,
} from "./lib/journal/events.ts";
export {
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
} from "./lib/engine/rate_limiter.ts";
export { type Deps, type FetchFn, systemDeps } from "./lib/deps.ts";
export {
  cloudsOf,
  connect,
  type Connection,
  type ConnectOptions,
  type InProcessEmulator,
  type OptionNames,
} from "./lib/connect.ts";
export type { CallPort, ProviderName } from "./lib/protocol/provider.ts";
export type {
  JournalStore,
  RunMeta,
  RunRecord,
  RunStatus,
  RunSummary,
  RunTarget,
} from "./lib/journal/store.ts";
export type { EarlierTry } from "./lib/journal/replay.ts";
export type { Sealed } from "./lib/journal/seal.ts";

// The typed client.
export type {
  ActionCallOptions,
  ActionResponse,
  ClientOptions,
  GenericCallOptions,
  NewEmulator,
  TcflowClient,
} from "./lib/client/client.ts";

/**
 * Creates a typed client: `client.trocket.DescribeTopicList({...})`, `client.call(name, params)`.
 * It connects on its first call the way a run does (`lib/connect.ts`); `emulator: true` makes an
 * in-process {@link Emulator} (`client.emulator`).
 *
 * @param options region, credential or `emulator` (`true`, or an {@link Emulator} to talk to
 *   in-process), endpoint, rate-limit and retry settings
 * @returns the client; nothing is sent until a call
 * @throws {UsageError} a bad region, endpoint URL or rate scale
 *
 * @example
 * ```ts
 * import { createClient } from "./mod.ts";
 * const client = createClient({ region: "ap-guangzhou", emulator: true });
 * const topics = await client.trocket.DescribeTopicList({ InstanceId: "rmq-2x9f8k1p" });
 * console.log(topics.TotalCount);
 * ```
 */
export function createClient(
  options: TypedClientOptions<Emulator>,
): TypedClient<Emulator> {
  return createTypedClient(options, createEmulator);
}
export type { TrocketClient } from "./lib/client/types/trocket.ts";
export type { ApigatewayClient } from "./lib/client/types/apigateway.ts";
export type { SslClient } from "./lib/client/types/ssl.ts";
export type { YunjingClient } from "./lib/client/types/yunjing.ts";
export type * as trocket from "./lib/client/types/trocket.ts";
export type * as apigateway from "./lib/client/types/apigateway.ts";
export type * as ssl from "./lib/client/types/ssl.ts";
export type * as yunjing from "./lib/client/types/yunjing.ts";

// Tencent Cloud calls: the client, credentials, errors.
export {
  type CallOptions as TencentCallOptions,
  type CallResult as TencentCallResult,
  createTencentClient,
  type TencentClient,
  type TencentClientOptions,
} from "./lib/tencent/client.ts";
export type { CallerCallOptions } from "./lib/protocol/provider.ts";
export type { SendOnceFn } from "./lib/tencent/http1.ts";
export {
  type CredentialFlags,
  resolveCredentials,
  type ResolveCredentialsOptions,
  type ResolvedCredentials,
} from "./lib/tencent/credentials.ts";
export {
  type CallSite,
  NetworkError,
  type NetworkPhase,
  TencentApiError,
} from "./lib/tencent/errors.ts";

// The emulator: a local Tencent Cloud.
export {
  type CallRecord,
  createEmulator,
  DEMO_CREDENTIAL,
  type Emulator,
  type EmulatorOptions,
} from "./lib/emulator/emulator.ts";
export {
  type EmulatorServer,
  type EmulatorServerOptions,
  serveEmulator,
} from "./lib/emulator/server.ts";

// Notebook mode and Jupyter.
export {
  type Display,
  display,
  JUPYTER_DISPLAY,
  type JupyterNotebook,
  openNotebook,
  type OpenNotebookOptions,
} from "./lib/notebook/jupyter.ts";
export {
  type Cell,
  type CellRun,
  type CellStatus,
  NotebookError,
  type NotebookErrorCode,
  NotebookSession,
  type RollbackRun,
  type SessionOptions,
} from "./lib/notebook/session.ts";
export {
  buildIpynb,
  type IpynbCell,
  type IpynbDocument,
  type IpynbOptions,
} from "./lib/notebook/ipynb.ts";
