/**
 * What went wrong, in the domain's words: every error the AWS clients and the
 * domain throw, described as a kind, the field it is about and a title a
 * person can act on. The HTTP layer turns a kind into a status
 * (`http/errors.ts`); the sweep's report quotes the title. No AWS secret, no
 * encoded IAM message, no API key ever reaches a title.
 *
 * @module
 */
import { CredentialsError } from "../aws/credentials.ts";
import { THROTTLING_CODES } from "../aws/ec2.ts";
import { Ec2Error, Ec2TransportError } from "../aws/ec2_errors.ts";
import { ChangeInProgressError } from "./change_queue.ts";
import {
  InstanceNotFoundError,
  ListingTooLongError,
  StartTimeNotWrittenError,
} from "./instances.ts";

/** The kinds of failure, each answered with one HTTP status. */
export type FailureKind =
  | "not_found"
  | "conflict"
  | "bad_filter"
  | "tag_not_written"
  | "credentials"
  | "refused"
  | "unreachable"
  | "unavailable"
  | "timeout"
  | "internal";

/** A described failure. */
export interface Failure {
  kind: FailureKind;
  /** What it is about: a field (`instance_id`, `start_time`, `filter`) or `aws`. */
  field: string;
  /** What a person reads. */
  title: string;
  /** Seconds after which trying again makes sense, for `unavailable`. */
  retryAfterSeconds?: number;
}

const RETRY_AFTER_SECONDS = 5;

/** EC2 codes meaning the instance does not exist for these credentials. */
const NOT_FOUND_CODES = new Set([
  "InvalidInstanceID.NotFound",
  "InvalidInstanceID.Malformed",
]);
/** EC2 codes meaning the instance cannot do this now; EC2's message says why. */
const CONFLICT_CODES = new Set([
  "IncorrectInstanceState",
  "UnsupportedOperation",
  "UnsupportedHibernationConfiguration",
  "InsufficientInstanceCapacity",
  "InstanceLimitExceeded",
  // "The instance 'i-…' may not be stopped. Modify its 'disableApiStop'
  // instance attribute and try again": EC2 and moto alike.
  "OperationNotPermitted",
]);
/**
 * Credential problems, named for the operator. EC2's own message is not
 * echoed: UnauthorizedOperation's carries an encoded, privileged policy dump.
 */
const CREDENTIAL_PROBLEMS: Record<string, string> = {
  AuthFailure:
    "EC2 rejected this service's AWS credentials (AuthFailure): check the keys, the clock, and that the region is enabled",
  UnauthorizedOperation:
    "This service's AWS credentials are not allowed to do this (UnauthorizedOperation): check their IAM policy",
  OptInRequired: "The AWS account is not subscribed to EC2 in this region (OptInRequired)",
  InvalidClientTokenId: "EC2 does not know this service's AWS access key (InvalidClientTokenId)",
  SignatureDoesNotMatch:
    "EC2 rejected the request signature (SignatureDoesNotMatch): check AWS_SECRET_ACCESS_KEY",
  ExpiredToken: "This service's AWS session token has expired (ExpiredToken)",
  RequestExpired: "EC2 rejected the request as expired (RequestExpired): check the server clock",
  Blocked: "The AWS account is blocked (Blocked)",
  PendingVerification: "The AWS account is pending verification (PendingVerification)",
};

/** Describes any thrown value; an unknown one is `internal`, its message never shown. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof InstanceNotFoundError) return notFound();
  if (error instanceof StartTimeNotWrittenError) {
    return { kind: "tag_not_written", field: "start_time", title: error.message };
  }
  if (error instanceof ChangeInProgressError) {
    return { kind: "conflict", field: "instance_id", title: error.message };
  }
  if (error instanceof ListingTooLongError) {
    return { kind: "bad_filter", field: "filter", title: error.message };
  }
  if (error instanceof Ec2Error) return fromEc2Error(error);
  // The message names the source and what failed; the sources never put a secret in it.
  if (error instanceof CredentialsError) return aws("unavailable", error.message);
  if (error instanceof Ec2TransportError) return fromTransportError(error);
  return { kind: "internal", field: "internal", title: "Internal error" };
}

function notFound(): Failure {
  return { kind: "not_found", field: "instance_id", title: "instance_id not found" };
}

function aws(kind: FailureKind, title: string): Failure {
  return kind === "unavailable"
    ? { kind, field: "aws", title, retryAfterSeconds: RETRY_AFTER_SECONDS }
    : { kind, field: "aws", title };
}

function fromEc2Error(error: Ec2Error): Failure {
  if (NOT_FOUND_CODES.has(error.code)) return notFound();
  if (CONFLICT_CODES.has(error.code)) {
    return { kind: "conflict", field: "instance_id", title: error.message };
  }
  const credentialProblem = CREDENTIAL_PROBLEMS[error.code];
  if (credentialProblem) return aws("credentials", credentialProblem);
  if (error.status >= 500 || error.status === 429 || THROTTLING_CODES.has(error.code)) {
    return aws("unavailable", `EC2 is unavailable or throttling (${error.code}): try again later`);
  }
  return aws("refused", `EC2 refused the request (${error.code}): ${error.message}`);
}

function fromTransportError(error: Ec2TransportError): Failure {
  switch (error.failure) {
    case "timeout":
      return aws("timeout", "EC2 did not answer in time");
    case "network":
      return aws("unreachable", "Cannot reach EC2");
    case "protocol":
      return error.status !== null && error.status >= 500
        ? aws("unavailable", `EC2 is unavailable (HTTP ${error.status})`)
        : aws("refused", "EC2 answered with something that is not EC2 XML");
  }
}
