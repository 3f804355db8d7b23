/**
 * The service's settings, read from a plain record of strings: `Deno.env` on
 * Deno, the `env` bindings on Workers. Errors name the variable, never a value.
 *
 * @module
 */
import { type AwsCredentials, DEFAULT_TIMEOUT_MS } from "./ec2/client.ts";
import { isRegionName } from "./ec2/endpoints.ts";

/** Every variable the service reads. */
export const CONFIG_VARIABLES = [
  "API_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_ENDPOINT_URL_EC2",
  "AWS_ENDPOINT_URL",
  "EC2_TIMEOUT_MS",
  "ALLOWED_REGIONS",
  "REGIONS",
  "DEMO",
] as const;

/** The environment as the service sees it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The service's settings. */
export interface Config {
  /** The key that grants full access (`API_KEY`); null only in demo mode. */
  apiKey: string | null;
  /** Null when no AWS credentials are set. */
  aws: AwsCredentials | null;
  /** Endpoint override for every region, as the AWS SDKs read it. */
  endpoint: string | undefined;
  /** Deadline for the EC2 calls of one request. */
  timeoutMs: number;
  /** Regions clients may name; null allows every region. */
  allowedRegions: ReadonlySet<string> | null;
  /** Regions the dashboard lists for keys not limited to some (`REGIONS`); null: the default. */
  regions: readonly string[] | null;
  /** Serve the built-in EC2 simulator instead of AWS. */
  demo: boolean;
}

/** A setting is missing or malformed. The message names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Options of {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Serve the simulator when no AWS credentials are set: true for local runs.
   * Otherwise only `DEMO=true` turns the demo on.
   */
  demoWithoutCredentials?: boolean;
}

/** Reads the settings from `env`. */
export function loadConfig(env: Env, options: LoadConfigOptions = {}): Config {
  const aws = awsCredentials(env);
  const demo = flag(env, "DEMO") || (!aws && (options.demoWithoutCredentials ?? false));
  const apiKey = env.API_KEY || null;
  if (!apiKey && !demo) {
    throw new ConfigError("API_KEY is required: set it to a secret key for clients");
  }
  const allowedRegions = regionList(env, "ALLOWED_REGIONS");
  return {
    apiKey,
    aws,
    endpoint: endpointOverride(env),
    timeoutMs: positiveInteger(env, "EC2_TIMEOUT_MS") ?? DEFAULT_TIMEOUT_MS,
    allowedRegions,
    regions: dashboardRegions(env, allowedRegions),
    demo,
  };
}

/** The AWS credentials in `env`, or null when none are set. */
export function awsCredentials(env: Env): AwsCredentials | null {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId && !secretAccessKey) return null;
  if (!accessKeyId) {
    throw new ConfigError("AWS_ACCESS_KEY_ID is required when AWS_SECRET_ACCESS_KEY is set");
  }
  if (!secretAccessKey) {
    throw new ConfigError("AWS_SECRET_ACCESS_KEY is required when AWS_ACCESS_KEY_ID is set");
  }
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}

/** Whether a boolean variable is set to `true` or `1`. */
export function flag(env: Env, name: string): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (!value || value === "false" || value === "0") return false;
  if (value === "true" || value === "1") return true;
  throw new ConfigError(`${name} must be "true" or "false"`);
}

function endpointOverride(env: Env): string | undefined {
  for (const name of ["AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL"]) {
    const value = env[name];
    if (!value) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(`${name} must be an http or https URL`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new ConfigError(`${name} must be an http or https URL`);
    }
    return url.href;
  }
  return undefined;
}

function positiveInteger(env: Env, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new ConfigError(`${name} must be a positive whole number`);
  }
  return number;
}

function regionList(env: Env, name: string): ReadonlySet<string> | null {
  const value = env[name];
  if (!value) return null;
  const regions = value.split(",").map((region) => region.trim()).filter(Boolean);
  const bad = regions.find((region) => !isRegionName(region));
  if (bad !== undefined) {
    throw new ConfigError(`${name} must list AWS regions separated by commas: "${bad}" is not one`);
  }
  return new Set(regions);
}

function dashboardRegions(env: Env, allowed: ReadonlySet<string> | null): string[] | null {
  const regions = regionList(env, "REGIONS");
  if (!regions) return null;
  const outside = [...regions].find((region) => allowed && !allowed.has(region));
  if (outside !== undefined) {
    throw new ConfigError(`REGIONS must name only regions in ALLOWED_REGIONS: "${outside}" is not`);
  }
  return [...regions];
}
