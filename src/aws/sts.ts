/**
 * The two STS calls the credential chain makes: `AssumeRole` (signed, for a
 * profile's `role_arn` with `source_profile`) and `AssumeRoleWithWebIdentity`
 * (not signed: the web identity token is the credential). Query API, XML.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 * @module
 */
import { XMLParser } from "fast-xml-parser";
import { partitionSuffix } from "./endpoints.ts";
import { Ec2Signer } from "./signer.ts";
import { CredentialsError, type TemporaryCredentials } from "./_credentials_error.ts";

/** The STS API version of every call. */
export const STS_API_VERSION = "2011-06-15";
/** How long one STS call may take. */
export const STS_TIMEOUT_MS = 10_000;
/** Where STS is when no region is known: the global endpoint, signed for us-east-1. */
const GLOBAL_ENDPOINT = "https://sts.amazonaws.com/";
const GLOBAL_REGION = "us-east-1";
const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";
const DATETIME_NOISE = /[:-]|\.\d{3}/g;

const PARSER = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  removeNSPrefix: true,
});

/** How to reach STS. */
export interface StsOptions {
  /** The outbound fetch. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Region of the regional endpoint and the signature; the global endpoint when absent. */
  region?: string;
  /** `AWS_ENDPOINT_URL_STS` or `AWS_ENDPOINT_URL`. */
  endpoint?: string;
  /** Signing clock. */
  now: () => Date;
  /** Names the credential source in errors, e.g. `web identity (AWS_ROLE_ARN)`. */
  source: string;
}

/** What both calls take. */
export interface AssumeRoleParams {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
}

/** `AssumeRoleWithWebIdentity`: the token read from the token file. */
export async function assumeRoleWithWebIdentity(
  params: AssumeRoleParams & { webIdentityToken: string },
  options: StsOptions,
): Promise<TemporaryCredentials> {
  const body = form("AssumeRoleWithWebIdentity", {
    RoleArn: params.roleArn,
    RoleSessionName: params.roleSessionName,
    WebIdentityToken: params.webIdentityToken,
    DurationSeconds: params.durationSeconds?.toString(),
  });
  return await call(
    "AssumeRoleWithWebIdentity",
    body,
    { "content-type": FORM_CONTENT_TYPE },
    options,
  );
}

/** What `AssumeRole` takes: a role, and the external id its trust policy may ask for. */
export type AssumeRoleRequest = AssumeRoleParams & { externalId?: string };

/** `AssumeRole`, signed with `credentials` (the source profile's). */
export async function assumeRole(
  params: AssumeRoleRequest,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  options: StsOptions,
): Promise<TemporaryCredentials> {
  const body = form("AssumeRole", {
    RoleArn: params.roleArn,
    RoleSessionName: params.roleSessionName,
    ExternalId: params.externalId,
    DurationSeconds: params.durationSeconds?.toString(),
  });
  const region = options.region ?? GLOBAL_REGION;
  const headers = await new Ec2Signer(credentials, "sts").sign({
    url: stsEndpoint(options),
    region,
    headers: { "content-type": FORM_CONTENT_TYPE },
    body,
    datetime: options.now().toISOString().replace(DATETIME_NOISE, ""),
  });
  return await call("AssumeRole", body, headers, options);
}

/** The STS endpoint: the override, the region's own, or the global one. */
export function stsEndpoint(options: { region?: string; endpoint?: string }): string {
  if (options.endpoint) return options.endpoint;
  if (!options.region) return GLOBAL_ENDPOINT;
  return `https://sts.${options.region}.${partitionSuffix(options.region)}/`;
}

function form(action: string, params: Record<string, string | undefined>): string {
  const body = new URLSearchParams({ Action: action, Version: STS_API_VERSION });
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) body.set(name, value);
  }
  return body.toString();
}

async function call(
  action: string,
  body: string,
  headers: HeadersInit,
  options: StsOptions,
): Promise<TemporaryCredentials> {
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(stsEndpoint(options), {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(STS_TIMEOUT_MS),
    });
    text = await response.text();
  } catch {
    throw new CredentialsError(options.source, `cannot reach STS for ${action}`);
  }
  if (text.includes("<!DOCTYPE")) {
    throw new CredentialsError(
      options.source,
      `STS answered ${action} with something that is not STS XML`,
    );
  }
  let tree: Record<string, unknown>;
  try {
    tree = PARSER.parse(text);
  } catch {
    throw new CredentialsError(
      options.source,
      `STS answered ${action} with XML that does not parse`,
    );
  }
  if (!response.ok) {
    const error = dig(tree, "ErrorResponse", "Error") ?? dig(tree, "Response", "Errors", "Error");
    // Only a code of AWS's shape is repeated; anything else could be an echo of the request.
    const code = typeof error?.Code === "string" && /^[\w.]{1,64}$/.test(error.Code)
      ? error.Code
      : `HTTP ${response.status}`;
    throw new CredentialsError(options.source, `STS refused ${action} ("${code}")`, {
      status: response.status,
    });
  }
  const credentials = dig(tree, `${action}Response`, `${action}Result`, "Credentials");
  const expiration = Date.parse(String(credentials?.Expiration ?? ""));
  if (
    typeof credentials?.AccessKeyId !== "string" || !credentials.AccessKeyId ||
    typeof credentials.SecretAccessKey !== "string" || !credentials.SecretAccessKey ||
    typeof credentials.SessionToken !== "string" || Number.isNaN(expiration)
  ) {
    throw new CredentialsError(options.source, `STS answered ${action} without credentials`);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: new Date(expiration),
  };
}

function dig(tree: unknown, ...path: string[]): Record<string, unknown> | undefined {
  let node = tree;
  for (const name of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, name)) return undefined;
    node = (node as Record<string, unknown>)[name];
  }
  return typeof node === "object" && node !== null ? node as Record<string, unknown> : undefined;
}
