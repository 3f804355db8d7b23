/**
 * `API_KEYS`: several keys, each with a name and optional allow-lists, as JSON.
 *
 * ```json
 * [
 *   { "name": "ci", "key_sha256": "9f86d0…", "regions": ["us-west-2"], "actions": ["read", "start"] },
 *   { "name": "phone", "key": "…", "tags": { "team": "web" } }
 * ]
 * ```
 *
 * Errors name the entry (by index and name) and the field, never a key.
 *
 * @module
 */
import { type ApiKeyEntry, keyDigest } from "../domain/keys.ts";
import { isRegionName } from "../aws/endpoints.ts";
import { isInstanceId } from "../domain/instances.ts";
import { FULL_ACCESS, type KeyScope, SCOPE_ACTIONS, type ScopeAction } from "../domain/scopes.ts";
import {
  CHAT_IDENTITY_FIELDS,
  type ChatIdentities,
  checkChatIdentities,
  parseChatIdentities,
} from "../domain/chat_identities.ts";

/** The name `API_KEY`'s entry goes by, in logs and audit lines. */
export const DEFAULT_KEY_NAME = "default";
const FIELDS = [
  "name",
  "key",
  "key_sha256",
  "regions",
  "instances",
  "tags",
  "actions",
  ...CHAT_IDENTITY_FIELDS,
];
const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/i;
const NAME_PATTERN = /^[\w.@:+-]{1,64}$/;
// deno-lint-ignore no-control-regex
const UNSENDABLE_PATTERN = /[\u0000-\u001f\u007f]|^\s|\s$/;

/** One key of `API_KEYS`, as configured: the key itself or its SHA-256 digest. */
export interface ApiKeySpec {
  name: string;
  /** The key in plain text, or null when only its digest is configured. */
  key: string | null;
  /** The key's SHA-256 digest, when configured as `key_sha256`. */
  digest: Uint8Array | null;
  scope: KeyScope;
  /** The Slack and Discord ids that act with this entry's scope (`slack_users`, …). */
  chat: ChatIdentities;
}

/**
 * Reads the JSON of `API_KEYS`. An empty or blank value means no keys.
 *
 * @throws {SyntaxError} when the value is not JSON
 * @throws {TypeError} when an entry is malformed; the message names it and the field
 */
export function parseApiKeys(text: string | undefined): ApiKeySpec[] {
  if (!text?.trim()) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's own message quotes the text around the error, which may be a key.
    const position = String((error as Error).message).match(/position (\d+)/)?.[1];
    throw new SyntaxError(`not valid JSON${position ? ` (at character ${position})` : ""}`);
  }
  if (!Array.isArray(value)) throw new TypeError("must be a JSON array of key objects");
  const specs = value.map(readEntry);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new TypeError(`the name "${spec.name}" is used twice`);
    seen.add(spec.name);
  }
  checkChatIdentities(specs);
  return specs;
}

function readEntry(entry: unknown, index: number): ApiKeySpec {
  const where = (name?: unknown) =>
    typeof name === "string" && NAME_PATTERN.test(name)
      ? `entry ${index} ("${name}")`
      : `entry ${index}`;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new TypeError(`${where()} must be an object`);
  }
  const fields = entry as Record<string, unknown>;
  const at = where(fields.name);
  // An unknown field is most likely a typo ("region") that would silently widen the scope.
  const unknown = Object.keys(fields).find((field) => !FIELDS.includes(field));
  if (unknown !== undefined) {
    // A long field name could be a key pasted in the wrong place: name only short ones.
    const field = /^\w{1,24}$/.test(unknown) ? `"${unknown}"` : "with a long or odd name";
    throw new TypeError(`${at}: unknown field ${field}; use ${FIELDS.join(", ")}`);
  }
  if (typeof fields.name !== "string" || !NAME_PATTERN.test(fields.name)) {
    throw new TypeError(
      `${at}: "name" must be 1 to 64 letters, digits or the characters _ . @ : + -`,
    );
  }
  const hasKey = Object.hasOwn(fields, "key");
  if (hasKey === Object.hasOwn(fields, "key_sha256")) {
    throw new TypeError(`${at}: give exactly one of "key" and "key_sha256"`);
  }
  if (hasKey && (typeof fields.key !== "string" || fields.key === "")) {
    throw new TypeError(`${at}: "key" must be a non-empty string`);
  }
  if (hasKey && UNSENDABLE_PATTERN.test(fields.key as string)) {
    throw new TypeError(
      `${at}: "key" has control characters or surrounding spaces, which no header can carry`,
    );
  }
  if (
    !hasKey &&
    (typeof fields.key_sha256 !== "string" || !SHA256_HEX_PATTERN.test(fields.key_sha256))
  ) {
    throw new TypeError(`${at}: "key_sha256" must be 64 hex digits, the SHA-256 of the key`);
  }
  return {
    name: fields.name,
    key: hasKey ? fields.key as string : null,
    digest: hasKey ? null : hexBytes(fields.key_sha256 as string),
    scope: {
      regions: stringSet(fields, "regions", at, isRegionName, "an AWS region"),
      instances: stringSet(fields, "instances", at, isInstanceId, "an instance id"),
      tags: tagMap(fields, at),
      actions: stringSet(fields, "actions", at, isScopeAction, SCOPE_ACTIONS.join(", ")) as
        | ReadonlySet<ScopeAction>
        | null,
    },
    chat: parseChatIdentities(fields, at),
  };
}

/** An optional non-empty list of strings that pass `valid`, as a set. */
function stringSet(
  fields: Record<string, unknown>,
  field: string,
  at: string,
  valid: (value: string) => boolean,
  expected: string,
): ReadonlySet<string> | null {
  const value = fields[field];
  if (value === undefined) return null;
  // An empty list could mean "nothing" or "everything": refuse the guess.
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`${at}: "${field}" must be a non-empty list; leave it out to allow all`);
  }
  for (const item of value) {
    if (typeof item !== "string" || !valid(item)) {
      throw new TypeError(
        `${at}: "${field}" has ${describe(item)}, which is not ${expected}`,
      );
    }
  }
  return new Set(value);
}

function tagMap(fields: Record<string, unknown>, at: string): Record<string, string> | null {
  const value = fields.tags;
  if (value === undefined) return null;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${at}: "tags" must be an object of tag name to value`);
  }
  const entries = Object.entries(value);
  if (entries.length === 0) {
    throw new TypeError(`${at}: "tags" must name at least one tag; leave it out to allow all`);
  }
  for (const [name, tag] of entries) {
    if (typeof tag !== "string") {
      throw new TypeError(`${at}: tag "${printable(name)}" must have a string value`);
    }
  }
  // fromEntries defines own properties, so a "__proto__" tag stays a tag.
  return Object.fromEntries(entries) as Record<string, string>;
}

function isScopeAction(value: string): boolean {
  return (SCOPE_ACTIONS as readonly string[]).includes(value);
}

function describe(value: unknown): string {
  return typeof value === "string" ? `"${printable(value)}"` : `a ${typeof value}`;
}

/** A value for an error message: short, without control characters. */
function printable(value: string): string {
  // deno-lint-ignore no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!, (byte) => parseInt(byte, 16));
}

/**
 * The entries the key check compares against: `API_KEY` as full-access
 * {@linkcode DEFAULT_KEY_NAME}, then every `API_KEYS` entry.
 *
 * @throws {TypeError} when a name is taken twice or two entries hold the same key
 */
export async function keyEntries(
  apiKey: string | null,
  specs: readonly ApiKeySpec[],
): Promise<ApiKeyEntry[]> {
  const entries: ApiKeyEntry[] = [];
  if (apiKey !== null) {
    entries.push({ name: DEFAULT_KEY_NAME, digest: await keyDigest(apiKey), scope: FULL_ACCESS });
  }
  for (const spec of specs) {
    const digest = spec.digest ?? await keyDigest(spec.key!);
    const same = entries.find((entry) => entry.name === spec.name);
    if (same) {
      throw new TypeError(`the name "${spec.name}" is taken by API_KEY's full-access entry`);
    }
    const twin = entries.find((entry) => equalBytes(entry.digest, digest));
    if (twin) {
      // Which scope would win is a guess; refuse it. Rotation uses two different keys.
      throw new TypeError(`"${spec.name}" holds the same key as "${twin.name}"`);
    }
    entries.push({ name: spec.name, digest, scope: spec.scope, chat: spec.chat });
  }
  return entries;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
