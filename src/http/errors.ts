/**
 * The one place that turns errors into HTTP answers: `{"errors":[{id,title}]}`
 * with the status `behavior.md` gives. Handlers throw; nothing else builds an
 * error response.
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { THROTTLING_CODES } from "../aws/ec2.ts";
import { Ec2Error, Ec2TransportError } from "../aws/ec2_errors.ts";
import { ChangeInProgressError } from "../domain/change_queue.ts";
import {
  InstanceNotFoundError,
  ListingTooLongError,
  StartTimeNotWrittenError,
} from "../domain/instances.ts";

/** The JSON body of every error answer. */
export interface ErrorBody {
  errors: { id: string; title: string }[];
}

/** An error with the HTTP answer it deserves. */
export class ApiError extends Error {
  /** HTTP status. */
  readonly status: ContentfulStatusCode;
  /** What the error is about: a field (`api_key`, `region`) or `aws`. */
  readonly id: string;
  /** Headers the answer carries, e.g. `Allow` or `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    id: string,
    title: string,
    headers: Record<string, string> = {},
  ) {
    super(title);
    this.name = "ApiError";
    this.status = status;
    this.id = id;
    this.headers = headers;
  }

  /** The title shown to the client. */
  get title(): string {
    return this.message;
  }

  /** The JSON answer for this error. */
  toResponse(): Response {
    const body: ErrorBody = { errors: [{ id: this.id, title: this.title }] };
    return new Response(JSON.stringify(body), {
      status: this.status,
      headers: { ...this.headers, "content-type": "application/json" },
    });
  }
}

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

/** Maps any thrown value to the error answer the client gets. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InstanceNotFoundError) return notFound();
  if (error instanceof StartTimeNotWrittenError) {
    return new ApiError(502, "start_time", error.message);
  }
  if (error instanceof ChangeInProgressError) {
    return new ApiError(409, "instance_id", error.message);
  }
  if (error instanceof ListingTooLongError) return new ApiError(422, "filter", error.message);
  if (error instanceof Ec2Error) return fromEc2Error(error);
  if (error instanceof Ec2TransportError) return fromTransportError(error);
  if (error instanceof HTTPException) {
    return new ApiError(
      error.status as ContentfulStatusCode,
      "request",
      error.message || "Bad request",
    );
  }
  return new ApiError(500, "internal", "Internal error");
}

function notFound(): ApiError {
  return new ApiError(404, "instance_id", "instance_id not found");
}

function fromEc2Error(error: Ec2Error): ApiError {
  if (NOT_FOUND_CODES.has(error.code)) return notFound();
  if (CONFLICT_CODES.has(error.code)) {
    return new ApiError(409, "instance_id", error.message);
  }
  const credentialProblem = CREDENTIAL_PROBLEMS[error.code];
  if (credentialProblem) return new ApiError(502, "aws", credentialProblem);
  if (error.status >= 500 || error.status === 429 || THROTTLING_CODES.has(error.code)) {
    return new ApiError(
      503,
      "aws",
      `EC2 is unavailable or throttling (${error.code}): try again later`,
      { "retry-after": "5" },
    );
  }
  return new ApiError(
    502,
    "aws",
    `EC2 refused the request (${error.code}): ${error.message}`,
  );
}

function fromTransportError(error: Ec2TransportError): ApiError {
  switch (error.failure) {
    case "timeout":
      return new ApiError(504, "aws", "EC2 did not answer in time");
    case "network":
      return new ApiError(502, "aws", "Cannot reach EC2");
    case "protocol":
      return error.status !== null && error.status >= 500
        ? new ApiError(503, "aws", `EC2 is unavailable (HTTP ${error.status})`, {
          "retry-after": "5",
        })
        : new ApiError(502, "aws", "EC2 answered with something that is not EC2 XML");
  }
}
