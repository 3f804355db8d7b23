/**
 * What can go wrong talking to EC2: an answer in EC2's error envelope, or no
 * usable answer at all.
 *
 * @module
 */

/** EC2 answered with its error envelope (`<Response><Errors><Error>…`). */
export class Ec2Error extends Error {
  /** EC2's error code, e.g. `InvalidInstanceID.NotFound`. */
  readonly code: string;
  /** The HTTP status EC2 answered with. */
  readonly status: number;
  /** EC2's request id (`RequestID`), or null when the envelope had none. */
  readonly requestId: string | null;

  constructor(
    code: string,
    message: string,
    options: { status: number; requestId?: string | null },
  ) {
    super(message);
    this.name = "Ec2Error";
    this.code = code;
    this.status = options.status;
    this.requestId = options.requestId ?? null;
  }
}

/** Why no usable EC2 answer arrived. */
export type TransportFailure =
  /** The deadline passed before EC2 answered. */
  | "timeout"
  /** The connection failed: DNS, refused, reset. */
  | "network"
  /** An answer came that is not EC2 XML (HTML, truncated, wrong root). */
  | "protocol";

/** No usable answer came from EC2. */
export class Ec2TransportError extends Error {
  /** Why no usable answer arrived. */
  readonly failure: TransportFailure;
  /** The HTTP status of the unusable answer, when there was one. */
  readonly status: number | null;

  constructor(
    failure: TransportFailure,
    message: string,
    options: { status?: number | null; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "Ec2TransportError";
    this.failure = failure;
    this.status = options.status ?? null;
  }
}
