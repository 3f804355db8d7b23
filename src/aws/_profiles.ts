/**
 * The shared files' profiles: which one to use, and how it yields
 * credentials (static keys, `role_arn` with `source_profile` or
 * `web_identity_token_file`, `credential_process`). `[profile name]` in the
 * config file, `[name]` in the credentials file, which wins key by key.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
 * @see https://github.com/boto/botocore/blob/develop/botocore/credentials.py
 * @module
 */
import { CredentialsError, type TemporaryCredentials } from "./_credentials_error.ts";
import { type IniSections, parseIni } from "./_ini.ts";
import { readCredentials } from "./_metadata.ts";
import type { AssumeRoleRequest } from "./sts.ts";

/** A profile's settings, merged from both files. */
export type Profile = Readonly<Record<string, string>>;

/** The profiles of both files. */
export interface SharedFiles {
  credentials: IniSections | null;
  config: IniSections | null;
}

/** The profile is missing or its settings do not make credentials. Stops start-up. */
export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProfileError";
  }
}

/** Parses both files; null for a file that does not exist. */
export function readSharedFiles(credentials: string | null, config: string | null): SharedFiles {
  return {
    credentials: credentials === null ? null : parseIni(credentials),
    config: config === null ? null : parseIni(config),
  };
}

/**
 * The named profile: its config section (`[profile name]`; `[default]` for the
 * default) under its credentials section. Null when neither file has it.
 */
export function profileOf(files: SharedFiles, name: string): Profile | null {
  const fromConfig = files.config?.[`profile ${name}`] ??
    (name === "default" ? files.config?.default : undefined);
  const fromCredentials = files.credentials?.[name];
  if (!fromConfig && !fromCredentials) return null;
  return { ...fromConfig, ...fromCredentials };
}

/** What resolving a profile's credentials may call on. */
export interface ProfileHost {
  /** Names the source in errors. */
  source: string;
  assumeRole(
    role: AssumeRoleRequest,
    with_: TemporaryCredentials,
    region: string | undefined,
  ): Promise<TemporaryCredentials>;
  webIdentity(
    role: { roleArn: string; roleSessionName: string; tokenFile: string },
    region: string | undefined,
  ): Promise<TemporaryCredentials>;
  runProcess?: (argv: string[]) => Promise<{ success: boolean; stdout: string }>;
  /** The default region from the environment (`AWS_REGION`, `AWS_DEFAULT_REGION`). */
  envRegion: string | undefined;
  sessionName: () => string;
}

/**
 * How the profile `name` gets credentials, checked now (a missing source
 * profile or a loop stops start-up); null when it holds none.
 */
export function profileCredentials(
  files: SharedFiles,
  name: string,
  host: ProfileHost,
  visited: readonly string[] = [],
): (() => Promise<TemporaryCredentials>) | null {
  const profile = profileOf(files, name);
  if (!profile) throw new ProfileError(`AWS profile "${name}" is not in the shared files`);
  const region = host.envRegion ?? (profile.region || undefined);
  if (profile.role_arn) {
    const role = {
      roleArn: profile.role_arn,
      roleSessionName: profile.role_session_name || host.sessionName(),
      externalId: profile.external_id || undefined,
      durationSeconds: profile.duration_seconds ? Number(profile.duration_seconds) : undefined,
    };
    if (profile.mfa_serial) {
      throw new ProfileError(
        `AWS profile "${name}" needs an MFA code (mfa_serial), which a server cannot type`,
      );
    }
    if (profile.web_identity_token_file) {
      const tokenFile = profile.web_identity_token_file;
      return () => host.webIdentity({ ...role, tokenFile }, region);
    }
    const sourceName = profile.source_profile;
    if (!sourceName) {
      throw new ProfileError(
        profile.credential_source
          ? `AWS profile "${name}" uses credential_source, which this service does not support: use source_profile`
          : `AWS profile "${name}" has role_arn but no source_profile`,
      );
    }
    if (visited.includes(sourceName) && sourceName !== name) {
      throw new ProfileError(
        `AWS profile "${name}" has a source_profile loop: "${
          [...visited, name, sourceName].join('" → "')
        }"`,
      );
    }
    // A profile naming itself as its source uses its own static keys, as botocore does.
    const source = sourceName === name
      ? staticKeys(profile, name)
      : profileCredentials(files, sourceName, host, [...visited, name]);
    if (!source) {
      throw new ProfileError(
        `AWS profile "${sourceName}" (source_profile of "${name}") holds no credentials`,
      );
    }
    return async () => host.assumeRole(role, await source(), region);
  }
  if (profile.credential_process) {
    const argv = splitCommand(profile.credential_process);
    return () => runCredentialProcess(argv, host);
  }
  return staticKeys(profile, name);
}

function staticKeys(
  profile: Profile,
  name: string,
): (() => Promise<TemporaryCredentials>) | null {
  const accessKeyId = profile.aws_access_key_id;
  const secretAccessKey = profile.aws_secret_access_key;
  if (!accessKeyId && !secretAccessKey) return null;
  if (!accessKeyId || !secretAccessKey) {
    const missing = accessKeyId ? "aws_secret_access_key" : "aws_access_key_id";
    throw new ProfileError(`AWS profile "${name}" is missing ${missing}`);
  }
  const credentials = {
    accessKeyId,
    secretAccessKey,
    sessionToken: profile.aws_session_token || undefined,
  };
  return () => Promise.resolve(credentials);
}

/**
 * Runs `credential_process` and reads what it prints: JSON with `Version: 1`.
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
 */
async function runCredentialProcess(
  argv: string[],
  host: ProfileHost,
): Promise<TemporaryCredentials> {
  if (!host.runProcess) {
    throw new CredentialsError(host.source, "credential_process cannot run on this platform");
  }
  let result;
  try {
    result = await host.runProcess(argv);
  } catch (error) {
    throw new CredentialsError(
      host.source,
      `cannot run credential_process "${argv[0]}": ${(error as Error).message}`,
    );
  }
  if (!result.success) {
    throw new CredentialsError(host.source, `credential_process "${argv[0]}" failed`);
  }
  let version: unknown;
  try {
    version = JSON.parse(result.stdout).Version;
  } catch {
    throw new CredentialsError(host.source, `credential_process "${argv[0]}" printed no JSON`);
  }
  if (version !== 1) {
    throw new CredentialsError(
      host.source,
      `credential_process "${argv[0]}" printed Version "${version}", not 1`,
    );
  }
  return readCredentials(result.stdout, host.source);
}

/**
 * Splits a command line as a POSIX shell would, without running a shell:
 * whitespace between words, `'…'` and `"…"` quoting, `\` escapes.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < command.length; i++) {
    const char = command[i];
    if (quote) {
      if (char === quote) quote = null;
      else if (char === "\\" && quote === '"' && /["\\$`]/.test(command[i + 1] ?? "")) {
        word += command[++i];
      } else word += char;
    } else if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= "";
    } else if (char === "\\" && i + 1 < command.length) {
      word = (word ?? "") + command[++i];
    } else {
      word = (word ?? "") + char;
    }
  }
  if (quote) throw new ProfileError(`credential_process has an unclosed ${quote}`);
  if (word !== null) words.push(word);
  if (words.length === 0) throw new ProfileError("credential_process is empty");
  return words;
}
