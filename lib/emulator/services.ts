/**
 * The emulated services, registered with the emulator core.
 *
 * @module
 */
import type { ServiceEmulator } from "./service.ts";
import { createTrocketEmulator } from "./trocket.ts";

/** A fresh instance of every emulated service, loaded with its built-in demo data. */
export function builtinServices(): ServiceEmulator[] {
  return [createTrocketEmulator()];
}
