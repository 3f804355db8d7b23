/**
 * The cache in front of every credential source: credentials kept until
 * shortly before they expire, one refresh shared by concurrent callers.
 *
 * @module
 */
import { CredentialsError, type TemporaryCredentials } from "./_credentials_error.ts";
import type { CredentialSource } from "./credentials.ts";

/** Refresh temporary credentials this long before they expire, as aws-sdk-js-v3 does. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * Caches what `fetch` gives until {@linkcode REFRESH_BEFORE_MS} before it
 * expires. Concurrent callers share one refresh. A failed refresh while the
 * old credentials are still valid keeps them; after that it throws.
 */
export function cachedSource(
  name: string,
  fetch: () => Promise<TemporaryCredentials>,
  now: () => Date = () => new Date(),
): CredentialSource {
  let current: TemporaryCredentials | null = null;
  let pending: Promise<TemporaryCredentials> | null = null;
  const fresh = (credentials: TemporaryCredentials | null, margin: number) =>
    credentials !== null &&
    (!credentials.expiration || credentials.expiration.getTime() - now().getTime() > margin);
  async function refresh(): Promise<TemporaryCredentials> {
    try {
      current = await fetch();
      return current;
    } catch (error) {
      if (fresh(current, 0)) return current!;
      if (error instanceof CredentialsError) throw error;
      throw new CredentialsError(name, "the source failed", { cause: error });
    } finally {
      pending = null;
    }
  }
  return {
    name,
    async credentials() {
      if (!fresh(current, REFRESH_BEFORE_MS)) {
        await (pending ??= refresh());
      }
      const { accessKeyId, secretAccessKey, sessionToken } = current!;
      return { accessKeyId, secretAccessKey, sessionToken };
    },
  };
}
