/**
 * Composition: settings in, a ready app out, with the EC2 client pointed at
 * AWS or, in demo mode, at the built-in simulator.
 *
 * @module
 */
import type { Hono } from "hono";
import { createApp } from "./app.ts";
import { keyDigest } from "./auth.ts";
import { type Env, loadConfig, type LoadConfigOptions } from "./config.ts";
import { Ec2Client } from "./ec2/client.ts";
import { FULL_ACCESS } from "./scopes.ts";
import { demoInstances, Ec2Simulator, type SimulatedInstanceSeed } from "./ec2/simulator.ts";

/** Credentials the demo signs with; the simulator checks the signature's shape, not its secret. */
const DEMO_CREDENTIALS = {
  accessKeyId: "AKIDWORKWORKDEMO",
  secretAccessKey: "workwork-demo-not-a-secret",
};

/** Options of {@linkcode createService}. */
export interface ServiceOptions extends LoadConfigOptions {
  /** Outbound fetch for EC2. Default: the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** Where the one line per request goes. */
  log?: (line: string) => void;
}

/** A configured service. */
export interface Service {
  // deno-lint-ignore no-explicit-any
  app: Hono<any>;
  /** The simulator in demo mode, null when the service talks to AWS. */
  simulator: Ec2Simulator | null;
  /** The instances the demo started with; empty when the service talks to AWS. */
  demoInstances: readonly SimulatedInstanceSeed[];
  /** The key made up for a demo started without `API_KEY`; null otherwise. */
  generatedApiKey: string | null;
}

/**
 * Builds the service from `env`.
 *
 * @throws {ConfigError} when a setting is missing or malformed
 */
export async function createService(
  env: Env,
  options: ServiceOptions = {},
): Promise<Service> {
  const config = loadConfig(env, options);
  const seeds = config.demo ? demoInstances() : [];
  const simulator = config.demo ? new Ec2Simulator({ instances: seeds }) : null;
  const credentials = simulator ? DEMO_CREDENTIALS : config.aws;
  const ec2 = credentials &&
    new Ec2Client({
      credentials,
      fetch: simulator?.fetch ?? options.fetch,
      endpoint: simulator ? undefined : config.endpoint,
      timeoutMs: config.timeoutMs,
    });
  const generatedApiKey = config.apiKey ? null : randomKey();
  const apiKey = config.apiKey ?? generatedApiKey!;
  const keys = [{ name: "default", digest: await keyDigest(apiKey), scope: FULL_ACCESS }];
  // The dashboard lists the demo's own regions unless REGIONS says otherwise.
  const regions = config.regions ??
    (seeds.length ? [...new Set(seeds.map((s) => s.region))] : null);
  const app = createApp({ config: { ...config, regions }, keys, ec2, log: options.log });
  return { app, simulator, demoInstances: seeds, generatedApiKey };
}

/** 32 random bytes, base64url: a key nobody can guess. */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}
