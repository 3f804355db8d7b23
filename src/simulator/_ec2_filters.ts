/**
 * DescribeInstances filters: which fields each filter name compares, with
 * EC2's wildcards (matched in linear work, see `_simulator_wildcard.ts`).
 *
 * @module
 */

import { INSTANCE_STATES, type InstanceStateName } from "../aws/ec2_types.ts";
import { missingParameter, SimulatedEc2Error } from "./_ec2_errors.ts";
import { type InstanceRecord, visiblePublicIp } from "./_ec2_instance.ts";
import { listParam, type Params, structParam } from "./_ec2_request.ts";
import { wildcardMatcher } from "./_wildcard.ts";

/** Whether an instance passes one filter. */
export type InstanceFilter = (record: InstanceRecord) => boolean;

/** What each supported DescribeInstances filter compares against. */
const FILTER_FIELDS = new Map<string, (record: InstanceRecord) => string[]>([
  ["instance-id", (r) => [r.id]],
  ["instance-state-name", (r) => [r.state]],
  ["instance-state-code", (r) => [String(stateCode(r.state))]],
  ["instance-type", (r) => [r.type]],
  ["availability-zone", (r) => [r.availabilityZone]],
  ["image-id", (r) => [r.imageId]],
  ["reservation-id", (r) => [r.reservationId]],
  ["private-ip-address", (r) => [r.privateIpAddress]],
  ["ip-address", (r) => optional(visiblePublicIp(r))],
  ["subnet-id", (r) => [r.subnetId]],
  ["vpc-id", (r) => [r.vpcId]],
  ["tag-key", (r) => [...r.tags.keys()]],
  ["tag-value", (r) => [...r.tags.values()]],
]);

/**
 * `Filter.N.Name` / `Filter.N.Value.M`: values of one filter are ORed,
 * filters are ANDed, `*` and `?` are wildcards and `\` escapes them.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html
 */
export function parseFilters(params: Params): InstanceFilter[] {
  return structParam(params, "Filter").map((filter) => {
    const name = filter.Name;
    if (name === undefined) throw missingParameter("Filter.N.Name");
    const field = name.startsWith("tag:")
      ? (r: InstanceRecord) => optional(r.tags.get(name.slice(4)))
      : FILTER_FIELDS.get(name);
    if (field === undefined) {
      throw new SimulatedEc2Error(
        "InvalidParameterValue",
        `The filter '${name}' is invalid`,
      );
    }
    const patterns = listParam(filter, "Value").map((value) => wildcardMatcher(value));
    if (patterns.length === 0) {
      throw new SimulatedEc2Error(
        "InvalidParameterValue",
        `The filter '${name}' requires at least one value`,
      );
    }
    return (record) => field(record).some((value) => patterns.some((matches) => matches(value)));
  });
}

function stateCode(state: InstanceStateName): number {
  return INSTANCE_STATES.indexOf(state) * 16;
}

function optional(value: string | null | undefined): string[] {
  return value === null || value === undefined ? [] : [value];
}
