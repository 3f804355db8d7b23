/**
 * Builders shared by the tests: the app wired to a fresh simulator, with a
 * pinned clock and a captured log.
 */
import { createApp } from "../src/http/app.ts";
import { keyDigest } from "../src/domain/keys.ts";
import { Ec2Client } from "../src/aws/ec2.ts";
import { type Dialect, Ec2Simulator, type SimulatedInstanceSeed } from "../src/simulator/ec2.ts";
import { FULL_ACCESS, type KeyScope } from "../src/domain/scopes.ts";
import { createNotifier } from "../src/domain/notify.ts";
import type { SweepAuditEntry, SweepSettings } from "../src/domain/sweep.ts";
import type { DnsSettings } from "../src/domain/dns_follow.ts";
import { CloudWatchClient } from "../src/aws/cloudwatch.ts";
import { LinkSigner } from "../src/domain/links.ts";
import { CloudWatchSimulator, RunLog } from "../src/simulator/cloudwatch.ts";

export const API_KEY = "correct-horse-battery-staple-1234";
export const REGION = "us-west-2";
export const RUNNING_ID = "i-0a1b2c3d4e5f60718";
export const STOPPED_ID = "i-0fedcba9876543210";
export const OLD_STYLE_ID = "i-abba916a";
export const OTHER_REGION = "eu-central-1";
export const OTHER_REGION_ID = "i-0123456789abcdef0";
/** The clock's start: 2026-11-26T12:00:00.000Z. */
export const T0 = Date.parse("2026-11-26T12:00:00.000Z");
export const AWS_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

export const SEEDS: SimulatedInstanceSeed[] = [
  {
    id: RUNNING_ID,
    region: REGION,
    type: "t3.micro",
    state: "running",
    tags: { Name: "dev-box", start_time: "2026-11-26T11:00:00.000Z", agent: "007" },
  },
  { id: STOPPED_ID, region: REGION, type: "t3.large", state: "stopped", tags: {} },
  {
    id: OLD_STYLE_ID,
    region: REGION,
    type: "t2.nano",
    state: "running",
    tags: { Name: "default", start_time: "2016-02-16T18:04:09.006739" },
  },
  { id: OTHER_REGION_ID, region: OTHER_REGION, type: "m5.large", state: "running", tags: {} },
];

export interface TestServiceOptions {
  instances?: SimulatedInstanceSeed[];
  timeoutMs?: number;
  transitionMs?: number;
  allowedRegions?: string[];
  /** The regions the dashboard lists (`REGIONS`). */
  regions?: string[];
  /** Extra keys besides `API_KEY`, by key. */
  keys?: Record<string, { name: string; scope: Partial<KeyScope> }>;
  corsOrigins?: string[];
  /** The sweep's regions and default limit. */
  sweep?: SweepSettings;
  /** Answers the notification webhook, which is set when this is. */
  webhook?: (request: Request) => Promise<Response>;
  /** How the simulator writes its answers; default EC2's own. */
  dialect?: Dialect;
  /** Runs during each pause of a wait, after the clock moved: another client acting. */
  onSleep?: (ms: number) => Promise<void>;
  /** The DNS provider and TTL names follow instances with; default none. */
  dns?: DnsSettings;
  /** Serve CloudWatch too: a simulator fed by the EC2 simulator's state changes. */
  cloudwatch?: boolean;
  /** Sign links with this `LINK_SECRET` and `PUBLIC_URL`. */
  links?: { secret: string; publicUrl: string };
}

/** A `LINK_SECRET` for tests. */
export const LINK_SECRET = "a-link-secret-for-tests-only-0123456789";
/** A `PUBLIC_URL` for tests. */
export const PUBLIC_URL = "https://workwork.example.com/";

/** The app on a fresh simulator; `clock.now` moves time for both. */
export async function testService(options: TestServiceOptions = {}) {
  const clock = { now: T0 };
  const runLog = new RunLog();
  const simulator = new Ec2Simulator({
    instances: options.instances ?? SEEDS,
    now: () => clock.now,
    transitionMs: options.transitionMs ?? 2000,
    dialect: options.dialect,
    onStateChange: (region, id, state, at) => runLog.changed(region, id, state, at),
  });
  const cloudwatchSimulator = options.cloudwatch
    ? new CloudWatchSimulator({ history: runLog.history, now: () => clock.now, random: () => 0 })
    : null;
  const cloudwatch = cloudwatchSimulator &&
    new CloudWatchClient({
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET },
      fetch: cloudwatchSimulator.fetch,
      random: () => 0,
      timeoutMs: options.timeoutMs ?? 2000,
    });
  const links = options.links
    ? new LinkSigner(options.links.secret, options.links.publicUrl)
    : null;
  const ec2 = new Ec2Client({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET },
    fetch: simulator.fetch,
    random: () => 0,
    timeoutMs: options.timeoutMs ?? 2000,
  });
  const lines: string[] = [];
  const audit: string[] = [];
  /** The sweep's audit entries, parsed from the audit lines. */
  const audits: SweepAuditEntry[] = [];
  /** Every pause the app asked for; each moves the clock instead of waiting. */
  const sleeps: number[] = [];
  const notifier = createNotifier({
    url: options.webhook ? "https://hooks.example.com/services/T000/B000/XXXX" : null,
    fetch: options.webhook,
    log: (line) => lines.push(line),
  });
  const app = createApp({
    config: {
      timeoutMs: options.timeoutMs ?? 2000,
      allowedRegions: options.allowedRegions ? new Set(options.allowedRegions) : null,
      corsOrigins: options.corsOrigins ?? null,
      regions: options.regions ?? null,
    },
    keys: [
      { name: "default", digest: await keyDigest(API_KEY), scope: FULL_ACCESS },
      ...await Promise.all(
        Object.entries(options.keys ?? {}).map(async ([key, { name, scope }]) => ({
          name,
          digest: await keyDigest(key),
          scope: { ...FULL_ACCESS, ...scope },
        })),
      ),
    ],
    ec2,
    now: () => new Date(clock.now),
    log: (line) => lines.push(line),
    audit: (line) => {
      audit.push(line);
      const entry = JSON.parse(line);
      if (entry.event === "sweep") audits.push(entry);
    },
    sleep: (ms) => {
      sleeps.push(ms);
      clock.now += ms;
      return options.onSleep?.(ms) ?? Promise.resolve();
    },
    notifier,
    sweep: options.sweep,
    dns: options.dns,
    cloudwatch: cloudwatch ? () => Promise.resolve(cloudwatch) : undefined,
    links,
  });
  return {
    app,
    simulator,
    clock,
    lines,
    audit,
    audits,
    sleeps,
    notifier,
    ec2,
    cloudwatch,
    cloudwatchSimulator,
    links,
  };
}

/** Headers carrying the right key. */
export const KEYED = { "x-api-key": API_KEY };

/** The `{"errors":[…]}` body of an error answer, checked for shape. */
export async function errorOf(response: Response): Promise<{ id: string; title: string }> {
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("application/json")) {
    throw new Error(`Expected a JSON error, got "${type}": ${await response.text()}`);
  }
  const body = await response.json();
  if (!Array.isArray(body.errors) || body.errors.length !== 1 || Object.keys(body).length !== 1) {
    throw new Error(`Expected {"errors":[{id,title}]}, got ${JSON.stringify(body)}`);
  }
  const [error] = body.errors;
  if (typeof error.id !== "string" || typeof error.title !== "string") {
    throw new Error(`Expected {id,title} strings, got ${JSON.stringify(error)}`);
  }
  return error;
}
