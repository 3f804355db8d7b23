/**
 * What can go wrong talking to EC2: an answer in EC2's error envelope, or no
 * usable answer at all.
 *
 * @module
 */
import { AwsServiceError, AwsTransportError } from "./_service_errors.ts";

export type { TransportFailure } from "./_service_errors.ts";

/**
 * EC2 answered with its error envelope (`<Response><Errors><Error>…`): `code`
 * is EC2's, e.g. `InvalidInstanceID.NotFound`; `requestId` its `RequestID`.
 */
export class Ec2Error extends AwsServiceError {
  override name = "Ec2Error";
}

/** No usable answer came from EC2. */
export class Ec2TransportError extends AwsTransportError {
  override name = "Ec2TransportError";
}
