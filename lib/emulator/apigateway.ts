/**
 * The emulated API Gateway (`apigateway` 2018-08-08): services, APIs, environments and
 * releases, usage plans and their bindings, API keys, IP strategies, plugins, custom domains,
 * upstreams and API apps, with the documented request/response shapes and error codes.
 *
 * State is one plain-JSON {@link ApigatewayState}; the built-in demo data is service
 * `service-ody35h5e` (`demo-service`) with `api-demo0001` (`GET /orders`) and
 * `api-demo0002` (`POST /payments`), released on `test`.
 *
 * @module
 */

import {
  type ApigatewayState,
  type ApigatewayStore,
  demoApigatewayState,
  emptyApigatewayState,
} from "./apigateway_data.ts";
import type { ServiceEmulator } from "./service.ts";
import { apiActions } from "./_apigateway_apis.ts";
import { extraActions } from "./_apigateway_extras.ts";
import { domainActions } from "./_apigateway_domains.ts";
import { keyActions } from "./_apigateway_keys.ts";
import { planActions } from "./_apigateway_plans.ts";
import { pluginActions } from "./_apigateway_plugins.ts";
import { serviceActions } from "./_apigateway_services.ts";

/** Service name of the emulated API Gateway. */
export const APIGATEWAY_SERVICE = "apigateway";
/** API version of the emulated API Gateway. */
export const APIGATEWAY_VERSION = "2018-08-08";

/**
 * Reads a snapshot back into a state: every list present (missing ones empty).
 * Throws `TypeError` when `data` is not an object of lists.
 */
function toState(data: unknown): ApigatewayState {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new TypeError("apigateway data must be an object of lists (as returned by snapshot())");
  }
  const state = emptyApigatewayState();
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(state) as Array<keyof ApigatewayState>) {
    const value = record[key];
    if (value === undefined) continue;
    if (!Array.isArray(value)) throw new TypeError(`apigateway data: ${key} must be a list`);
    (state[key] as unknown[]) = structuredClone(value);
  }
  return state;
}

/**
 * Creates the emulated API Gateway service with the built-in demo data.
 *
 * @example
 * ```ts
 * const gw = createApigatewayEmulator();
 * gw.service; // "apigateway"
 * ```
 */
export function createApigatewayEmulator(): ServiceEmulator {
  const store: ApigatewayStore = { state: demoApigatewayState() };
  return {
    service: APIGATEWAY_SERVICE,
    version: APIGATEWAY_VERSION,
    actions: {
      ...serviceActions(store),
      ...apiActions(store),
      ...planActions(store),
      ...keyActions(store),
      ...domainActions(store),
      ...extraActions(store),
      ...pluginActions(store),
    },
    snapshot: () => structuredClone(store.state),
    load(data) {
      store.state = data === undefined ? demoApigatewayState() : toState(data);
    },
  };
}
