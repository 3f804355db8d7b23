/**
 * Options of a state change, from the query string or the JSON body:
 * `wait`, `wait_seconds`, `hibernate`, `force`, `dry_run`.
 *
 * @module
 */
import type { Context } from "hono";
import { ApiError } from "./errors.ts";
import type { InstanceAction } from "./instances.ts";

/** `wait_seconds` when `wait=true` names none. */
export const DEFAULT_WAIT_SECONDS = 60;
/** The longest `wait_seconds` accepted. */
export const MAX_WAIT_SECONDS = 300;
const JSON_TYPE_PATTERN = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const BOOLEAN_FIELDS = ["wait", "hibernate", "force", "dry_run"] as const;

/** What a client asked for beyond the action itself. */
export interface ActionOptions {
  /** Seconds to wait for the new state; null when the client does not wait. */
  waitSeconds: number | null;
  hibernate: boolean;
  force: boolean;
  dryRun: boolean;
}

type Raw = Record<string, unknown>;

/**
 * Reads the options of `action`. A field in the query string wins over the
 * same field in the JSON body.
 *
 * @throws {ApiError} 422 naming the field that is malformed or does not apply
 */
export async function actionOptions(c: Context, action: InstanceAction): Promise<ActionOptions> {
  const raw: Raw = { ...await jsonBody(c), ...queryFields(c) };
  const flags = Object.fromEntries(
    BOOLEAN_FIELDS.map((name) => [name, booleanField(raw, name)]),
  ) as Record<typeof BOOLEAN_FIELDS[number], boolean>;
  if (action !== "stop") {
    for (const name of ["hibernate", "force"] as const) {
      if (flags[name]) throw new ApiError(422, name, `${name} applies to stop only`);
    }
  }
  if (raw.wait_seconds !== undefined && !flags.wait) {
    throw new ApiError(422, "wait_seconds", "wait_seconds applies only with wait=true");
  }
  if (flags.wait && action === "reboot") {
    throw new ApiError(422, "wait", "wait applies to start and stop only");
  }
  return {
    waitSeconds: flags.wait && !flags.dry_run ? waitSeconds(raw.wait_seconds) : null,
    hibernate: flags.hibernate,
    force: flags.force,
    dryRun: flags.dry_run,
  };
}

/** Reads only `dry_run`, for routes that take nothing else. */
export async function dryRunOption(c: Context): Promise<boolean> {
  return booleanField({ ...await jsonBody(c), ...queryFields(c) }, "dry_run");
}

function queryFields(c: Context): Raw {
  const raw: Raw = {};
  for (const [name, value] of new URL(c.req.url).searchParams) raw[name] = value;
  return raw;
}

/** The JSON body's fields; none when the body is not a JSON object. */
async function jsonBody(c: Context): Promise<Raw> {
  if (c.req.method !== "POST" && c.req.method !== "PUT") return {};
  if (!JSON_TYPE_PATTERN.test(c.req.header("content-type") ?? "")) return {};
  try {
    // Hono caches the parsed body: the key middleware has read it already.
    const body: unknown = await c.req.json();
    return typeof body === "object" && body !== null && !Array.isArray(body) ? body as Raw : {};
  } catch {
    return {};
  }
}

function booleanField(raw: Raw, name: string): boolean {
  const value = raw[name];
  if (value === undefined || value === false || value === "false" || value === "0") return false;
  if (value === true || value === "true" || value === "1" || value === "") return true;
  throw new ApiError(422, name, `${name} must be true or false`);
}

function waitSeconds(value: unknown): number {
  if (value === undefined) return DEFAULT_WAIT_SECONDS;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (
    typeof number !== "number" || !Number.isInteger(number) || number < 1 ||
    number > MAX_WAIT_SECONDS
  ) {
    throw new ApiError(
      422,
      "wait_seconds",
      `wait_seconds must be a whole number from 1 to ${MAX_WAIT_SECONDS}`,
    );
  }
  return number;
}
