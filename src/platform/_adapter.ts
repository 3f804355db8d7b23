/**
 * What both platform adapters do alike: answer a request once the service is
 * ready (a configuration error becomes a JSON 500 naming the setting), and
 * run the sweep with one summary line.
 *
 * @module
 */
import type { ExecutionContext } from "hono";
import { ConfigError } from "../config/settings.ts";
import { ApiError } from "../http/errors.ts";
import type { Service } from "./service.ts";

/**
 * Hands `request` to the service's app with the client's address; `context`
 * (Workers only) carries waitUntil, for notifications sent after the answer.
 */
export async function answer(
  service: Promise<Service>,
  request: Request,
  clientAddress: string | undefined,
  context?: ExecutionContext,
): Promise<Response> {
  let ready: Service;
  try {
    ready = await service;
  } catch (error) {
    const title = error instanceof ConfigError ? error.message : "Internal error";
    return new ApiError(500, "config", title).toResponse();
  }
  return ready.app.fetch(request, { clientAddress }, context);
}

/** Runs one auto-stop sweep and logs its summary; never throws. */
export async function sweepAndLog(
  service: Promise<Service>,
  by: string,
  log: (line: string) => void,
): Promise<void> {
  try {
    const report = await (await service).sweep(by);
    if (
      report &&
      (report.actions.length > 0 || report.warnings.length > 0 || report.problems.length > 0)
    ) {
      log(JSON.stringify({
        event: "sweep_run",
        at: report.at,
        by,
        actions: report.actions.length,
        warnings: report.warnings.length,
        problems: report.problems,
      }));
    }
  } catch (error) {
    log(`sweep: ${error instanceof ConfigError ? error.message : "failed"}`);
  }
}

/** The line that tells the operator the key a demo made up at start-up. */
export function generatedKeyLine(service: Service): string | null {
  return service.generatedApiKey
    ? `Demo API key (made up at start-up; set API_KEY to choose one): ${service.generatedApiKey}`
    : null;
}
