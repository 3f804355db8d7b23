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
import { assumeRole, assumeRoleWithWebIdentity } from "./sts.ts";

export { CredentialsError, ProfileError, type TemporaryCredentials };

/** Refresh temporary credentials this long before they expire, as aws-sdk-js-v3 does. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

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
}

/** What the chain found, and where it looked. */
export interface CredentialChain {
  /** Null when no source holds credentials. */
  source: CredentialSource | null;
  /** Each place looked, in order, up to the one found. */
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
  const env = host.env;
  const now = host.now ?? (() => new Date());
  const looked: string[] = [];
  const found = (name: string, fetch: () => Promise<TemporaryCredentials>) => ({
    source: cachedSource(name, fetch, now),
    looked,
  });

  looked.push("environment (AWS_ACCESS_KEY_ID)");
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN || undefined,
    };
    return found("environment (AWS_ACCESS_KEY_ID)", () => Promise.resolve(credentials));
  }

  const sts = stsCaller(host, now);
  looked.push("web identity (AWS_ROLE_ARN)");
  if (env.AWS_ROLE_ARN && env.AWS_WEB_IDENTITY_TOKEN_FILE) {
    const name = "web identity (AWS_ROLE_ARN)";
    const role = {
      roleArn: env.AWS_ROLE_ARN,
      roleSessionName: env.AWS_ROLE_SESSION_NAME || sessionName(now),
      tokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
    };
    return found(name, () => sts.webIdentity(name, role, defaultRegion(env)));
  }

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
  if (env.AWS_PROFILE && !profileOf(files, profile)) {
    throw new ProfileError(
      `AWS_PROFILE names profile "${profile}", which neither "${credentialsFile}" nor "${configFile}" holds`,
    );
  }
  if (profileOf(files, profile)) {
    const name = `shared files (profile "${profile}")`;
    const fetch = profileCredentials(files, profile, {
      source: name,
      envRegion: defaultRegion(env),
      sessionName: () => sessionName(now),
      runProcess: host.runProcess,
      assumeRole: (role, with_, region) => sts.assumeRole(name, role, with_, region),
      webIdentity: (role, region) =>
        sts.webIdentity(
          name,
          { ...role, tokenFile: expandHome(role.tokenFile, home, "")! },
          region,
        ),
    });
    if (fetch) return found(name, fetch);
  }

  looked.push("container credentials (AWS_CONTAINER_CREDENTIALS_*)");
  const containerUri = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
    ? `${CONTAINER_HOST}${env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}`
    : env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (containerUri) {
    if (!env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI && !isAllowedContainerUri(containerUri)) {
      throw new ProfileError(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address, 169.254.170.2 or 169.254.170.23",
      );
    }
    const name = "container credentials (AWS_CONTAINER_CREDENTIALS_*)";
    return found(name, async () => {
      const token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
        ? (await readSecretFile(host, env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, name)).trim()
        : env.AWS_CONTAINER_AUTHORIZATION_TOKEN || undefined;
      return await containerCredentials(containerUri, token, { fetch: host.fetch, source: name });
    });
  }

  if (isTrue(env.AWS_EC2_METADATA_DISABLED)) {
    looked.push("EC2 instance metadata (off: AWS_EC2_METADATA_DISABLED)");
    return { source: null, looked };
  }
  const imds = env.AWS_EC2_METADATA_SERVICE_ENDPOINT || IMDS_ENDPOINT;
  looked.push(`EC2 instance metadata (${imds})`);
  const name = `EC2 instance metadata (${imds})`;
  try {
    await imdsToken(imds, { fetch: host.fetch, source: name });
  } catch {
    return { source: null, looked };
  }
  return found(name, () => instanceCredentials(imds, { fetch: host.fetch, source: name }));
}

/** The default region: `AWS_REGION`, then `AWS_DEFAULT_REGION`. */
export function defaultRegion(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/** A fixed set of credentials as a source, e.g. from Workers bindings. */
export function staticSource(name: string, credentials: AwsCredentials): CredentialSource {
  return { name, credentials: () => Promise.resolve(credentials) };
}

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
      role: {
        roleArn: string;
        roleSessionName: string;
        externalId?: string;
        durationSeconds?: number;
      },
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
