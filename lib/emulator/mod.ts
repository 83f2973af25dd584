/**
 * The emulator of the Tencent Cloud APIs (and Huawei Cloud's CPH), as its own package entry
 * (`tcflow/emulator`): a `fetch`-shaped handler over the catalog, and a loopback server. It
 * stands beside the product: it imports the catalog, parameter checks and signature
 * verification; only the program's wiring (`lib/cli/`, `mod.ts`) imports it.
 *
 * @example
 * ```ts
 * import { createEmulator, DEMO_CREDENTIAL } from "./mod.ts";
 * const emulator = createEmulator();
 * console.log(DEMO_CREDENTIAL.secretId, typeof emulator.handle); // "AKIDTCFLOWDEMO…" "function"
 * ```
 *
 * @module
 */
export {
  type CallRecord,
  createEmulator,
  DEMO_CREDENTIAL,
  type Emulator,
  type EmulatorOptions,
} from "./emulator.ts";
export { HUAWEI_DEMO_CREDENTIAL } from "./huawei_cph.ts";
export { type EmulatorServer, serveEmulator } from "./server.ts";
