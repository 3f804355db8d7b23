/**
 * The failures the simulator reports in EC2's error envelope, with EC2's
 * codes and wording.
 *
 * @module
 */

/** EC2's text for a signature it refuses. */
export const AUTH_FAILURE_MESSAGE = "AWS was not able to validate the provided access credentials";

/** A failure EC2 reports in its error envelope. */
export class SimulatedEc2Error extends Error {
  /** Builds the failure EC2 reports as `code` with `message`. */
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** `MissingParameter`: the request lacks the parameter `name`. */
export function missingParameter(name: string): SimulatedEc2Error {
  return new SimulatedEc2Error(
    "MissingParameter",
    `The request must contain the parameter ${name}`,
  );
}

/** `InvalidInstanceID.Malformed`: `id` is not an instance id. */
export function malformedInstanceId(id: string): SimulatedEc2Error {
  return new SimulatedEc2Error(
    "InvalidInstanceID.Malformed",
    `Invalid id: "${id}"`,
  );
}

/** CreateTags and DeleteTags take any resource id and call a bad one `InvalidID`. */
export function invalidResourceId(id: string): SimulatedEc2Error {
  return new SimulatedEc2Error("InvalidID", `The ID '${id}' is not valid`);
}

/** `InvalidInstanceID.NotFound`, naming every id in `ids`. */
export function instancesNotFound(ids: readonly string[]): SimulatedEc2Error {
  return new SimulatedEc2Error(
    "InvalidInstanceID.NotFound",
    ids.length === 1
      ? `The instance ID '${ids[0]}' does not exist`
      : `The instance IDs '${ids.join(", ")}' do not exist`,
  );
}

/** `IncorrectInstanceState`: instance `id` cannot be `verb` (e.g. "started") now. */
export function incorrectState(id: string, verb: string): SimulatedEc2Error {
  return new SimulatedEc2Error(
    "IncorrectInstanceState",
    `The instance '${id}' is not in a state from which it can be ${verb}.`,
  );
}
