/**
 * EC2's rules for tags: key and value lengths, the reserved `aws:` prefix,
 * and how many tags one resource may hold.
 *
 * @module
 */

import { SimulatedEc2Error } from "./_ec2_errors.ts";

/**
 * How many tags one resource may hold.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions
 */
export const MAX_TAGS_PER_RESOURCE = 50;
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;

/** Throws `InvalidParameterValue` when `key` or `value` breaks EC2's rules for a new tag. */
export function checkTag(key: string, value: string): void {
  if (key === "") {
    throw new SimulatedEc2Error(
      "InvalidParameterValue",
      "Tag key must not be empty",
    );
  }
  if (isReservedKey(key)) throw reservedKey();
  if ([...key].length > MAX_TAG_KEY_LENGTH) {
    throw new SimulatedEc2Error(
      "InvalidParameterValue",
      `Tag key exceeds the maximum length of ${MAX_TAG_KEY_LENGTH} characters`,
    );
  }
  if ([...value].length > MAX_TAG_VALUE_LENGTH) {
    throw new SimulatedEc2Error(
      "InvalidParameterValue",
      `Tag value exceeds the maximum length of ${MAX_TAG_VALUE_LENGTH} characters`,
    );
  }
}

/** Whether `key` starts with the `aws:` prefix reserved for AWS's own tags. */
export function isReservedKey(key: string): boolean {
  return key.toLowerCase().startsWith("aws:");
}

/** `InvalidParameterValue` for a reserved key. */
export function reservedKey(): SimulatedEc2Error {
  return new SimulatedEc2Error(
    "InvalidParameterValue",
    "Tag keys starting with 'aws:' are reserved for internal use",
  );
}
