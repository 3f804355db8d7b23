/**
 * The configured API keys as the service holds them: a name, a scope, and the
 * key's SHA-256 digest, never the key; and the constant-time match of a
 * presented key against them.
 *
 * @module
 */
import type { ChatIdentities } from "./chat_identities.ts";
import type { KeyScope } from "./scopes.ts";

/** A configured key, kept only as its SHA-256 digest. */
export interface ApiKeyEntry {
  /** A name for logs and audit; never the key. */
  name: string;
  digest: Uint8Array;
  /** What the key may do. */
  scope: KeyScope;
  /** The chat users who act with this entry's scope; absent for none. */
  chat?: ChatIdentities;
}

/** The SHA-256 digest of `key`. */
export async function keyDigest(key: string): Promise<Uint8Array> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return new Uint8Array(digest);
}

/**
 * The configured entry `key` matches, or null. Every entry is compared, in
 * constant time over the digests, so timing tells nothing about which matched.
 */
export async function matchKey(
  entries: readonly ApiKeyEntry[],
  key: string,
): Promise<ApiKeyEntry | null> {
  const digest = await keyDigest(key);
  let match: ApiKeyEntry | null = null;
  for (const entry of entries) {
    let difference = 0;
    for (let i = 0; i < digest.length; i++) difference |= digest[i] ^ entry.digest[i];
    if (difference === 0) match = entry;
  }
  return match;
}
