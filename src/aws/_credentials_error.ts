/**
 * What every credential source hands back, and the one error they throw.
 *
 * @module
 */

/** Credentials to sign with; `expiration` absent for long-lived keys. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * A credential source could not give credentials. The message names the
 * source and what failed, never a key, token or secret.
 */
export class CredentialsError extends Error {
  /** The source, as the start banner names it, e.g. `web identity (AWS_ROLE_ARN)`. */
  readonly source: string;
  /** The HTTP status of the answer that failed, when there was one. */
  readonly status: number | null;

  constructor(source: string, reason: string, options: { status?: number; cause?: unknown } = {}) {
    super(`AWS credentials from ${source} are unavailable: ${reason}`, { cause: options.cause });
    this.name = "CredentialsError";
    this.source = source;
    this.status = options.status ?? null;
  }
}
