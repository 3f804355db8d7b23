/**
 * Typed views of the EC2 answers this service reads. Every value is the exact
 * string EC2 sent; nothing here is raw parser output.
 *
 * @module
 */

/** EC2's instance state names, in the order of their codes (0, 16, 32, 48, 64, 80). */
export const INSTANCE_STATES = [
  "pending",
  "running",
  "shutting-down",
  "terminated",
  "stopping",
  "stopped",
] as const;

/**
 * The shape of an EC2 instance id: `i-` and 8 (older) or 17 lowercase hex
 * digits. The routes check ids with it and the OpenAPI document publishes its
 * `source` as the `instance_id` pattern: one definition for both.
 */
export const INSTANCE_ID_PATTERN = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** One of EC2's instance state names. */
export type InstanceStateName = typeof INSTANCE_STATES[number];

/** One instance as DescribeInstances describes it. */
export interface Instance {
  /** The instance id, e.g. `i-0abc1234def567890`. */
  id: string;
  /** EC2's state name; kept as sent even if AWS adds a new one. */
  state: string;
  /** The instance type, e.g. `t3.micro`. */
  type: string;
  /** ISO 8601 launch time as EC2 sent it, or null when absent. */
  launchTime: string | null;
  /** Public DNS name, or null when EC2 gives none or an empty one. */
  publicDnsName: string | null;
  /** Public IPv4 address, or null when EC2 gives none. */
  publicIpAddress: string | null;
  /**
   * The instance's IPv6 address (`ipv6Address`, which EC2 fills from the
   * primary network interface's primary IPv6), or null when it has none.
   * Optional so that callers building an `Instance` by hand need not name it.
   * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html
   */
  ipv6Address?: string | null;
  /** Private IPv4 address, or null when EC2 gives none. */
  privateIpAddress: string | null;
  /** Availability zone, or null when EC2 gives none. */
  availabilityZone: string | null;
  /** Every tag, key to value, strings kept exactly. */
  tags: Record<string, string>;
}

/** One page of a DescribeInstances listing. */
export interface InstancePage {
  /** EC2's request id for this page. */
  requestId: string | null;
  instances: Instance[];
  /** The token for the next page; null when the listing is complete. */
  nextToken: string | null;
}

/** One item of a StartInstances or StopInstances answer. */
export interface StateChange {
  instanceId: string;
  currentState: string;
  previousState: string;
}
