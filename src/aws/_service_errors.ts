/**
 * The two shapes every AWS client's failures take: an answer in the
 * service's error envelope, or no usable answer at all. Each client names its
 * own subclasses (`Ec2Error`, `CloudWatchTransportError`, …), so callers tell
 * the services apart with `instanceof`.
 *
 * @module
 */

/** Why no usable answer arrived from an AWS service. */
export type TransportFailure =
  /** The deadline passed before the service answered. */
  | "timeout"
  /** The connection failed: DNS, refused, reset. */
  | "network"
  /** An answer came that is not the service's XML (HTML, truncated, wrong root). */
  | "protocol";

/** An AWS service answered with its error envelope. */
export class AwsServiceError extends Error {
  /** The service's error code, e.g. `InvalidInstanceID.NotFound`, `Throttling`. */
  readonly code: string;
  /** The HTTP status the service answered with. */
  readonly status: number;
  /** The service's request id, or null when the envelope had none. */
  readonly requestId: string | null;

  constructor(
    code: string,
    message: string,
    options: { status: number; requestId?: string | null },
  ) {
    super(message);
    this.code = code;
    this.status = options.status;
    this.requestId = options.requestId ?? null;
  }
}

/** No usable answer came from an AWS service. */
export class AwsTransportError<F extends string = TransportFailure> extends Error {
  /** Why no usable answer arrived. */
  readonly failure: F;
  /** The HTTP status of the unusable answer, when there was one. */
  readonly status: number | null;

  constructor(
    failure: F,
    message: string,
    options: { status?: number | null; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.failure = failure;
    this.status = options.status ?? null;
  }
}
