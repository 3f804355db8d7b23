/**
 * The settings of idle auto-stop and of the warning before each automatic
 * stop: `IDLE_STOP`, `WARN_BEFORE`, `LINK_SECRET`, `PUBLIC_URL` and the
 * CloudWatch endpoint override. Errors name the variable, never its value
 * (`LINK_SECRET` is a secret).
 *
 * @module
 */
import { CLOUDWATCH_ENDPOINT_VARIABLES } from "../aws/cloudwatch.ts";
import { type IdleRule, parseIdleRule } from "../domain/idle.ts";
import { parseDuration } from "../domain/schedule.ts";

/** The variables this module reads (the endpoint's `AWS_ENDPOINT_URL` is EC2's too). */
export const IDLE_VARIABLES = [
  "IDLE_STOP",
  "WARN_BEFORE",
  "LINK_SECRET",
  "PUBLIC_URL",
  "AWS_ENDPOINT_URL_CLOUDWATCH",
] as const;
/** `WARN_BEFORE` when unset. */
export const DEFAULT_WARN_BEFORE_MS = 15 * 60_000;
/** The longest `WARN_BEFORE`: a day. */
export const MAX_WARN_BEFORE_MS = 24 * 60 * 60_000;
/** `LINK_SECRET` must be at least this long: 32 characters, e.g. `openssl rand -base64 32`. */
export const MIN_LINK_SECRET_LENGTH = 32;

/** Idle auto-stop and warnings, as configured. */
export interface IdleSettings {
  /** `IDLE_STOP`: the idle rule of every swept instance without its own tag; null for none. */
  idleRule: IdleRule | null;
  /** `WARN_BEFORE` in ms; 0 sends no warnings. */
  warnBeforeMs: number;
  /** `LINK_SECRET`: signs the links of warnings; null for warnings without links. */
  linkSecret: string | null;
  /** `PUBLIC_URL`: the service's public address, where links point; null for no links. */
  publicUrl: string | null;
  /** `AWS_ENDPOINT_URL_CLOUDWATCH`, then `AWS_ENDPOINT_URL`. */
  cloudWatchEndpoint: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the idle settings from `env`; `url(name)` reads a URL setting as the
 * rest of the settings do (null when unset, a `ConfigError` when malformed).
 */
export function idleSettings(env: Env, url: (name: string) => string | null): IdleSettings {
  let cloudWatchEndpoint: string | undefined;
  for (const name of CLOUDWATCH_ENDPOINT_VARIABLES) {
    cloudWatchEndpoint = url(name) ?? undefined;
    if (cloudWatchEndpoint) break;
  }
  const publicUrl = url("PUBLIC_URL");
  return {
    idleRule: idleRule(env),
    warnBeforeMs: warnBefore(env),
    linkSecret: linkSecret(env),
    publicUrl: publicUrl && (publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`),
    cloudWatchEndpoint,
  };
}

function idleRule(env: Env): IdleRule | null {
  const value = env.IDLE_STOP;
  if (!value?.trim()) return null;
  try {
    return parseIdleRule(value);
  } catch (error) {
    throw new SettingError(`IDLE_STOP is malformed: ${(error as Error).message}`);
  }
}

function warnBefore(env: Env): number {
  const value = env.WARN_BEFORE?.trim();
  if (!value) return DEFAULT_WARN_BEFORE_MS;
  if (value === "0") return 0;
  const ms = parseDuration(value);
  if (ms === null || ms > MAX_WARN_BEFORE_MS) {
    throw new SettingError(
      'WARN_BEFORE must be a duration such as 15m or 1h (at most 1d), or "0" for no warnings',
    );
  }
  return ms;
}

function linkSecret(env: Env): string | null {
  const value = env.LINK_SECRET;
  if (!value) return null;
  if (value.length < MIN_LINK_SECRET_LENGTH) {
    throw new SettingError(
      `LINK_SECRET must be at least ${MIN_LINK_SECRET_LENGTH} characters, e.g. from "openssl rand -base64 32"`,
    );
  }
  return value;
}

/** A malformed idle setting; `settings.ts` turns it into its `ConfigError`. */
export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingError";
  }
}
