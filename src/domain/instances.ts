/**
 * The domain: what changing an instance's state means (the state change, then
 * the `start_time` tag), and the view of one instance that clients read.
 *
 * @module
 */
import type { CallOptions, Ec2Client, InstanceFilters } from "../aws/ec2.ts";
import { Ec2Error, Ec2TransportError } from "../aws/ec2_errors.ts";
import { type Instance, INSTANCE_ID_PATTERN } from "../aws/ec2_types.ts";
import { parseIsoTime } from "./times.ts";
import type { InstanceChangeQueue } from "./change_queue.ts";
import {
  formatLastChange,
  LAST_CHANGE_TAG,
  type LastChange,
  parseLastChange,
} from "./last_change.ts";
import { heldUntil } from "./holds.ts";
import type { NextAction } from "./plans.ts";

/** The actions a client may ask for, exactly as the original spelled them. */
export const ACTIONS = ["start", "stop", "reboot"] as const;
/** One of {@linkcode ACTIONS}. */
export type InstanceAction = typeof ACTIONS[number];

/** The tag workwork keeps: when the instance was last started or rebooted. */
export const START_TIME_TAG = "start_time";

/** States in which `start_time` must hold a time; in the stopped ones it must be `""`. */
const RUNNING_STATES: ReadonlySet<string> = new Set(["pending", "running"]);
const STOPPED_STATES: ReadonlySet<string> = new Set(["stopping", "stopped"]);
/**
 * Corrections after one change at most: read, correct, read again. A second
 * disagreement is left to the sweep, so a change stays within a bounded
 * number of EC2 calls.
 */
export const MAX_CORRECTIONS = 1;

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
  /** Who last changed the state, how, when: `workwork:last_change`, read strictly; null when absent or unreadable. */
  last_change: LastChange | null;
  /** What the sweep will do next; null when nothing (see `plans.ts`). */
  next: NextAction | null;
  /** The end of an active hold (`workwork:hold_until`), UTC ISO 8601; null when not held. */
  hold_until: string | null;
}

/** What the sweep will do next to an instance, seen at `now`: see `nextAction` in `plans.ts`. */
export type NextPlanner = (instance: Instance, now: Date) => NextAction | null;

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
  /**
   * Who asks (`key ci`, `sweep cron`): recorded in `workwork:last_change`,
   * in the same CreateTags as `start_time`. Without it no record is written.
   */
  by?: string;
}

/** What {@linkcode changeState} did. */
export interface ChangeOutcome {
  /** True when this was a dry run: nothing changed, no tag was written. */
  dryRun: boolean;
}

/** How {@linkcode changeState} orders and times a change. */
export interface ChangeOptions extends CallOptions {
  /** Runs the change only after earlier changes to the same instance in this process. */
  queue?: InstanceChangeQueue;
  /**
   * Read when the change's turn comes (the time start and reboot write) and
   * for each correction. Default: `request.now`.
   */
  clock?: () => Date;
  /** Called with the instance as the read that confirms the change found it (tags and state). */
  onConfirmRead?: (instance: Instance) => void;
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
 * Then the instance is read back and, when a change that overlapped this one
 * left state and tag disagreeing, the tag is corrected (see
 * {@linkcode startTimeCorrection}). With `options.queue`, changes to one
 * instance in this process run one after another.
 * A dry run asks EC2 with `DryRun` and writes no tag: EC2's `DryRunOperation`
 * answer means the change would have succeeded; any other error is thrown.
 *
 * @throws {StartTimeNotWrittenError} when the change happened and the tag write failed
 */
export async function changeState(
  ec2: Ec2Client,
  request: ChangeStateRequest,
  options: ChangeOptions = {},
): Promise<ChangeOutcome> {
  const { queue, clock, onConfirmRead, ...call } = options;
  const change = () => changeNow(ec2, request, call, clock ?? (() => request.now), onConfirmRead);
  return queue ? await queue.run(request, change, call.signal) : await change();
}

async function changeNow(
  ec2: Ec2Client,
  request: ChangeStateRequest,
  options: CallOptions,
  clock: () => Date,
  onRead?: (instance: Instance) => void,
): Promise<ChangeOutcome> {
  const { region, instanceId, action } = request;
  const now = clock();
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
  const written = action === "stop" ? "" : now.toISOString();
  const tags: Record<string, string> = { [START_TIME_TAG]: written };
  if (request.by !== undefined) {
    tags[LAST_CHANGE_TAG] = formatLastChange({ by: request.by, action, at: now });
  }
  try {
    await ec2.createTags(region, ids, tags, options);
  } catch (cause) {
    throw new StartTimeNotWrittenError(action, { cause });
  }
  await confirmStartTime(ec2, { region, instanceId, written }, { ...options, clock, onRead });
  return { dryRun: false };
}

/** What {@linkcode confirmStartTime} checks: the instance and the `start_time` last written. */
export interface StartTimeWrite {
  region: string;
  instanceId: string;
  written: string;
}

/**
 * Reads the instance back after a `start_time` write and, while its state and
 * tag disagree, corrects the tag ({@linkcode MAX_CORRECTIONS} times at most).
 * Costs one DescribeInstances, and a CreateTags and a DescribeInstances per
 * correction. A failed read or correction ends it quietly: the change and
 * its own tag write stand, and the sweep heals what is left.
 *
 * @returns the value `start_time` was last written with
 */
export async function confirmStartTime(
  ec2: Ec2Client,
  write: StartTimeWrite,
  options: CallOptions & { clock: () => Date; onRead?: (instance: Instance) => void },
): Promise<string> {
  const { region, instanceId } = write;
  const { clock, onRead, ...call } = options;
  let written = write.written;
  for (let corrections = 0;; corrections++) {
    let correction;
    try {
      const instance = await describeInstance(ec2, region, instanceId, call);
      onRead?.(instance);
      correction = startTimeCorrection(instance, clock(), written);
      if (correction === null || corrections === MAX_CORRECTIONS) return written;
      await ec2.createTags(region, [instanceId], { [START_TIME_TAG]: correction }, call);
    } catch (error) {
      if (isEc2Failure(error)) return written;
      throw error;
    }
    written = correction;
  }
}

/**
 * The `start_time` that `instance` should carry for its state, or null when
 * it agrees: pending or running need a time, stopping or stopped need `""`.
 * A running instance with `""`, or (given `written`, the time this change
 * wrote) with a time older than `written`, gets `now`: later than every start
 * or reboot EC2 accepted before the read. An instance without the tag is not
 * one workwork tagged, and is left alone; so is a value that is no time.
 */
export function startTimeCorrection(
  instance: Instance,
  now: Date,
  written?: string,
): string | null {
  const value = instance.tags[START_TIME_TAG];
  if (value === undefined) return null;
  if (STOPPED_STATES.has(instance.state)) return value === "" ? null : "";
  if (!RUNNING_STATES.has(instance.state)) return null;
  if (value === "") return now.toISOString();
  const mine = parseStartTime(written);
  const theirs = parseStartTime(value);
  return mine !== null && theirs !== null && theirs < mine ? now.toISOString() : null;
}

function isEc2Failure(error: unknown): boolean {
  return error instanceof Ec2Error || error instanceof Ec2TransportError ||
    error instanceof InstanceNotFoundError;
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

/**
 * The client's view of `instance` at time `now`; `next` asks `planner`
 * (null without one: a region the sweep does not visit).
 */
export function instanceView(
  instance: Instance,
  now: Date,
  planner?: NextPlanner,
): InstanceView {
  const held = heldUntil(instance.tags, now);
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
    last_change: parseLastChange(instance.tags[LAST_CHANGE_TAG], now),
    next: planner?.(instance, now) ?? null,
    hold_until: held === null ? null : new Date(held).toISOString(),
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
