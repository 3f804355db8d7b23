/**
 * The dashboard's session: what its `__Host-` cookie holds instead of the
 * key. A session is a signed token (see `../domain/signed_token.ts`) naming a
 * key entry, with purpose `dashboard-session`, valid for
 * {@linkcode SESSION_MAX_AGE_SECONDS}.
 *
 * Each entry's sessions are signed with a key derived from the entry's own
 * key digest (HMAC-SHA256 with a fixed label), so no new setting is needed,
 * and changing or removing a key in the configuration ends every session it
 * had. Nothing is stored: signing out deletes the cookie, and a copy of it
 * taken before stays valid until it expires or the key changes.
 *
 * @module
 */
import type { ApiKeyEntry } from "../domain/keys.ts";
import {
  claimedSubject,
  derivedSigningKey,
  signToken,
  verifyToken,
} from "../domain/signed_token.ts";

/** The cookie's name after `__Host-`: `__Host-workwork_session`. */
export const SESSION_COOKIE = "workwork_session";
/** How long a sign-in lasts: a working day. */
export const SESSION_MAX_AGE_SECONDS = 12 * 3600;
/** What a session token is for: it passes for nothing else. */
export const SESSION_PURPOSE = "dashboard-session";
const SESSION_LABEL = "workwork dashboard session v1";

/** A session's check: its entry, or why there is none. `expired` was signed right. */
export type SessionCheck = ApiKeyEntry | "expired" | "invalid";

/** Issues and checks the dashboard's sessions for a fixed list of key entries. */
export class Sessions {
  readonly #entries: ReadonlyMap<string, ApiKeyEntry>;
  readonly #now: () => number;
  readonly #keys = new Map<ApiKeyEntry, Promise<CryptoKey>>();
  #unknown: ApiKeyEntry | null = null;

  /** `now` is in ms since the epoch. */
  constructor(entries: readonly ApiKeyEntry[], now: () => number) {
    this.#entries = new Map(entries.map((entry) => [entry.name, entry]));
    this.#now = now;
  }

  /** A new session token for `entry`. */
  async issue(entry: ApiKeyEntry): Promise<string> {
    const expires = this.#now() + SESSION_MAX_AGE_SECONDS * 1000;
    return await signToken(
      { subject: entry.name, purpose: SESSION_PURPOSE, expires },
      await this.#keyOf(entry),
    );
  }

  /** The entry `token` names, if its signature, purpose and time check out. */
  async check(token: string): Promise<SessionCheck> {
    const name = claimedSubject(token);
    const entry = name === null ? undefined : this.#entries.get(name);
    // An unknown name still costs a signature check: timing does not tell names apart.
    const key = await this.#keyOf(entry ?? this.#fallback());
    const result = await verifyToken(token, key, SESSION_PURPOSE, this.#now());
    if (!entry) return "invalid";
    if (result.valid) return result.claims.subject === entry.name ? entry : "invalid";
    return result.reason === "expired" ? "expired" : "invalid";
  }

  /**
   * An entry whose digest is random, drawn on first use (Workers forbid
   * randomness at start-up): its key verifies nothing.
   */
  #fallback(): ApiKeyEntry {
    return this.#unknown ??= {
      name: "",
      digest: crypto.getRandomValues(new Uint8Array(32)),
      scope: { regions: null, instances: null, tags: null, actions: new Set() },
    };
  }

  #keyOf(entry: ApiKeyEntry): Promise<CryptoKey> {
    let key = this.#keys.get(entry);
    if (!key) {
      key = derivedSigningKey(entry.digest, SESSION_LABEL);
      this.#keys.set(entry, key);
    }
    return key;
  }
}
