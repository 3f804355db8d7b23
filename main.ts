/**
 * The entry point for every platform, and the only module that touches
 * `Deno.*` or reads the environment.
 *
 * - Deno (`deno task start`, `deno serve`, Deno Deploy): settings from the
 *   environment; with no AWS credentials on a local run, the demo simulator.
 *   On Deno Deploy (`DENO_DEPLOY` set), which runs this file as `deno run`
 *   would, it starts its own server.
 * - Cloudflare Workers: settings from the `env` bindings and secrets.
 *
 * @module
 */
import type { ExecutionContext } from "hono";
import { denoCredentialHost } from "./src/platform/deno_credentials.ts";
import { CONFIG_VARIABLES, ConfigError, type Env } from "./src/config/settings.ts";
import { ApiError } from "./src/http/errors.ts";
import { createService, type Service } from "./src/platform/service.ts";

/** Variables only the Deno side reads: where to listen, and whether this is Deno Deploy. */
export const DENO_VARIABLES = [
  "PORT",
  "DENO_SERVE_ADDRESS",
  "DENO_DEPLOYMENT_ID",
  "DENO_DEPLOY",
] as const;

const onDeno = typeof Deno !== "undefined";
let denoService: Promise<Service> | undefined;
const workerServices = new WeakMap<object, Promise<Service>>();

const LINE_ENCODER = new TextEncoder();
const onDenoDeploy = onDeno && Boolean(Deno.env.get("DENO_DEPLOYMENT_ID"));

/**
 * One line to standard output. Deno Deploy and Workers collect what
 * `console.log` prints; a local Deno process writes the line straight to the
 * file: side by side that took ~50 µs of CPU off each request against
 * `console.log`, which formats and then writes the same bytes. A line that
 * cannot be written (stdout closed) is dropped; the request goes on.
 */
function log(line: string): void {
  if (!onDeno || onDenoDeploy) return console.log(line);
  const bytes = LINE_ENCODER.encode(`${line}\n`);
  try {
    for (let written = 0; written < bytes.length;) {
      written += Deno.stdout.writeSync(bytes.subarray(written));
    }
  } catch {
    // Nowhere to write to.
  }
}

function denoEnv(): Env {
  return Object.fromEntries(
    [...CONFIG_VARIABLES, ...DENO_VARIABLES].map((name) => [name, Deno.env.get(name)]),
  );
}

/** On Deno, the one service of this process; on Workers, one per `env` object. */
function serviceFor(bindings: unknown): Promise<Service> {
  if (onDeno) {
    const env = denoEnv();
    return denoService ??= createService(env, {
      log,
      audit: log,
      demoWithoutCredentials: !onDenoDeploy,
      credentialHost: denoCredentialHost(env),
    });
  }
  const env = typeof bindings === "object" && bindings !== null ? bindings : {};
  let service = workerServices.get(env);
  if (!service) {
    service = createService(stringsOf(env), { log, audit: log });
    workerServices.set(env, service);
    service.then(announceGeneratedKey, () => {});
  }
  return service;
}

/** Workers bindings hold more than strings (KV, services); settings are the strings. */
function stringsOf(bindings: object): Env {
  return Object.fromEntries(
    Object.entries(bindings).filter(([, value]) => typeof value === "string"),
  );
}

/**
 * The client's address: the peer of the connection on Deno (Deno Deploy puts
 * the client there too), Cloudflare's `CF-Connecting-IP` on Workers, which
 * Cloudflare sets itself and a client cannot forge.
 */
function clientAddress(request: Request, second: unknown): string | undefined {
  if (!onDeno) return request.headers.get("cf-connecting-ip") ?? undefined;
  const remote = (second as Deno.ServeHandlerInfo<Deno.NetAddr> | undefined)?.remoteAddr;
  return remote?.hostname;
}

/**
 * `second` is `Deno.serve`'s handler info on Deno, the `env` bindings on
 * Workers; `context` (Workers only) carries waitUntil, for notifications sent
 * after the answer.
 */
async function handle(
  request: Request,
  second?: unknown,
  context?: ExecutionContext,
): Promise<Response> {
  let service: Service;
  try {
    service = await serviceFor(second);
  } catch (error) {
    const title = error instanceof ConfigError ? error.message : "Internal error";
    return new ApiError(500, "config", title).toResponse();
  }
  return service.app.fetch(request, { clientAddress: clientAddress(request, second) }, context);
}

/** Runs one auto-stop sweep and logs its summary; never throws. */
async function sweep(bindings: unknown, by: string): Promise<void> {
  try {
    const report = await (await serviceFor(bindings)).sweep(by);
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

/** How often the sweep runs: every 5 minutes, as `wrangler.toml`'s cron. */
const SWEEP_CRON = "*/5 * * * *";

/**
 * Aborted when the process is asked to end (SIGINT, which is how Deno Deploy
 * stops an instance and what Ctrl-C sends, or SIGTERM): it ends the cron, and
 * the server this module starts itself drains its requests and closes. Under
 * `deno serve`, Deno drains and closes its own server on either signal.
 * None on Workers, which refuses one made in the global scope.
 */
const shutdown = onDeno ? new AbortController() : undefined;

/** `Deno.cron` where there is one (`--unstable-cron`, Deno Deploy); on Workers and elsewhere, nothing. */
const cron: typeof Deno.cron = (onDeno && Deno.cron) || (() => Promise.resolve());

// At the top level and unconditionally, as Deno Deploy wants it: a Deno.cron
// inside an `if` is not picked up there. Without SWEEP_REGIONS the sweep does
// nothing (the service answers null, and nothing is logged).
cron("workwork auto-stop sweep", SWEEP_CRON, { signal: shutdown?.signal }, () => {
  if (!Deno.env.get("SWEEP_REGIONS")) return;
  return sweep(undefined, "cron");
});

function announceGeneratedKey(service: Service): void {
  if (service.generatedApiKey) {
    log(
      `Demo API key (made up at start-up; set API_KEY to choose one): ${service.generatedApiKey}`,
    );
  }
}

/** Prints what a person who just ran `deno task start` needs to try it. */
async function announce(address: { hostname: string; port: number }): Promise<void> {
  let service: Service;
  try {
    service = await serviceFor(undefined);
  } catch (error) {
    console.error(error instanceof ConfigError ? `workwork: ${error.message}` : error);
    Deno.exit(1);
  }
  const host = address.hostname === "0.0.0.0" ? "localhost" : address.hostname;
  const base = `http://${host}:${address.port}`;
  const { source, looked } = service.credentials;
  if (!service.simulator) {
    log(
      `workwork is serving on ${base}, talking to AWS EC2 with credentials from ${
        source ?? "nowhere"
      }`,
    );
    return;
  }
  const key = service.generatedApiKey ?? "$API_KEY";
  const running = service.demoInstances.find(({ state }) => state !== "stopped")!;
  const stopped = service.demoInstances.find(({ state }) => state === "stopped") ?? running;
  log(
    [
      "",
      looked.length
        ? `workwork DEMO: no AWS credentials found (looked in: ${looked.join("; ")}),`
        : "workwork DEMO: DEMO=true,",
      "so this serves the built-in EC2 simulator. Nothing here touches AWS; state lives in this process only.",
      service.generatedApiKey
        ? `API key, made up for this run (set API_KEY to choose one): ${service.generatedApiKey}`
        : "API key: the one you set in API_KEY or API_KEYS",
      `Serving on ${base}. Try:`,
      `  curl -H 'X-Api-Key: ${key}' ${base}/instance/${running.region}/${running.id}`,
      `  curl -X POST -H 'X-Api-Key: ${key}' ${base}/instance/${running.region}/${running.id}/stop`,
      `  curl -X POST -H 'Content-Type: application/json' -d '{"api_key": "${key}"}' ${base}/instance/${stopped.region}/${stopped.id}/start`,
      "",
    ].join("\n"),
  );
}

/**
 * Whether this module serves itself: on Deno Deploy, which starts the entry
 * point as `deno run` would and does not serve a default export
 * (https://docs.deno.com/deploy/getting_started/#dynamic-entrypoint;
 * DENO_DEPLOY is set only there), and in the executable `deno task compile`
 * builds. `deno serve` (the start task) serves the default export itself.
 */
const servesItself = onDeno && import.meta.main &&
  (Boolean(Deno.env.get("DENO_DEPLOY")) || Deno.build.standalone);

if (onDeno && import.meta.main) {
  if (Deno.build.os !== "windows") {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(signal, () => shutdown?.abort());
    }
  }
  if (!onDenoDeploy) {
    // `deno serve` takes its port from a flag, not from PORT; it does read
    // DENO_SERVE_ADDRESS when it starts listening, after this module has run,
    // and so does Deno.serve below.
    const port = Deno.env.get("PORT");
    if (port && !Deno.env.get("DENO_SERVE_ADDRESS")) {
      Deno.env.set("DENO_SERVE_ADDRESS", `tcp:0.0.0.0:${port}`);
    }
  }
}

if (servesItself) {
  const server = Deno.serve({ onListen: announce }, (request, info) => handle(request, info));
  // shutdown() lets the requests in flight finish, then closes (Deno.serve's
  // own `signal` option would cut them off).
  shutdown?.signal.addEventListener("abort", () => server.shutdown(), { once: true });
}

export default {
  fetch: handle,
  /** Cron entry on Workers (`[triggers] crons` in wrangler.toml): the auto-stop sweep. */
  scheduled(_controller: unknown, bindings: unknown, context: ExecutionContext): void {
    context.waitUntil(sweep(bindings, "cron"));
  },
  /** Called by `deno serve` once it listens. */
  onListen: announce,
};
