/**
 * The Cloudflare Workers adapter: `fetch` and `scheduled` with the `env`
 * bindings, one service per bindings object, `waitUntil` for what runs after
 * the answer. It touches no `Deno.*`; the two entries
 * (./workers_entry.ts, ./workers_demo_entry.ts) differ only in whether they
 * pass the demo.
 *
 * @module
 */
import type { ExecutionContext } from "hono";
import type { Env } from "../config/settings.ts";
import { answer, generatedKeyLine, sweepAndLog } from "./_adapter.ts";
import type { DemoFactory } from "./demo.ts";
import { createService, type Service } from "./service.ts";

/** What Workers calls: the default export of the bundle. */
export interface WorkersHandlers {
  /** Answers one request; `bindings` are the worker's `env` (vars, secrets, services). */
  fetch(request: Request, bindings?: unknown, context?: ExecutionContext): Promise<Response>;
  /** Cron entry (`[triggers] crons` in wrangler.toml): the auto-stop sweep. */
  scheduled(controller: unknown, bindings: unknown, context: ExecutionContext): void;
}

/** Options of {@linkcode workersHandlers}. */
export interface WorkersOptions {
  /** The demo's simulator; absent in the production bundle, where `DEMO=true` is refused. */
  demo?: DemoFactory;
}

/** Workers collects what `console.log` prints, one line per call. */
function log(line: string): void {
  console.log(line);
}

/** Workers bindings hold more than strings (KV, services); settings are the strings. */
function stringsOf(bindings: object): Env {
  return Object.fromEntries(
    Object.entries(bindings).filter(([, value]) => typeof value === "string"),
  );
}

/** The handlers of one Workers bundle; a service is made per `env` object, on first use. */
export function workersHandlers(options: WorkersOptions = {}): WorkersHandlers {
  const services = new WeakMap<object, Promise<Service>>();
  function serviceFor(bindings: unknown): Promise<Service> {
    const env = typeof bindings === "object" && bindings !== null ? bindings : {};
    let service = services.get(env);
    if (!service) {
      service = createService(stringsOf(env), { log, audit: log, demo: options.demo });
      services.set(env, service);
      service.then((ready) => {
        const line = generatedKeyLine(ready);
        if (line) log(line);
      }, () => {});
    }
    return service;
  }
  return {
    fetch(request, bindings, context) {
      // Cloudflare sets CF-Connecting-IP itself; a client cannot forge it.
      const client = request.headers.get("cf-connecting-ip") ?? undefined;
      return answer(serviceFor(bindings), request, client, context);
    },
    scheduled(_controller, bindings, context) {
      context.waitUntil(sweepAndLog(serviceFor(bindings), "cron", log));
    },
  };
}
