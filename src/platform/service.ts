/**
 * Composition: settings in, a ready app out, with the EC2 client pointed at
 * AWS or, in demo mode, at the built-in simulator. The simulator and the
 * credential chain's walk come in as options, so a build that passes neither
 * (the production Workers bundle) carries neither.
 *
 * @module
 */
import type { Hono } from "hono";
import { createApp } from "../http/app.ts";
import { keyEntries } from "../config/api_keys.ts";
import type { CredentialChain } from "../aws/credentials.ts";
import {
  apiKeysError,
  ConfigError,
  type Env,
  flag,
  loadConfig,
  type LoadConfigOptions,
} from "../config/settings.ts";
import { Ec2Client, type Fetch } from "../aws/ec2.ts";
import { createNotifier } from "../domain/notify.ts";
import { runSweep, type SweepReport } from "../domain/sweep.ts";
import { InstanceChangeQueue } from "../domain/change_queue.ts";
import type { Ec2Simulator, SimulatedInstanceSeed } from "../simulator/ec2.ts";
import type { Route53Simulator } from "../simulator/route53.ts";
import type { DemoFactory } from "./demo.ts";
import { dnsSettings } from "./dns.ts";
import type { CloudWatchSimulator } from "../simulator/cloudwatch.ts";
import { idleWiring } from "./idle_wiring.ts";

/** Credentials the demo signs with; the simulator checks the signature's shape, not its secret. */
const DEMO_CREDENTIALS = {
  accessKeyId: "AKIDWORKWORKDEMO",
  secretAccessKey: "workwork-demo-not-a-secret",
};

/** Why `DEMO=true` fails in a build without the simulator. */
const NO_DEMO_IN_THIS_BUILD =
  "DEMO=true needs the demo build: this one carries no simulator (deploy dist/worker-demo.js, which `deno task build:demo` writes)";

/** Options of {@linkcode createService}. */
export interface ServiceOptions extends LoadConfigOptions {
  /** Outbound fetch for EC2. Default: the global `fetch`. */
  fetch?: Fetch;
  /** Where the one line per request goes. */
  log?: (line: string) => void;
  /** Where the audit lines go (one JSON object per line). */
  audit?: (line: string) => void;
  /** Outbound fetch for the notification webhook. Default: the global `fetch`. */
  notifyFetch?: (request: Request) => Promise<Response>;
  /** Outbound fetch for the chat answers (Slack's `response_url`, Discord's webhook). Default: the global `fetch`. */
  chatFetch?: (request: Request) => Promise<Response>;
  /**
   * Walks the AWS credential chain (Deno: env, files, home, processes; see
   * `walkCredentialChain` of ./credential_chain.ts); not called when `DEMO=true`. Absent
   * (Workers): only `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
   */
  credentialChain?: () => Promise<CredentialChain>;
  /**
   * Makes the demo's simulator (`createDemo` of ./demo.ts). Absent (the
   * production Workers bundle): `DEMO=true` is a configuration error.
   */
  demo?: DemoFactory;
  /** The clock of the service, its sweep and, in demo mode, its simulators. Default: the time. */
  now?: () => Date;
}

/** A configured service. */
export interface Service {
  // deno-lint-ignore no-explicit-any
  app: Hono<any>;
  /** The simulator in demo mode, null when the service talks to AWS. */
  simulator: Ec2Simulator | null;
  /** Demo mode's Route53, serving the zone `demo.workwork.test`; null outside demo mode. */
  route53: Route53Simulator | null;
  /** The simulated CloudWatch in demo mode, null when the service talks to AWS. */
  cloudwatchSimulator: CloudWatchSimulator | null;
  /** The instances the demo started with; empty when the service talks to AWS. */
  demoInstances: readonly SimulatedInstanceSeed[];
  /** The key made up for a demo started without `API_KEY`; null otherwise. */
  generatedApiKey: string | null;
  /** The credential source in use (null: none, or demo), and every place the chain looked. */
  credentials: { source: string | null; looked: readonly string[] };
  /**
   * Runs the auto-stop sweep over `SWEEP_REGIONS` and waits for its
   * notifications; null when there is nothing to sweep (no regions, no EC2).
   */
  sweep(by: string): Promise<SweepReport | null>;
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
  const chain = options.credentialChain && !flag(env, "DEMO")
    ? await options.credentialChain()
    : null;
  const config = loadConfig(env, {
    ...options,
    credentialsFound: chain ? chain.source !== null : undefined,
  });
  if (config.demo && !options.demo) throw new ConfigError(NO_DEMO_IN_THIS_BUILD);
  const clock = options.now ?? (() => new Date());
  const demo = config.demo ? options.demo!({ now: clock }) : null;
  const seeds = demo?.seeds ?? [];
  const simulator = demo?.simulator ?? null;
  const idle = idleWiring(config, {
    simulator: demo?.cloudwatch ?? null,
    fetch: options.fetch,
  });
  const source = simulator ? null : chain?.source ?? null;
  const credentials = simulator
    ? DEMO_CREDENTIALS
    : source?.fixed ?? source?.credentials ?? config.aws;
  const ec2 = credentials &&
    new Ec2Client({
      credentials,
      fetch: simulator?.fetch ?? options.fetch,
      endpoint: simulator ? undefined : config.endpoint,
      timeoutMs: config.timeoutMs,
    });
  const route53 = demo?.route53 ?? null;
  const dns = dnsSettings(config, {
    credentials,
    fetch: options.fetch,
    demoRoute53: route53?.fetch,
    demoCredentials: DEMO_CREDENTIALS,
  });
  const generatedApiKey = config.apiKey || config.apiKeys.length ? null : randomKey();
  let keys;
  try {
    keys = await keyEntries(config.apiKey ?? generatedApiKey, config.apiKeys);
  } catch (error) {
    throw apiKeysError(error);
  }
  const notifier = createNotifier({
    url: config.notifyWebhookUrl,
    fetch: options.notifyFetch,
    log: options.log,
  });
  const sweepSettings = {
    regions: config.sweepRegions,
    maxRuntimeMs: config.maxRuntimeMs,
    idleRule: config.idleRule,
    warnBeforeMs: config.warnBeforeMs,
  };
  const cloudwatch = () => idle.cloudwatch(simulator ? DEMO_CREDENTIALS : source ?? config.aws);
  const audit = options.audit;
  // One queue for the app and the cron's sweep: their changes to one instance never overlap.
  const changes = new InstanceChangeQueue();
  // The dashboard lists the demo's own regions unless REGIONS says otherwise.
  const regions = config.regions ??
    (seeds.length ? [...new Set(seeds.map((s) => s.region))] : null);
  const app = createApp({
    config: { ...config, regions },
    keys,
    ec2,
    log: options.log,
    audit,
    notifier,
    sweep: sweepSettings,
    changes,
    dns: dns ?? undefined,
    chatFetch: options.chatFetch,
    now: clock,
    cloudwatch,
    links: idle.links,
  });
  async function sweep(by: string): Promise<SweepReport | null> {
    if (!ec2 || sweepSettings.regions.length === 0) return null;
    const cloudwatchNow = await cloudwatch().catch(() => null);
    const report = await runSweep(ec2, sweepSettings, {
      now: clock(),
      timeoutMs: config.timeoutMs,
      by,
      audit: audit && ((entry) => audit(JSON.stringify(entry))),
      notifier,
      changes,
      clock,
      cloudwatch: cloudwatchNow,
      links: idle.links,
      dns: dns ?? undefined,
    });
    await notifier.settled();
    return report;
  }
  return {
    app,
    simulator,
    route53,
    cloudwatchSimulator: idle.simulator,
    demoInstances: seeds,
    generatedApiKey,
    credentials: {
      source: source?.name ?? (!simulator && config.aws ? "environment (AWS_ACCESS_KEY_ID)" : null),
      looked: chain?.looked ?? [],
    },
    sweep,
  };
}

/** 32 random bytes, base64url: a key nobody can guess. */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}
