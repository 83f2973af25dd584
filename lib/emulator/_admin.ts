/**
 * Private: the emulator's admin routes under `/_emulator/`.
 *
 * @module
 */
import { stringifyJson } from "../json.ts";

/** What the admin routes need of the emulator (`Emulator` has it). */
export interface AdminTarget {
  state(): Record<string, unknown>;
  reset(): void;
  calls(): unknown[];
  setFaults(spec: string | undefined, seed?: number): void;
}

/** What `GET /_emulator/faults` answers. */
export interface FaultInfo {
  spec: string | null;
  seed: number;
  injected: number;
}

/**
 * Answers the admin routes: `GET /_emulator/state`, `POST /_emulator/reset`,
 * `GET /_emulator/calls`, `GET|POST /_emulator/faults` (`{spec, seed}`). No signature needed.
 */
export async function handleAdmin(
  request: Request,
  path: string,
  emulator: AdminTarget,
  info: () => FaultInfo,
): Promise<Response> {
  const method = request.method.toUpperCase();
  const json = (value: unknown, status = 200) =>
    new Response(stringifyJson(value, 2), {
      status,
      headers: { "content-type": "application/json" },
    });
  const route = `${method} ${path.replace(/\/$/, "")}`;
  switch (route) {
    case "GET /_emulator/state":
      return json(emulator.state());
    case "POST /_emulator/reset":
      emulator.reset();
      return json({ ok: true });
    case "GET /_emulator/calls":
      return json(emulator.calls());
    case "GET /_emulator/faults":
      return json(info());
    case "POST /_emulator/faults": {
      let body: { spec?: unknown; seed?: unknown };
      try {
        body = (await request.json()) as { spec?: unknown; seed?: unknown };
      } catch {
        return json({
          error: { code: "InvalidRequest", message: "body must be JSON {spec, seed}" },
        }, 400);
      }
      const spec = body?.spec;
      const seed = body?.seed;
      if (
        (spec !== undefined && spec !== null && typeof spec !== "string") ||
        (seed !== undefined && (typeof seed !== "number" || !Number.isInteger(seed)))
      ) {
        return json({
          error: {
            code: "InvalidRequest",
            message: "spec must be a string or null, seed an integer",
          },
        }, 400);
      }
      try {
        emulator.setFaults(typeof spec === "string" ? spec : undefined, seed);
      } catch (error) {
        return json(
          { error: { code: "InvalidFaultSpec", message: (error as Error).message } },
          400,
        );
      }
      return json(info());
    }
  }
  const known = [
    "GET /_emulator/state",
    "POST /_emulator/reset",
    "GET /_emulator/calls",
    "GET|POST /_emulator/faults",
  ];
  return json({
    error: { code: "NotFound", message: `no admin route ${route}; routes: ${known.join(", ")}` },
  }, 404);
}
