/**
 * The service's settings, read from a plain record of strings: `Deno.env` on
 * Deno, the `env` bindings on Workers. Errors name the variable, never a value.
 *
 * @module
 */
import { type ApiKeySpec, parseApiKeys } from "./api_keys.ts";
import { CREDENTIAL_VARIABLES } from "../aws/credentials.ts";
import { type AwsCredentials, DEFAULT_TIMEOUT_MS } from "../aws/ec2.ts";
import { isRegionName } from "../aws/endpoints.ts";
import { parseDuration } from "../domain/schedule.ts";
import { parseDnsTtl } from "../domain/dns.ts";
import { IDLE_VARIABLES, type IdleSettings, idleSettings, SettingError } from "./idle_settings.ts";

/**
 * The longest `EC2_TIMEOUT_MS`: five minutes. Longer is no deadline at all
 * for a request someone waits on, and timers overflow past 2^31 - 1 ms (the
 * deadline would then fire at once).
 */
export const MAX_TIMEOUT_MS = 300_000;
/** Hosts a plain-http webhook may name: this machine. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Every variable the service reads. */
export const CONFIG_VARIABLES = [
  "API_KEY",
  "API_KEYS",
  ...CREDENTIAL_VARIABLES,
  "AWS_ENDPOINT_URL_EC2",
  "AWS_ENDPOINT_URL",
  "EC2_TIMEOUT_MS",
  "ALLOWED_REGIONS",
  "REGIONS",
  "DEMO",
  "CORS_ORIGINS",
  "SWEEP_REGIONS",
  "MAX_RUNTIME",
  "NOTIFY_WEBHOOK_URL",
  "SLACK_SIGNING_SECRET",
  "DISCORD_PUBLIC_KEY",
  "DNS_TTL",
  "CLOUDFLARE_API_TOKEN",
  "AWS_ENDPOINT_URL_ROUTE_53",
  ...IDLE_VARIABLES,
] as const;

/** The environment as the service sees it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The service's settings. */
export interface Config extends IdleSettings {
  /** The key that grants full access (`API_KEY`); null when only `API_KEYS` is set, or in demo mode. */
  apiKey: string | null;
  /** More keys, with scopes (`API_KEYS`). */
  apiKeys: ApiKeySpec[];
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
  /** Origins browsers may call the API from (`CORS_ORIGINS`); null turns CORS off. */
  corsOrigins: readonly string[] | null;
  /** Regions the auto-stop sweep covers (`SWEEP_REGIONS`); empty: no sweep. */
  sweepRegions: readonly string[];
  /** `MAX_RUNTIME`: the sweep stops instances running longer; null for no default limit. */
  maxRuntimeMs: number | null;
  /** `NOTIFY_WEBHOOK_URL`: where state changes are posted; null for nowhere. */
  notifyWebhookUrl: string | null;
  /** `SLACK_SIGNING_SECRET`: turns the Slack routes on; null leaves them off (404). A secret. */
  slackSigningSecret: string | null;
  /** `DISCORD_PUBLIC_KEY`, 64 hex digits: turns the Discord route on; null leaves it off (404). */
  discordPublicKey: string | null;
  /** `DNS_TTL`: the TTL of the records that follow instances, in seconds. */
  dnsTtl: number;
  /** `CLOUDFLARE_API_TOKEN`: a secret; set, Cloudflare is the DNS provider. Never logged. */
  cloudflareApiToken: string | null;
  /** `AWS_ENDPOINT_URL_ROUTE_53`, then `AWS_ENDPOINT_URL`; undefined: Route53's own. */
  route53Endpoint: string | undefined;
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
  /** Whether the credential chain found a source; only the environment's keys count when absent. */
  credentialsFound?: boolean;
}

/** Reads the settings from `env`. */
export function loadConfig(env: Env, options: LoadConfigOptions = {}): Config {
  const aws = awsCredentials(env);
  const found = Boolean(aws) || (options.credentialsFound ?? false);
  const demo = flag(env, "DEMO") || (!found && (options.demoWithoutCredentials ?? false));
  const apiKey = env.API_KEY || null;
  const apiKeys = apiKeyList(env);
  if (!apiKey && apiKeys.length === 0 && !demo) {
    throw new ConfigError(
      "API_KEY is required: set it to a secret key for clients, or give scoped keys in API_KEYS",
    );
  }
  const allowedRegions = regionList(env, "ALLOWED_REGIONS");
  return {
    apiKey,
    apiKeys,
    aws,
    endpoint: endpointOverride(env),
    timeoutMs: positiveInteger(env, "EC2_TIMEOUT_MS", MAX_TIMEOUT_MS) ?? DEFAULT_TIMEOUT_MS,
    allowedRegions,
    regions: regionsWithin(env, "REGIONS", allowedRegions),
    demo,
    corsOrigins: originList(env, "CORS_ORIGINS"),
    sweepRegions: regionsWithin(env, "SWEEP_REGIONS", allowedRegions) ?? [],
    maxRuntimeMs: duration(env, "MAX_RUNTIME"),
    notifyWebhookUrl: webhookUrl(env, "NOTIFY_WEBHOOK_URL"),
    slackSigningSecret: env.SLACK_SIGNING_SECRET?.trim() || null,
    discordPublicKey: discordPublicKey(env),
    dnsTtl: dnsTtl(env),
    cloudflareApiToken: env.CLOUDFLARE_API_TOKEN?.trim() || null,
    route53Endpoint: urlSetting(env, "AWS_ENDPOINT_URL_ROUTE_53", "any") ??
      urlSetting(env, "AWS_ENDPOINT_URL", "any") ?? undefined,
    ...idleSettingsOf(env),
  };
}

function dnsTtl(env: Env): number {
  try {
    return parseDnsTtl(env.DNS_TTL);
  } catch (error) {
    throw new ConfigError((error as Error).message.replace("Cannot read DNS_TTL: it", "DNS_TTL"));
  }
}

function discordPublicKey(env: Env): string | null {
  const value = env.DISCORD_PUBLIC_KEY?.trim();
  if (!value) return null;
  if (!/^[0-9a-f]{64}$/i.test(value)) {
    throw new ConfigError(
      "DISCORD_PUBLIC_KEY must be 64 hex digits, the application's public key (General Information)",
    );
  }
  return value.toLowerCase();
}

function idleSettingsOf(env: Env): IdleSettings {
  try {
    return idleSettings(env, (name) => urlSetting(env, name, "any"));
  } catch (error) {
    if (error instanceof SettingError) throw new ConfigError(error.message);
    throw error;
  }
}

function apiKeyList(env: Env): ApiKeySpec[] {
  try {
    return parseApiKeys(env.API_KEYS);
  } catch (error) {
    throw apiKeysError(error);
  }
}

/**
 * The start-up error for an `API_KEYS` that `parseApiKeys` or `keyEntries`
 * refused; their messages name the entry and field, never a key.
 */
export function apiKeysError(error: unknown): ConfigError {
  return new ConfigError(`API_KEYS is malformed: ${(error as Error).message}`);
}

/** `*`, or origins such as `https://app.example.com`, separated by commas. */
function originList(env: Env, name: string): readonly string[] | null {
  const value = env[name];
  if (!value?.trim()) return null;
  const origins = value.split(",").map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    if (origin === "*") continue;
    let url: URL | null = null;
    try {
      url = new URL(origin);
    } catch { /* reported below */ }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== origin) {
      throw new ConfigError(
        `${name} must list origins like "https://app.example.com" (scheme, host, optional port; no path or trailing slash), or "*"`,
      );
    }
  }
  return origins;
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

/** Plain-http endpoints an emulator (LocalStack, moto) serves on: allowed, as the AWS SDKs allow them. */
function endpointOverride(env: Env): string | undefined {
  for (const name of ["AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL"]) {
    const url = urlSetting(env, name, "any");
    if (url !== null) return url;
  }
  return undefined;
}

function duration(env: Env, name: string): number | null {
  const value = env[name];
  if (!value) return null;
  const ms = parseDuration(value);
  if (ms === null) throw new ConfigError(`${name} must be a duration such as 90m, 4h or 2d`);
  return ms;
}

/**
 * A webhook's URL is a secret (Slack's and Discord's carry their token in the
 * path): https only, or plain http to this machine (a local relay or test).
 */
function webhookUrl(env: Env, name: string): string | null {
  return urlSetting(env, name, "loopback");
}

/**
 * The URL `name` holds, or null when unset: https, or http where `http` says
 * (`any` host, or only a `loopback` one).
 */
function urlSetting(env: Env, name: string, http: "any" | "loopback"): string | null {
  const value = env[name];
  if (!value) return null;
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch { /* reported below */ }
  const plain = url?.protocol === "http:" &&
    (http === "any" || LOOPBACK_HOSTS.has(url.hostname));
  if (!url || (url.protocol !== "https:" && !plain)) {
    throw new ConfigError(
      http === "any"
        ? `${name} must be an http or https URL`
        : `${name} must be an https URL (plain http only to localhost, 127.0.0.1 or [::1])`,
    );
  }
  return url.href;
}

function positiveInteger(env: Env, name: string, max: number): number | undefined {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0 || number > max) {
    throw new ConfigError(`${name} must be a whole number from 1 to ${max}`);
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

/** The regions `name` lists, each of which must be in `allowed` when that is set. */
function regionsWithin(
  env: Env,
  name: string,
  allowed: ReadonlySet<string> | null,
): string[] | null {
  const regions = regionList(env, name);
  if (!regions) return null;
  const outside = [...regions].find((region) => allowed && !allowed.has(region));
  if (outside !== undefined) {
    throw new ConfigError(`${name} must name only regions in ALLOWED_REGIONS: "${outside}" is not`);
  }
  return [...regions];
}
