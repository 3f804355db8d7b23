/**
 * The AWS credential chain's walk, as `createService` takes it:
 * only the Deno adapter (and tests) import this, so the shared files,
 * `credential_process`, STS and IMDS code stay out of the Workers bundle,
 * where credentials come from the bindings alone.
 *
 * @module
 */
import {
  type CredentialChain,
  type CredentialHost,
  findCredentials,
  ProfileError,
} from "../aws/credentials.ts";
import { ConfigError } from "../config/settings.ts";

/**
 * The walk of the chain over `host`, for `createService`'s
 * `credentialChain`: a profile that cannot be used stops start-up with a
 * {@linkcode ConfigError} naming it.
 */
export function walkCredentialChain(host: CredentialHost): () => Promise<CredentialChain> {
  return async () => {
    try {
      return await findCredentials(host);
    } catch (error) {
      if (error instanceof ProfileError) throw new ConfigError(error.message);
      throw error;
    }
  };
}
