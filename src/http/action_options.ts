/**
 * Options of a state change, from the query string or the JSON body:
 * `wait`, `wait_seconds`, `hibernate`, `force`, `dry_run`. They fail closed:
 * a body that does not parse, a body that is not JSON, a field this route
 * does not take, a name repeated in the query string and an option the query
 * and the body give different values are refused before anything is done,
 * never dropped or resolved one way.
 *
 * @module
 */
import type { Context } from "hono";
import { ApiError } from "./errors.ts";
import { clientName, oddName } from "./client_names.ts";
import { optionFields } from "./request_body.ts";
import type { InstanceAction } from "../domain/instances.ts";
import { MAX_HOLD_MS } from "../domain/holds.ts";
import { parseIsoTime } from "../domain/times.ts";

/** `wait_seconds` when `wait=true` names none. */
export const DEFAULT_WAIT_SECONDS = 60;
/** The longest `wait_seconds` accepted. */
export const MAX_WAIT_SECONDS = 300;
const BOOLEAN_FIELDS = ["wait", "hibernate", "force", "dry_run"] as const;
/** What a state change takes, besides the key. */
const ACTION_FIELDS: ReadonlySet<string> = new Set([...BOOLEAN_FIELDS, "wait_seconds"]);
/** What the sweep takes, besides the key. */
const SWEEP_FIELDS: ReadonlySet<string> = new Set(["dry_run"]);
/** What setting a hold takes, besides the key. */
const HOLD_FIELDS: ReadonlySet<string> = new Set(["hours", "until"]);
/** The longest hold in whole hours: {@linkcode MAX_HOLD_MS}. */
export const MAX_HOLD_HOURS = MAX_HOLD_MS / 3_600_000;
/**
 * A hold's end as `until` takes it: ISO 8601 with seconds optional and an
 * offset required (a time without one could be anyone's local time).
 */
export const HOLD_UNTIL_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

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
 * Reads the options of `action`, from the query string or the JSON body (both
 * may give one if they agree).
 *
 * @throws {ApiError} 422 naming the field that is malformed or does not apply
 */
export async function actionOptions(c: Context, action: InstanceAction): Promise<ActionOptions> {
  const raw = await optionsOf(c, ACTION_FIELDS);
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

/**
 * The end of the hold asked for: `hours` (a whole number from 1 to
 * {@linkcode MAX_HOLD_HOURS}) from `now`, or `until`, a time after `now` and
 * at most {@linkcode MAX_HOLD_MS} ahead; exactly one of them. In a JSON body
 * `hours` is a number; the query string carries it as digits.
 *
 * @throws {ApiError} 422 naming the field that is missing, malformed or out of range
 */
export async function holdEnd(c: Context, now: Date): Promise<Date> {
  const raw = await optionsOf(c, HOLD_FIELDS);
  const body = await optionFields(c);
  const fromQuery = new URL(c.req.url).searchParams;
  if (raw.hours !== undefined && raw.until !== undefined) {
    throw new ApiError(422, "until", "Give either hours or until, not both");
  }
  if (raw.until !== undefined) {
    const text = raw.until;
    const until = typeof text === "string" && HOLD_UNTIL_PATTERN.test(text)
      ? parseIsoTime(text)
      : null;
    if (until === null) {
      throw new ApiError(
        422,
        "until",
        "until must be an ISO 8601 time with an offset, e.g. 2026-12-01T18:00:00Z",
      );
    }
    if (until <= now.getTime() || until > now.getTime() + MAX_HOLD_MS) {
      throw new ApiError(
        422,
        "until",
        `until must be after now and at most ${MAX_HOLD_HOURS} hours ahead`,
      );
    }
    return new Date(until);
  }
  const hours = raw.hours;
  const number = fromQuery.has("hours") && typeof hours === "string" && /^\d{1,4}$/.test(hours)
    ? Number(hours)
    : body.hours === hours
    ? hours
    : NaN;
  if (
    typeof number !== "number" || !Number.isInteger(number) || number < 1 ||
    number > MAX_HOLD_HOURS
  ) {
    throw new ApiError(
      422,
      "hours",
      hours === undefined
        ? `Give hours (1 to ${MAX_HOLD_HOURS}) or until`
        : `hours must be a whole number from 1 to ${MAX_HOLD_HOURS}`,
    );
  }
  return new Date(now.getTime() + number * 3_600_000);
}

/** Refuses any option: for routes that take none (releasing a hold). */
export async function noOptions(c: Context): Promise<void> {
  await optionsOf(c, new Set());
}

/** Reads only `dry_run`, for routes that take nothing else. */
export async function dryRunOption(c: Context): Promise<boolean> {
  return booleanField(await optionsOf(c, SWEEP_FIELDS), "dry_run");
}

/**
 * The body's fields and the query's: every one must be in `known` (or be the
 * body's `api_key`, which the key check read); a name once in the query; an
 * option in both with the same value.
 *
 * @throws {ApiError} 422 `body` or 415 for a body that is not a JSON object;
 * 422 naming a field the route does not take, one the query repeats, or one
 * the query and the body disagree on
 */
async function optionsOf(c: Context, known: ReadonlySet<string>): Promise<Raw> {
  const body = await optionFields(c);
  const params = new URL(c.req.url).searchParams;
  for (const name of Object.keys(body)) {
    if (name !== "api_key" && !known.has(name)) throw unknownField(name, known);
  }
  const query: Raw = {};
  for (const [name, value] of params) {
    // The key is never read from the query (it ends up in logs), as in the original.
    if (name === "api_key") continue;
    if (!known.has(name)) throw unknownField(name, known);
    if (Object.hasOwn(query, name)) {
      throw new ApiError(
        422,
        name,
        `${name} appears more than once in the query string: give it once`,
      );
    }
    query[name] = value;
  }
  const { api_key: _key, ...options } = body;
  for (const [name, value] of Object.entries(query)) {
    if (Object.hasOwn(options, name) && !sameOption(name, options[name], value as string)) {
      throw new ApiError(
        422,
        name,
        `${name} is given in the query string and the JSON body with different values: give it once`,
      );
    }
  }
  return { ...options, ...query };
}

/** Whether the body's `value` of option `name` means what the query's `text` does. */
function sameOption(name: string, value: unknown, text: string): boolean {
  if ((BOOLEAN_FIELDS as readonly string[]).includes(name)) {
    const asBoolean = (raw: unknown) =>
      raw === true || raw === "true" || raw === "1" || raw === ""
        ? true
        : raw === false || raw === "false" || raw === "0"
        ? false
        : undefined;
    const body = asBoolean(value);
    return body !== undefined && body === asBoolean(text);
  }
  if (typeof value === "number") return /^\d{1,4}$/.test(text) && Number(text) === value;
  if (name === "until" && typeof value === "string") {
    const [body, query] = [value, text].map((time) =>
      HOLD_UNTIL_PATTERN.test(time) ? parseIsoTime(time) : null
    );
    return value === text || (body !== null && body === query);
  }
  return value === text;
}

function unknownField(name: string, known: ReadonlySet<string>): ApiError {
  const { id, quoted } = clientName(name);
  const takes = known.size ? [...known].join(", ") : "no options";
  return new ApiError(
    422,
    id,
    quoted === null
      ? `This route does not take ${oddName("field")}: it takes ${takes}`
      : `Unknown field ${quoted}: this route takes ${takes}`,
  );
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
