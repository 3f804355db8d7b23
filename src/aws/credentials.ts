/**
 * The AWS credential chain, walked as the AWS SDKs walk it, first source
 * found wins:
 *
 * 1. `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`;
 * 2. web identity: `AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE` → STS
 *    `AssumeRoleWithWebIdentity`;
 * 3. the shared files (`AWS_PROFILE`, `AWS_SHARED_CREDENTIALS_FILE`,
 *    `AWS_CONFIG_FILE`; `~/.aws/credentials`, `~/.aws/config`);
 * 4. container credentials (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or
 *    `_FULL_URI`, with `AWS_CONTAINER_AUTHORIZATION_TOKEN` or `_FILE`);
 * 5. EC2 instance metadata, IMDSv2 only.
 *
 * Platform-neutral: the environment, file reading, the home directory and
 * process execution come in as a {@linkcode CredentialHost}. Temporary
 * credentials are cached and refreshed {@linkcode REFRESH_BEFORE_MS} before
 * they expire, one refresh shared by every caller.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
 * @see https://github.com/aws/aws-sdk-js-v3/tree/main/packages/credential-provider-node
 * @module
 */
import { CredentialsError, type TemporaryCredentials } from "./_credentials_error.ts";
import {
  CONTAINER_HOST,
  containerCredentials,
  IMDS_ENDPOINT,
  imdsToken,
  instanceCredentials,
  isAllowedContainerUri,
} from "./_metadata.ts";
import { profileCredentials, ProfileError, profileOf, readSharedFiles } from "./_profiles.ts";
import { cachedSource, REFRESH_BEFORE_MS } from "./_refresh.ts";
import { assumeRole, type AssumeRoleRequest, assumeRoleWithWebIdentity } from "./sts.ts";

export { CredentialsError, ProfileError, type TemporaryCredentials };
export { cachedSource, REFRESH_BEFORE_MS };

/** Every variable the chain reads. */
export const CREDENTIAL_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_SESSION_NAME",
  "AWS_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_ENDPOINT_URL_STS",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "HOME",
  "USERPROFILE",
] as const;

/** Where the chain reads from. Only `env` and `fetch` are required. */
export interface CredentialHost {
  env: Readonly<Record<string, string | undefined>>;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** The text of a file; null when it does not exist. Throws when it cannot be read. */
  readFile?: (path: string) => Promise<string | null>;
  /** Runs a program (no shell) and gives its standard output. */
  runProcess?: (argv: string[]) => Promise<{ success: boolean; stdout: string }>;
  /** Clock of refreshes and signatures. Default: the current time. */
  now?: () => Date;
}

/** Credentials to sign with. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The source the chain settled on. */
export interface CredentialSource {
  /** As the banner and errors name it, e.g. `shared files (profile "dev")`. */
  name: string;
  /** Current credentials: cached, refreshed before they expire. */
  credentials(): Promise<AwsCredentials>;
  /** Set for keys that never change (the environment's): sign with them directly. */
  fixed?: AwsCredentials;
}

/** What the chain found, and where it looked. */
export interface CredentialChain {
  /** Null when no source holds credentials. */
  source: CredentialSource | null;
  /** Each place looked, in order, up to the one found. */
  looked: string[];
}

/** A source a step of the chain found: its name and how it fetches. */
interface Found {
  name: string;
  fetch: () => Promise<TemporaryCredentials>;
  /** Keys that never change: the client signs with them directly. */
  fixed?: AwsCredentials;
}

/** What every step of the chain shares. */
interface Step {
  host: CredentialHost;
  env: CredentialHost["env"];
  now: () => Date;
  sts: ReturnType<typeof stsCaller>;
  /** Where the step looked, for the banner. */
  looked: string[];
}

/**
 * Walks the chain. Finding a source does not fetch its credentials (except
 * IMDS, which is only known to be there once it answers a token): the first
 * request does, and a source that fails then answers 503 naming it.
 *
 * @throws {ProfileError} when `AWS_PROFILE` names a profile that cannot be read or used
 */
export async function findCredentials(host: CredentialHost): Promise<CredentialChain> {
  const now = host.now ?? (() => new Date());
  const step: Step = { host, env: host.env, now, sts: stsCaller(host, now), looked: [] };
  for (
    const source of [fromEnvironment, fromWebIdentity, fromSharedFiles, fromContainer, fromImds]
  ) {
    const found = await source(step);
    if (found) {
      const cached = cachedSource(found.name, found.fetch, now);
      return {
        source: found.fixed ? { ...cached, fixed: found.fixed } : cached,
        looked: step.looked,
      };
    }
  }
  return { source: null, looked: step.looked };
}

function fromEnvironment({ env, looked }: Step): Found | null {
  const name = "environment (AWS_ACCESS_KEY_ID)";
  looked.push(name);
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return null;
  const fixed = {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sessionToken: env.AWS_SESSION_TOKEN || undefined,
  };
  return { name, fetch: () => Promise.resolve(fixed), fixed };
}

function fromWebIdentity({ env, now, sts, looked }: Step): Found | null {
  const name = "web identity (AWS_ROLE_ARN)";
  looked.push(name);
  if (!env.AWS_ROLE_ARN || !env.AWS_WEB_IDENTITY_TOKEN_FILE) return null;
  const role = {
    roleArn: env.AWS_ROLE_ARN,
    roleSessionName: env.AWS_ROLE_SESSION_NAME || sessionName(now),
    tokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
  };
  return { name, fetch: () => sts.webIdentity(name, role, defaultRegion(env)) };
}

async function fromSharedFiles({ host, env, now, sts, looked }: Step): Promise<Found | null> {
  const home = homeDirectory(env);
  const profile = env.AWS_PROFILE || "default";
  const credentialsFile = expandHome(env.AWS_SHARED_CREDENTIALS_FILE, home, ".aws/credentials");
  const configFile = expandHome(env.AWS_CONFIG_FILE, home, ".aws/config");
  looked.push(
    `shared files (profile "${profile}" in ${credentialsFile ?? "~/.aws/credentials"}, ${
      configFile ?? "~/.aws/config"
    })`,
  );
  // An unreadable default file is skipped, as the SDKs skip it; one the
  // environment names, or the files of a named profile, stop start-up.
  const strict = Boolean(env.AWS_PROFILE);
  const files = readSharedFiles(
    await readOptional(host, credentialsFile, profile, strict || !!env.AWS_SHARED_CREDENTIALS_FILE),
    await readOptional(host, configFile, profile, strict || !!env.AWS_CONFIG_FILE),
  );
  if (!profileOf(files, profile)) {
    if (!env.AWS_PROFILE) return null;
    throw new ProfileError(
      `AWS_PROFILE names profile "${profile}", which neither "${credentialsFile}" nor "${configFile}" holds`,
    );
  }
  const name = `shared files (profile "${profile}")`;
  const fetch = profileCredentials(files, profile, {
    source: name,
    envRegion: defaultRegion(env),
    sessionName: () => sessionName(now),
    runProcess: host.runProcess,
    assumeRole: (role, with_, region) => sts.assumeRole(name, role, with_, region),
    webIdentity: (role, region) =>
      sts.webIdentity(name, { ...role, tokenFile: expandHome(role.tokenFile, home, "")! }, region),
  });
  return fetch && { name, fetch };
}

function fromContainer({ host, env, looked }: Step): Found | null {
  const name = "container credentials (AWS_CONTAINER_CREDENTIALS_*)";
  looked.push(name);
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const uri = relative ? `${CONTAINER_HOST}${relative}` : env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!uri) return null;
  if (!relative && !isAllowedContainerUri(uri)) {
    throw new ProfileError(
      "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address, 169.254.170.2 or 169.254.170.23",
    );
  }
  const tokenFile = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  return {
    name,
    async fetch() {
      // The file wins and is read at every refresh: EKS Pod Identity rotates it.
      const token = tokenFile
        ? (await readSecretFile(host, tokenFile, name)).trim()
        : env.AWS_CONTAINER_AUTHORIZATION_TOKEN || undefined;
      return await containerCredentials(uri, token, { fetch: host.fetch, source: name });
    },
  };
}

async function fromImds({ host, env, looked }: Step): Promise<Found | null> {
  if (isTrue(env.AWS_EC2_METADATA_DISABLED)) {
    looked.push("EC2 instance metadata (off: AWS_EC2_METADATA_DISABLED)");
    return null;
  }
  const endpoint = env.AWS_EC2_METADATA_SERVICE_ENDPOINT || IMDS_ENDPOINT;
  const name = `EC2 instance metadata (${endpoint})`;
  looked.push(name);
  const options = { fetch: host.fetch, source: name };
  try {
    await imdsToken(endpoint, options);
  } catch {
    return null;
  }
  return { name, fetch: () => instanceCredentials(endpoint, options) };
}

/** The default region: `AWS_REGION`, then `AWS_DEFAULT_REGION`. */
export function defaultRegion(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

function stsCaller(host: CredentialHost, now: () => Date) {
  const endpoint = host.env.AWS_ENDPOINT_URL_STS || host.env.AWS_ENDPOINT_URL || undefined;
  const options = (source: string, region: string | undefined) => ({
    fetch: host.fetch,
    endpoint,
    region,
    now,
    source,
  });
  return {
    async webIdentity(
      source: string,
      role: { roleArn: string; roleSessionName: string; tokenFile: string },
      region: string | undefined,
    ): Promise<TemporaryCredentials> {
      // Read on every refresh: EKS and Deno Deploy rotate the token in place.
      const webIdentityToken = (await readSecretFile(host, role.tokenFile, source)).trim();
      return await assumeRoleWithWebIdentity(
        { ...role, webIdentityToken },
        options(source, region),
      );
    },
    async assumeRole(
      source: string,
      role: AssumeRoleRequest,
      with_: TemporaryCredentials,
      region: string | undefined,
    ): Promise<TemporaryCredentials> {
      return await assumeRole(role, with_, options(source, region));
    },
  };
}

async function readSecretFile(host: CredentialHost, path: string, source: string): Promise<string> {
  if (!host.readFile) throw new CredentialsError(source, "files cannot be read on this platform");
  let text: string | null;
  try {
    text = await host.readFile(path);
  } catch (error) {
    throw new CredentialsError(source, `cannot read "${path}": ${(error as Error).message}`);
  }
  if (text === null) throw new CredentialsError(source, `"${path}" does not exist`);
  return text;
}

async function readOptional(
  host: CredentialHost,
  path: string | undefined,
  profile: string,
  strict: boolean,
): Promise<string | null> {
  if (!path || !host.readFile) return null;
  try {
    return await host.readFile(path);
  } catch (error) {
    if (!strict) return null;
    throw new ProfileError(
      `Cannot read "${path}" for AWS profile "${profile}": ${(error as Error).message}`,
    );
  }
}

function homeDirectory(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env.HOME || env.USERPROFILE || undefined;
}

/** `~/x` under the home directory; `fallback` under it when `path` is unset. */
function expandHome(
  path: string | undefined,
  home: string | undefined,
  fallback: string,
): string | undefined {
  if (path) return path.startsWith("~/") && home ? `${home}/${path.slice(2)}` : path;
  return home ? `${home}/${fallback}` : undefined;
}

function sessionName(now: () => Date): string {
  return `workwork-${now().getTime()}`;
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === "true";
}
