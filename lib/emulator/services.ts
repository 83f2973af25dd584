/**
 * The emulated services, registered with the emulator core.
 *
 * @module
 */
import { createApigatewayEmulator } from "./apigateway.ts";
import type { ServiceEmulator } from "./service.ts";
import { createSslEmulator } from "./ssl.ts";
import { createTrocketEmulator } from "./trocket.ts";
import { createYunjingEmulator } from "./yunjing.ts";

/** A fresh instance of every emulated service, loaded with its built-in demo data. */
export function builtinServices(): ServiceEmulator[] {
  return [
    createTrocketEmulator(),
    createApigatewayEmulator(),
    createSslEmulator(),
    createYunjingEmulator(),
  ];
}
