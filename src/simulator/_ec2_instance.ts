/**
 * One simulated instance: the seed it starts from, the record the simulator
 * keeps, and the two ways it is shown (to tests, and to DescribeInstances),
 * with EC2's formats for its names, times and reasons.
 *
 * @module
 */

import { partitionSuffix } from "../aws/endpoints.ts";
import { type InstanceStateName } from "../aws/ec2_types.ts";
import { type InstanceDescription } from "./_ec2_xml.ts";

/** `stateReason` of an instance stopped the ordinary way. */
export const SHUTDOWN_REASON = [
  "Client.UserInitiatedShutdown",
  "Client.UserInitiatedShutdown: User initiated shutdown",
] as const;
/** `stateReason` of an instance stopped with `Hibernate`. */
export const HIBERNATE_REASON = [
  "Client.UserInitiatedHibernate",
  "Client.UserInitiatedHibernate: User initiated hibernate",
] as const;

/** One instance the simulator starts with. */
export interface SimulatedInstanceSeed {
  /** The instance id: `i-` and 8 or 17 lowercase hex digits. */
  id: string;
  /** The region the instance lives in; only requests signed for it see it. */
  region: string;
  /** The instance type; default `t3.micro`. */
  type?: string;
  /** The starting state; default `running`. A transitional state settles after `transitionMs`. */
  state?:
    | "running"
    | "stopped"
    | "pending"
    | "stopping"
    | "shutting-down"
    | "terminated";
  /** User tags, key to value. */
  tags?: Record<string, string>;
  /** ISO 8601 launch time; default the clock's now, to the second. */
  launchTime?: string;
  /** Private IPv4; default a random one in 172.31.0.0/16. */
  privateIpAddress?: string;
  /** Availability zone; default the region's `a` zone. */
  availabilityZone?: string;
  /** IPv6 of its primary network interface; kept across stop and start, as on AWS. Default none. */
  ipv6Address?: string;
  /** Whether StopInstances may hibernate it; default false. */
  hibernationConfigured?: boolean;
}

/** What the simulator knows about one instance, with its state resolved by the clock. */
export interface SimulatedInstance {
  readonly id: string;
  readonly region: string;
  readonly type: string;
  readonly state: InstanceStateName;
  readonly tags: Readonly<Record<string, string>>;
  readonly launchTime: string;
  readonly availabilityZone: string;
  readonly privateIpAddress: string;
  /** Public IPv4 while running, else null. */
  readonly publicIpAddress: string | null;
  /** IPv6 address, or null when it has none. */
  readonly ipv6Address: string | null;
  /** Public DNS name while running, else null. */
  readonly publicDnsName: string | null;
  readonly hibernationConfigured: boolean;
  /** How many RebootInstances calls it has accepted. */
  readonly reboots: number;
}

/** What the simulator keeps about one instance; `state` is settled lazily by the clock. */
export interface InstanceRecord {
  readonly id: string;
  readonly region: string;
  readonly type: string;
  readonly imageId: string;
  readonly reservationId: string;
  readonly availabilityZone: string;
  readonly privateIpAddress: string;
  /** IPv6 of the primary network interface, or null; it stays with the instance. */
  readonly ipv6Address: string | null;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly securityGroupId: string;
  readonly volumeId: string;
  readonly hibernationConfigured: boolean;
  readonly tags: Map<string, string>;
  state: InstanceStateName;
  /** When `state` was entered, ms since the epoch. */
  since: number;
  launchTime: string;
  /** Assigned on every start, released on stop; shown only while running. */
  publicIpAddress: string | null;
  reason: string;
  stateReason: readonly [code: string, message: string] | null;
  reboots: number;
}

/** What tests see of `record`, as it is now. */
export function instanceView(record: InstanceRecord): SimulatedInstance {
  const publicIp = visiblePublicIp(record);
  return {
    id: record.id,
    region: record.region,
    type: record.type,
    state: record.state,
    tags: Object.fromEntries(record.tags),
    launchTime: record.launchTime,
    availabilityZone: record.availabilityZone,
    privateIpAddress: record.privateIpAddress,
    publicIpAddress: publicIp,
    ipv6Address: record.ipv6Address,
    publicDnsName: publicIp === null ? null : publicDnsName(record.region, publicIp),
    hibernationConfigured: record.hibernationConfigured,
    reboots: record.reboots,
  };
}

/** What DescribeInstances says about `record`. */
export function instanceDescription(record: InstanceRecord): InstanceDescription {
  const publicIp = visiblePublicIp(record);
  return {
    id: record.id,
    reservationId: record.reservationId,
    imageId: record.imageId,
    state: record.state,
    reason: record.reason,
    stateReasonCode: record.stateReason?.[0] ?? null,
    stateReasonMessage: record.stateReason?.[1] ?? null,
    type: record.type,
    launchTime: record.launchTime,
    availabilityZone: record.availabilityZone,
    privateIpAddress: record.privateIpAddress,
    privateDnsName: privateDnsName(record.region, record.privateIpAddress),
    publicIpAddress: publicIp,
    ipv6Address: record.ipv6Address,
    publicDnsName: publicIp === null ? "" : publicDnsName(record.region, publicIp),
    subnetId: record.subnetId,
    vpcId: record.vpcId,
    securityGroupId: record.securityGroupId,
    volumeId: record.volumeId,
    hibernationConfigured: record.hibernationConfigured,
    tags: [...record.tags],
  };
}

/** The public IPv4 of `record`, shown only while it is running. */
export function visiblePublicIp(record: InstanceRecord): string | null {
  return record.state === "running" ? record.publicIpAddress : null;
}

/** @see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-hostnames */
function publicDnsName(region: string, ip: string): string {
  const host = `ec2-${ip.replaceAll(".", "-")}`;
  return region === "us-east-1"
    ? `${host}.compute-1.amazonaws.com`
    : `${host}.${region}.compute.${partitionSuffix(region)}`;
}

function privateDnsName(region: string, ip: string): string {
  const host = `ip-${ip.replaceAll(".", "-")}`;
  return region === "us-east-1" ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

/** ISO 8601 to the second with `.000Z`, as EC2 writes `launchTime`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** EC2's `reason` text, e.g. `User initiated (2016-02-16 18:04:09 GMT)`. */
export function userInitiated(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `User initiated (${iso.slice(0, 10)} ${iso.slice(11, 19)} GMT)`;
}
