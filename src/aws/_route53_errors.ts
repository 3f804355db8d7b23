/**
 * What can go wrong talking to Route53: an answer in its error envelope, or
 * no usable answer at all.
 *
 * @module
 */
import { AwsServiceError, AwsTransportError, type TransportFailure } from "./_service_errors.ts";

/**
 * Route53 answered with its error envelope
 * (`<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`).
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/CommonErrors.html
 */
export class Route53Error extends AwsServiceError {
  override name = "Route53Error";
  /** `Sender` or `Receiver`, as the envelope's `Type` says; null when absent. */
  readonly type: string | null;

  constructor(
    code: string,
    message: string,
    options: { status: number; type?: string | null; requestId?: string | null },
  ) {
    super(code, message, options);
    this.type = options.type ?? null;
  }
}

/** Why no usable Route53 answer arrived. */
export type Route53Failure = TransportFailure;

/** No usable answer came from Route53. */
export class Route53TransportError extends AwsTransportError {
  override name = "Route53TransportError";
}

/**
 * Codes that mean Route53 turned the request away without acting on it.
 * `PriorRequestNotComplete` answers a change sent while an earlier one to
 * the same zone is still being applied.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html#limits-api-requests
 */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  "Throttling",
  "ThrottlingException",
  "PriorRequestNotComplete",
  "ServiceUnavailable",
  "InternalFailure",
]);

/**
 * The message of the `InvalidChangeBatch` Route53 answers to a DELETE of a
 * record set that is not there:
 * `Tried to delete resource record set [name='a.example.com.', type='A'] but it was not found`.
 */
const NOT_FOUND_ON_DELETE = /Tried to delete resource record set .* but it was not found/;

/** Whether `error` says a DELETE found nothing to delete: the record is already gone. */
export function isAlreadyGone(error: unknown): boolean {
  return error instanceof Route53Error && error.code === "InvalidChangeBatch" &&
    NOT_FOUND_ON_DELETE.test(error.message);
}
