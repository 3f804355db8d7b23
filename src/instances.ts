/**
 * The domain: what changing an instance's state means (the state change, then
 * the `start_time` tag), and the view of one instance that clients read.
 *
 * @module
 */
import type { CallOptions, Ec2Client, InstanceFilters } from "./ec2/client.ts";
import { Ec2Error } from "./ec2/errors.ts";
import { type Instance, INSTANCE_ID_PATTERN } from "./ec2/types.ts";
import { parseIsoTime } from "./iso_time.ts";

/** The actions a client may ask for, exactly as the original spelled them. */
export const ACTIONS = ["start", "stop", "reboot"] as const;
/** One of {@linkcode ACTIONS}. */
export type InstanceAction = typeof ACTIONS[number];

/** The tag workwork keeps: when the instance was last started or rebooted. */
export const START_TIME_TAG = "start_time";

/** The original's naive UTC form, `2016-02-16T18:04:09.006739`, fraction optional. */

/** What a client reads about one instance. The first five keys are the original's. */
export interface InstanceView {
  public_dns_name: string | null;
  public_ip_address: string | null;
  state: string;
  tags: Record<string, string>;
  type: string;
  id: string;
  name: string | null;
  launch_time: string | null;
  /** Seconds since `start_time` while running; null otherwise or when unknown. */
  uptime_seconds: number | null;
}

/** The instance is not there for these credentials in this region. */
export class InstanceNotFoundError extends Error {
  constructor(instanceId: string) {
    super(`Cannot find instance "${instanceId}"`);
    this.name = "InstanceNotFoundError";
  }
}

/**
 * The state change happened but the `start_time` tag could not be written.
 * The message says both, so the client never takes it for a failed change.
 */
export class StartTimeNotWrittenError extends Error {
  constructor(action: InstanceAction, options: { cause: unknown }) {
    super(
      `The instance accepted "${action}", but its start_time tag could not be written and is out of date`,
      options,
    );
    this.name = "StartTimeNotWrittenError";
  }
}

/** Whether `id` has the form of an EC2 instance id. */
export function isInstanceId(id: string): boolean {
  return INSTANCE_ID_PATTERN.test(id);
}

/** Whether `action` is one of {@linkcode ACTIONS}, compared exactly. */
export function isAction(action: string): action is InstanceAction {
  return (ACTIONS as readonly string[]).includes(action);
}

/** What to change, where, and when. */
export interface ChangeStateRequest {
  region: string;
  instanceId: string;
  action: InstanceAction;
  /** The time written to `start_time` by start and reboot. */
  now: Date;
  /** Stop only: hibernate instead of shutting down (EC2 `Hibernate`). */
  hibernate?: boolean;
  /** Stop only: stop without a clean OS shutdown (EC2 `Force`). */
  force?: boolean;
  /** Ask EC2 whether the change would succeed, changing nothing (EC2 `DryRun`). */
  dryRun?: boolean;
}

/** What {@linkcode changeState} did. */
export interface ChangeOutcome {
  /** True when this was a dry run: nothing changed, no tag was written. */
  dryRun: boolean;
}

/**
 * The code EC2 answers a dry run with when the real call would have succeeded.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
export const DRY_RUN_SUCCESS_CODE = "DryRunOperation";

/**
 * Changes the instance's state, then records it in the `start_time` tag:
 * the time for start and reboot, `""` for stop. The tag is written only after
 * EC2 accepted the change, so it never claims a change that did not happen.
 * A dry run asks EC2 with `DryRun` and writes no tag: EC2's `DryRunOperation`
 * answer means the change would have succeeded; any other error is thrown.
 *
 * @throws {StartTimeNotWrittenError} when the change happened and the tag write failed
 */
export async function changeState(
  ec2: Ec2Client,
  request: ChangeStateRequest,
  options: CallOptions = {},
): Promise<ChangeOutcome> {
  const { region, instanceId, action } = request;
  const ids = [instanceId];
  const call = { ...options, dryRun: request.dryRun };
  try {
    switch (action) {
      case "start":
        await ec2.startInstances(region, ids, call);
        break;
      case "stop":
        await ec2.stopInstances(region, ids, {
          ...call,
          hibernate: request.hibernate,
          force: request.force,
        });
        break;
      case "reboot":
        await ec2.rebootInstances(region, ids, call);
        break;
    }
  } catch (error) {
    if (request.dryRun && error instanceof Ec2Error && error.code === DRY_RUN_SUCCESS_CODE) {
      return { dryRun: true };
    }
    throw error;
  }
  // A dry run that EC2 answered with success was acted on (EC2 ignored the
  // flag), so it is treated as the real change it was: the tag stays true.
  await writeStartTime(ec2, request, options);
  return { dryRun: false };
}

async function writeStartTime(
  ec2: Ec2Client,
  request: ChangeStateRequest,
  options: CallOptions,
): Promise<void> {
  const { region, instanceId, action, now } = request;
  const startTime = action === "stop" ? "" : now.toISOString();
  try {
    await ec2.createTags(region, [instanceId], { [START_TIME_TAG]: startTime }, options);
  } catch (cause) {
    throw new StartTimeNotWrittenError(action, { cause });
  }
}

/**
 * Describes one instance.
 *
 * @throws {InstanceNotFoundError} when EC2 describes no such instance
 */
export async function describeInstance(
  ec2: Ec2Client,
  region: string,
  instanceId: string,
  options: CallOptions = {},
): Promise<Instance> {
  const page = await ec2.describeInstances(region, {
    ...options,
    instanceIds: [instanceId],
  });
  const instance = page.instances.find(({ id }) => id === instanceId);
  if (!instance) throw new InstanceNotFoundError(instanceId);
  return instance;
}

/** DescribeInstances pages per listing at most: 40 pages of 1,000 instances. */
export const MAX_LIST_PAGES = 40;
const PAGE_SIZE = 1000;

/** The listing is longer than {@linkcode MAX_LIST_PAGES} pages. */
export class ListingTooLongError extends Error {
  constructor() {
    super(
      `The listing has more than ${MAX_LIST_PAGES * PAGE_SIZE} instances: narrow it with filters`,
    );
    this.name = "ListingTooLongError";
  }
}

/**
 * Every instance of `region` that matches `filters` (EC2's filter names, e.g.
 * `instance-state-name`, `tag:Name`), following every page. A `nextToken`
 * that is absent or empty ends the listing.
 */
export async function listInstances(
  ec2: Ec2Client,
  region: string,
  filters: InstanceFilters,
  options: CallOptions = {},
): Promise<Instance[]> {
  const instances: Instance[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const answer = await ec2.describeInstances(region, {
      ...options,
      filters,
      maxResults: PAGE_SIZE,
      nextToken,
    });
    instances.push(...answer.instances);
    if (!answer.nextToken) return instances;
    nextToken = answer.nextToken;
  }
  throw new ListingTooLongError();
}

/** The client's view of `instance` at time `now`. */
export function instanceView(instance: Instance, now: Date): InstanceView {
  return {
    public_dns_name: instance.publicDnsName,
    public_ip_address: instance.publicIpAddress,
    state: instance.state,
    tags: instance.tags,
    type: instance.type,
    id: instance.id,
    name: instance.tags.Name ?? null,
    launch_time: instance.launchTime,
    uptime_seconds: uptimeSeconds(instance, now),
  };
}

function uptimeSeconds(instance: Instance, now: Date): number | null {
  if (instance.state !== "running") return null;
  const started = parseStartTime(instance.tags[START_TIME_TAG]);
  if (started === null) return null;
  return Math.max(0, Math.floor((now.getTime() - started) / 1000));
}

/**
 * Reads a `start_time` value in either form: this service's UTC ISO 8601 with
 * `Z`, or the original's naive UTC without a zone. Null for `""` or garbage.
 */
export function parseStartTime(value: string | undefined): number | null {
  return value ? parseIsoTime(value) : null;
}
