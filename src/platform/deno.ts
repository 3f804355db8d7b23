/**
 * The Deno adapter (`deno serve`, `deno run` on Deno Deploy, the executable
 * `deno task compile` builds): settings from `Deno.env`, the credential chain
 * over Deno's files and processes, one log line per write to stdout, the
 * start banner, and a graceful end on SIGINT or SIGTERM. Importing it does
 * nothing; main.ts makes the adapter, registers the cron at its own top level
 * (as Deno Deploy requires), then calls {@linkcode DenoAdapter.start}.
 *
 * @module
 */
import { CONFIG_VARIABLES, ConfigError, type Env } from "../config/settings.ts";
import { answer, sweepAndLog } from "./_adapter.ts";
import { walkCredentialChain } from "./credential_chain.ts";
import { denoCredentialHost } from "./deno_credentials.ts";
import type { DemoFactory } from "./demo.ts";
import { createService, type Service } from "./service.ts";

/** Variables only the Deno side reads: where to listen, and whether this is Deno Deploy. */
export const DENO_VARIABLES = [
  "PORT",
  "DENO_SERVE_ADDRESS",
  "DENO_DEPLOYMENT_ID",
  "DENO_DEPLOY",
] as const;

/** The cron job's name, as Deno Deploy lists it. */
export const SWEEP_JOB = "workwork auto-stop sweep";
/** How often the sweep runs: every 5 minutes, as `wrangler.toml`'s cron. */
export const SWEEP_CRON = "*/5 * * * *";

/** What main.ts needs of the Deno side. */
export interface DenoAdapter {
  /** The handler `deno serve` calls (with its handler info: the peer's address). */
  fetch(request: Request, info?: Deno.ServeHandlerInfo<Deno.NetAddr>): Promise<Response>;
  /** Prints the banner once the server listens; stops the process on a bad setting. */
  onListen(address: { hostname: string; port: number }): Promise<void>;
  /** The cron's job: one sweep, when `SWEEP_REGIONS` is set; nothing otherwise. */
  cronSweep(): Promise<void> | undefined;
  /** Aborted when the process is asked to end: it ends the cron, and drains the server. */
  signal: AbortSignal;
  /**
   * For the entry module run as the main module: ends gracefully on SIGINT
   * and SIGTERM, turns `PORT` into `DENO_SERVE_ADDRESS`, and serves by itself
   * on Deno Deploy and in the compiled executable.
   */
  start(): void;
}

/** Options of {@linkcode denoAdapter}. */
export interface DenoOptions {
  /** The demo, served with `DEMO=true` or, on a local run, when no credentials are found. */
  demo?: DemoFactory;
}

const LINE_ENCODER = new TextEncoder();

/**
 * One line to standard output. Deno Deploy collects what `console.log`
 * prints; a local Deno process writes the line straight to the file: side by
 * side that costs less CPU per request (docs/performance.md) than `console.log`, which
 * formats and then writes the same bytes. A line that cannot be written
 * (stdout closed) is dropped; the request goes on.
 */
function stdoutWriter(onDenoDeploy: boolean): (line: string) => void {
  if (onDenoDeploy) return (line) => console.log(line);
  return (line) => {
    const bytes = LINE_ENCODER.encode(`${line}\n`);
    try {
      for (let written = 0; written < bytes.length;) {
        written += Deno.stdout.writeSync(bytes.subarray(written));
      }
    } catch {
      // Nowhere to write to.
    }
  };
}

function denoEnv(): Env {
  return Object.fromEntries(
    [...CONFIG_VARIABLES, ...DENO_VARIABLES].map((name) => [name, Deno.env.get(name)]),
  );
}

/** The Deno adapter: one service for the process, made on first use. */
export function denoAdapter(options: DenoOptions = {}): DenoAdapter {
  const onDenoDeploy = Boolean(Deno.env.get("DENO_DEPLOYMENT_ID"));
  const log = stdoutWriter(onDenoDeploy);
  const shutdown = new AbortController();
  let service: Promise<Service> | undefined;

  function serviceFor(): Promise<Service> {
    if (service) return service;
    const env = denoEnv();
    return service = createService(env, {
      log,
      audit: log,
      demoWithoutCredentials: !onDenoDeploy,
      credentialChain: walkCredentialChain(denoCredentialHost(env)),
      demo: options.demo,
    });
  }

  /** Prints what a person who just ran `deno task start` needs to try it. */
  async function onListen(address: { hostname: string; port: number }): Promise<void> {
    let ready: Service;
    try {
      ready = await serviceFor();
    } catch (error) {
      console.error(error instanceof ConfigError ? `workwork: ${error.message}` : error);
      Deno.exit(1);
    }
    const host = address.hostname === "0.0.0.0" ? "localhost" : address.hostname;
    log(banner(ready, `http://${host}:${address.port}`));
  }

  return {
    // The peer of the connection: Deno Deploy puts the client there too.
    fetch: (request, info) => answer(serviceFor(), request, info?.remoteAddr?.hostname),
    onListen,
    cronSweep() {
      // Without SWEEP_REGIONS the sweep does nothing (and nothing is logged).
      if (!Deno.env.get("SWEEP_REGIONS")) return undefined;
      return sweepAndLog(serviceFor(), "cron", log);
    },
    signal: shutdown.signal,
    start() {
      if (Deno.build.os !== "windows") {
        for (const signal of ["SIGINT", "SIGTERM"] as const) {
          Deno.addSignalListener(signal, () => shutdown.abort());
        }
      }
      if (!onDenoDeploy) {
        // `deno serve` takes its port from a flag, not from PORT; it does read
        // DENO_SERVE_ADDRESS when it starts listening, after the entry module
        // has run, and so does Deno.serve below.
        const port = Deno.env.get("PORT");
        if (port && !Deno.env.get("DENO_SERVE_ADDRESS")) {
          Deno.env.set("DENO_SERVE_ADDRESS", `tcp:0.0.0.0:${port}`);
        }
      }
      // Deno Deploy starts the entry point as `deno run` would and does not
      // serve a default export (https://docs.deno.com/deploy/getting_started/#dynamic-entrypoint;
      // DENO_DEPLOY is set only there); nor does the compiled executable.
      // `deno serve` (the start task) serves the default export itself, and
      // drains and closes its own server on either signal.
      if (Deno.env.get("DENO_DEPLOY") || Deno.build.standalone) {
        const server = Deno.serve(
          { onListen },
          (request, info) => answer(serviceFor(), request, info.remoteAddr.hostname),
        );
        // shutdown() lets the requests in flight finish, then closes (Deno.serve's
        // own `signal` option would cut them off).
        shutdown.signal.addEventListener("abort", () => server.shutdown(), { once: true });
      }
    },
  };
}

/** The start banner: where it serves and with which credentials, or how to try the demo. */
function banner(service: Service, base: string): string {
  if (!service.simulator) {
    const source = service.credentials.source ?? "nowhere";
    return `workwork is serving on ${base}, talking to AWS EC2 with credentials from ${source}`;
  }
  const { looked } = service.credentials;
  const key = service.generatedApiKey ?? "$API_KEY";
  const running = service.demoInstances.find(({ state }) => state !== "stopped")!;
  const stopped = service.demoInstances.find(({ state }) => state === "stopped") ?? running;
  return [
    "",
    looked.length
      ? `workwork DEMO: no AWS credentials found (looked in: ${looked.join("; ")}),`
      : "workwork DEMO: DEMO=true,",
    "so this serves the built-in EC2 simulator. Nothing here touches AWS; state lives in this process only.",
    service.generatedApiKey
      ? `API key, made up for this run (set API_KEY to choose one): ${service.generatedApiKey}`
      : "API key: the one you set in API_KEY or API_KEYS",
    `Dashboard: ${base}/ in a browser; sign in with the key (on a phone: Add to Home screen)`,
    `Serving on ${base}. Try:`,
    `  curl -H 'X-Api-Key: ${key}' ${base}/instance/${running.region}/${running.id}`,
    `  curl -X POST -H 'X-Api-Key: ${key}' ${base}/instance/${running.region}/${running.id}/stop`,
    `  curl -X POST -H 'Content-Type: application/json' -d '{"api_key": "${key}"}' ${base}/instance/${stopped.region}/${stopped.id}/start`,
    "",
  ].join("\n");
}
