/**
 * Credentials served over HTTP by the machine the service runs on: the
 * container credentials endpoint (ECS, EKS Pod Identity) and EC2's instance
 * metadata service, IMDSv2 only. Both answer JSON with `AccessKeyId`,
 * `SecretAccessKey`, `Token` and `Expiration`.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-metadata-security-credentials.html
 * @module
 */
import { CredentialsError, type TemporaryCredentials } from "./_credentials_error.ts";

/** ECS's credentials host, for `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`. */
export const CONTAINER_HOST = "http://169.254.170.2";
/** EC2's instance metadata service. */
export const IMDS_ENDPOINT = "http://169.254.169.254";
/** The IMDSv2 session token's lifetime asked for, as the SDKs ask: six hours. */
export const IMDS_TOKEN_TTL_SECONDS = 21600;
/** How long one metadata request may take: 1 s, the SDKs' default (IMDS is on the host). */
export const METADATA_TIMEOUT_MS = 1_000;
/** Container credentials may take longer (botocore waits 2 s). */
export const CONTAINER_TIMEOUT_MS = 2_000;

/**
 * Hosts a plain-`http` full URI may name: loopback, ECS's and EKS Pod
 * Identity's link-local addresses. Anything else must be `https`.
 * @see https://github.com/boto/botocore/blob/develop/botocore/utils.py (ContainerMetadataFetcher)
 */
const HTTP_HOSTS = new Set(["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost"]);

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Whether `uri` may be a full container credentials URI: `https` anywhere,
 * `http` only to loopback and the container hosts.
 */
export function isAllowedContainerUri(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol === "https:") return true;
  if (url.protocol !== "http:") return false;
  return HTTP_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname) ||
    url.hostname === "[::1]";
}

/** GETs container credentials from `url`, with `authorization` when one is set. */
export async function containerCredentials(
  url: string,
  authorization: string | undefined,
  options: { fetch: Fetch; source: string },
): Promise<TemporaryCredentials> {
  if (authorization !== undefined && /[\r\n]/.test(authorization)) {
    throw new CredentialsError(options.source, "the authorization token holds a line break");
  }
  const response = await send(options, url, {
    headers: authorization ? { authorization } : {},
    signal: AbortSignal.timeout(CONTAINER_TIMEOUT_MS),
  }, "the container credentials endpoint");
  return readCredentials(await response.text(), options.source);
}

/**
 * IMDSv2: a session token (PUT), the role's name, then its credentials.
 * Never IMDSv1: a metadata service that will not give a token gives nothing.
 */
export async function instanceCredentials(
  endpoint: string,
  options: { fetch: Fetch; source: string },
): Promise<TemporaryCredentials> {
  const base = endpoint.replace(/\/+$/, "");
  const token = await imdsToken(base, options);
  const headers = { "x-aws-ec2-metadata-token": token };
  const roles = await send(options, `${base}/latest/meta-data/iam/security-credentials/`, {
    headers,
    signal: AbortSignal.timeout(METADATA_TIMEOUT_MS),
  }, "the instance metadata service");
  const role = (await roles.text()).split("\n")[0].trim();
  if (!role) throw new CredentialsError(options.source, "the instance has no IAM role attached");
  const answer = await send(
    options,
    `${base}/latest/meta-data/iam/security-credentials/${encodeURIComponent(role)}`,
    { headers, signal: AbortSignal.timeout(METADATA_TIMEOUT_MS) },
    "the instance metadata service",
  );
  return readCredentials(await answer.text(), options.source);
}

/** IMDSv2's session token; throws when the service does not answer one. */
export async function imdsToken(
  base: string,
  options: { fetch: Fetch; source: string },
): Promise<string> {
  const response = await send(options, `${base.replace(/\/+$/, "")}/latest/api/token`, {
    method: "PUT",
    headers: { "x-aws-ec2-metadata-token-ttl-seconds": String(IMDS_TOKEN_TTL_SECONDS) },
    signal: AbortSignal.timeout(METADATA_TIMEOUT_MS),
  }, "the instance metadata service");
  const token = (await response.text()).trim();
  if (!token) throw new CredentialsError(options.source, "IMDSv2 gave an empty session token");
  return token;
}

async function send(
  options: { fetch: Fetch; source: string },
  url: string,
  init: RequestInit,
  what: string,
): Promise<Response> {
  let response: Response;
  try {
    response = await options.fetch(url, init);
  } catch (cause) {
    throw new CredentialsError(options.source, `cannot reach ${what}`, { cause });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new CredentialsError(options.source, `${what} answered HTTP ${response.status}`, {
      status: response.status,
    });
  }
  return response;
}

/**
 * The JSON both services answer, and `credential_process` prints:
 * `AccessKeyId`, `SecretAccessKey`, `Token` (or `SessionToken`), `Expiration`.
 */
export function readCredentials(text: string, source: string): TemporaryCredentials {
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new CredentialsError(source, "the answer is not JSON");
  }
  if (typeof answer !== "object" || answer === null) {
    throw new CredentialsError(source, "the answer is not a JSON object");
  }
  if (typeof answer.Code === "string" && answer.Code !== "Success") {
    throw new CredentialsError(source, `the answer's Code is "${answer.Code}"`);
  }
  const { AccessKeyId, SecretAccessKey, Expiration } = answer;
  const token = answer.Token ?? answer.SessionToken;
  if (typeof AccessKeyId !== "string" || !AccessKeyId) {
    throw new CredentialsError(source, "the answer has no AccessKeyId");
  }
  if (typeof SecretAccessKey !== "string" || !SecretAccessKey) {
    throw new CredentialsError(source, "the answer has no SecretAccessKey");
  }
  if (token !== undefined && typeof token !== "string") {
    throw new CredentialsError(source, "the answer's session token is not a string");
  }
  let expiration: Date | undefined;
  if (Expiration !== undefined) {
    const time = typeof Expiration === "string" ? Date.parse(Expiration) : NaN;
    if (Number.isNaN(time)) {
      throw new CredentialsError(source, "the answer's Expiration is not a time");
    }
    expiration = new Date(time);
  }
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: token || undefined,
    expiration,
  };
}
