/**
 * An in-memory EC2 that speaks the EC2 Query API's wire format: signed form
 * requests in, EC2's XML and error envelope out, per-region state, and state
 * transitions that take time. It backs demo mode and lets tests drive the
 * whole service with no network.
 *
 * Platform-neutral (web APIs only) and timer-free: transitions are computed
 * from the injected clock whenever an instance is looked at. The one timer is
 * the `delay` fault's.
 *
 * @example
 * ```ts
 * const sim = new Ec2Simulator({ instances: demoInstances() });
 * const app = createApp({ fetch: sim.fetch });
 * ```
 *
 * @module
 */

import { isRegionName } from "../aws/endpoints.ts";
import { INSTANCE_ID_PATTERN, INSTANCE_STATES, type InstanceStateName } from "../aws/ec2_types.ts";
import {
  type Answer,
  type Dialect,
  errorAnswer,
  successAnswer,
  toResponse,
} from "./_ec2_answer.ts";
import {
  AUTH_FAILURE_MESSAGE,
  incorrectState,
  instancesNotFound,
  invalidResourceId,
  malformedInstanceId,
  missingParameter,
  SimulatedEc2Error,
} from "./_ec2_errors.ts";
import { faultedAnswer, FaultQueue, type FaultRule } from "./_ec2_faults.ts";
import { parseFilters } from "./_ec2_filters.ts";
import {
  HIBERNATE_REASON,
  instanceDescription,
  type InstanceRecord,
  instanceView,
  isoSeconds,
  SHUTDOWN_REASON,
  type SimulatedInstance,
  type SimulatedInstanceSeed,
  userInitiated,
} from "./_ec2_instance.ts";
import {
  checkCredential,
  checkParameters,
  type Credential,
  decodeNextToken,
  dryRun,
  encodeNextToken,
  listParam,
  type Params,
  parseMaxResults,
  readParams,
  requiredList,
  requiredTagKey,
  structParam,
} from "./_ec2_request.ts";
import { MOTO_UNKNOWN_ACTION_PAGE, motoReservationItem } from "./_ec2_moto_dialect.ts";
import { checkTag, isReservedKey, MAX_TAGS_PER_RESOURCE, reservedKey } from "./_ec2_tags.ts";
import { el, itemSet, reservationItem, stateChangeItem, type XmlElement } from "./_ec2_xml.ts";

export { DEMO_DNS_ZONE, demoInstances } from "./_ec2_demo.ts";
export { FaultGate } from "./_ec2_faults.ts";
export type { Dialect } from "./_ec2_answer.ts";
export type { Fault, FaultRule } from "./_ec2_faults.ts";
export type { SimulatedInstance, SimulatedInstanceSeed } from "./_ec2_instance.ts";

const DEFAULT_TRANSITION_MS = 3000;
/** First octets of ranges EC2 hands public IPv4 addresses out of. */
const PUBLIC_FIRST_OCTETS = [3, 18, 34, 35, 44, 52, 54];

/** The state each transitional state settles into once `transitionMs` has passed. */
const SETTLES_TO: Partial<Record<InstanceStateName, InstanceStateName>> = {
  "pending": "running",
  "stopping": "stopped",
  "shutting-down": "terminated",
};
const STARTABLE = new Set<InstanceStateName>(["pending", "running", "stopped"]);
const STOPPABLE = new Set<InstanceStateName>(["running", "stopping", "stopped"]);

/** How a simulator is built. */
export interface SimulatorOptions {
  /** The instances it starts with; default none. */
  instances?: SimulatedInstanceSeed[];
  /** The clock, in ms since the epoch; default `Date.now`. */
  now?: () => number;
  /**
   * How long pending→running, stopping→stopped and shutting-down→terminated
   * take, in ms; default 3000; 0 settles at once (the answer to the call still
   * names the transitional state, as EC2's does).
   */
  transitionMs?: number;
  /** Source of ids, IP addresses and request ids, in [0, 1); default `Math.random`. */
  random?: () => number;
  /**
   * How answers are written: `"ec2"` (default) as AWS's EC2 writes them,
   * `"moto"` as moto's server does (no `<return>`, its namespace, requestId
   * last, its DescribeInstances layout, an HTML 500 for an unknown action),
   * so in-process tests meet an EC2 dialect the client was not written beside.
   * The state rules stay EC2's in both.
   */
  dialect?: Dialect;
  /**
   * Told when an instance is in `state` from `at` (ms) on: at `add`, on each
   * change and each settling, with the time it took effect. How the
   * CloudWatch simulator's `RunLog` learns when instances ran.
   */
  onStateChange?: (
    region: string,
    instanceId: string,
    state: InstanceStateName,
    at: number,
  ) => void;
}

/** One request the simulator received. */
export interface SimulatorCall {
  /** The `Action` parameter, or "" when missing. */
  action: string;
  /** The region of the signature's credential scope, or "" when there is none. */
  region: string;
  /** Every query and form parameter. */
  params: Record<string, string>;
  /** The HTTP status answered; 0 until answered and when no answer came (reset, abort). */
  status: number;
}

type Children = readonly (XmlElement | undefined)[];

/**
 * An in-memory EC2 for demo mode and tests. Hand its `fetch` to anything that
 * sends signed EC2 Query requests.
 */
export class Ec2Simulator {
  /** Answers one EC2 request; bound, so it can stand in for the global `fetch`. */
  readonly fetch: (
    input: Request | string | URL,
    init?: RequestInit,
  ) => Promise<Response>;
  /** Every request received, in order of arrival, faulted ones included. */
  readonly calls: SimulatorCall[] = [];

  readonly #now: () => number;
  readonly #random: () => number;
  readonly #transitionMs: number;
  readonly #dialect: Dialect;
  readonly #regions = new Map<string, Map<string, InstanceRecord>>();
  readonly #faults = new FaultQueue();
  readonly #onStateChange: SimulatorOptions["onStateChange"];

  /** Builds a simulator holding `options.instances`; throws a `TypeError` on a bad seed. */
  constructor(options: SimulatorOptions = {}) {
    const transitionMs = options.transitionMs ?? DEFAULT_TRANSITION_MS;
    if (!Number.isFinite(transitionMs) || transitionMs < 0) {
      throw new RangeError(
        `Cannot create simulator: transitionMs must be a finite number >= 0, got ${transitionMs}`,
      );
    }
    this.#transitionMs = transitionMs;
    this.#dialect = options.dialect ?? "ec2";
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.fetch = (input, init) => this.#receive(input, init);
    this.#onStateChange = options.onStateChange;
    for (const seed of options.instances ?? []) this.add(seed);
  }

  /**
   * Queues a fault for the next matching call(s). Rules are tried in the order
   * they were injected; the first that matches a call hits it.
   */
  inject(rule: FaultRule): void {
    this.#faults.add(rule);
  }

  /** The instance as it is now, or undefined when `region` has no such instance. */
  instance(region: string, id: string): SimulatedInstance | undefined {
    const record = this.#regions.get(region)?.get(id);
    if (record === undefined) return undefined;
    this.#settle(record);
    return instanceView(record);
  }

  /**
   * Adds an instance. Throws a `TypeError` when the id or region is malformed,
   * or the id already exists in any region (EC2's ids are unique).
   */
  add(seed: SimulatedInstanceSeed): void {
    const { id, region } = seed;
    const state = seed.state ?? "running";
    if (!INSTANCE_ID_PATTERN.test(id)) {
      throw new TypeError(
        `Cannot add instance "${id}": the id is not "i-" and 8 or 17 hex digits`,
      );
    }
    if (!isRegionName(region)) {
      throw new TypeError(
        `Cannot add instance "${id}": invalid region "${region}"`,
      );
    }
    if (!(INSTANCE_STATES as readonly string[]).includes(state)) {
      throw new TypeError(`Cannot add instance "${id}": invalid state "${state}"`);
    }
    const existing = [...this.#regions].find(([, byId]) => byId.has(id));
    if (existing !== undefined) {
      throw new TypeError(
        `Cannot add instance "${id}": it already exists in "${existing[0]}"`,
      );
    }
    const now = this.#now();
    const stopped = state === "stopped" || state === "stopping" ||
      state === "terminated" || state === "shutting-down";
    const record: InstanceRecord = {
      id,
      region,
      type: seed.type ?? "t3.micro",
      imageId: `ami-${this.#hex(17)}`,
      reservationId: `r-${this.#hex(17)}`,
      availabilityZone: seed.availabilityZone ?? `${region}a`,
      privateIpAddress: seed.privateIpAddress ??
        `172.31.${this.#int(64)}.${4 + this.#int(250)}`,
      ipv6Address: seed.ipv6Address ?? null,
      subnetId: `subnet-${this.#hex(17)}`,
      vpcId: `vpc-${this.#hex(17)}`,
      securityGroupId: `sg-${this.#hex(17)}`,
      volumeId: `vol-${this.#hex(17)}`,
      hibernationConfigured: seed.hibernationConfigured ?? false,
      tags: new Map(Object.entries(seed.tags ?? {})),
      state,
      since: now,
      launchTime: seed.launchTime ?? isoSeconds(now),
      publicIpAddress: stopped ? null : this.#publicIp(),
      reason: stopped ? userInitiated(now) : "",
      stateReason: stopped ? SHUTDOWN_REASON : null,
      reboots: 0,
    };
    this.#instancesIn(region).set(id, record);
    // A seed running since its launch time ran from then on.
    const launched = Date.parse(record.launchTime);
    const since = state === "running" && launched <= now ? launched : now;
    this.#onStateChange?.(region, id, state, since);
  }

  async #receive(
    input: Request | string | URL,
    init?: RequestInit,
  ): Promise<Response> {
    const request = new Request(input, init);
    request.signal.throwIfAborted();
    const params = await readParams(request);
    const credential = checkCredential(
      request.headers,
      new URL(request.url).searchParams,
    );
    const call: SimulatorCall = {
      action: params.Action ?? "",
      region: credential.region ?? "",
      params,
      status: 0,
    };
    this.calls.push(call);
    const rule = this.#faults.take(call.action);
    const process = () => this.#answer(params, credential);
    const answer = rule === undefined ? process() : await faultedAnswer(rule, process, {
      signal: request.signal,
      action: call.action,
      randomInt: (n) => this.#int(n),
      requestId: () => this.#uuid(),
      dialect: this.#dialect,
    });
    call.status = answer.status;
    return toResponse(answer, this.#now());
  }

  #answer(params: Params, credential: Credential): Answer {
    const requestId = this.#uuid();
    try {
      if (credential.problem !== null || credential.region === null) {
        throw new SimulatedEc2Error(
          "AuthFailure",
          credential.problem ?? AUTH_FAILURE_MESSAGE,
        );
      }
      const action = params.Action;
      if (!action) {
        throw new SimulatedEc2Error(
          "MissingAction",
          "The request is missing an action or a required parameter.",
        );
      }
      if (!params.Version) throw missingParameter("Version");
      // moto ignores what it does not know; EC2 refuses it.
      if (this.#dialect === "ec2") checkParameters(action, params);
      const body = this.#perform(action, credential.region, params);
      if (body === undefined && this.#dialect === "moto") return motoUnknownAction();
      if (body === undefined) {
        throw new SimulatedEc2Error(
          "InvalidAction",
          `The action ${action} is not valid for this web service.`,
        );
      }
      return successAnswer(action, requestId, body, this.#dialect);
    } catch (error) {
      if (!(error instanceof SimulatedEc2Error)) throw error;
      return errorAnswer(error, requestId, { dialect: this.#dialect });
    }
  }

  #perform(
    action: string,
    region: string,
    params: Params,
  ): Children | undefined {
    switch (action) {
      case "DescribeInstances":
        return this.#describeInstances(region, params);
      case "StartInstances":
        return this.#startInstances(region, params);
      case "StopInstances":
        return this.#stopInstances(region, params);
      case "RebootInstances":
        return this.#rebootInstances(region, params);
      case "CreateTags":
        return this.#createTags(region, params);
      case "DeleteTags":
        return this.#deleteTags(region, params);
      default:
        return undefined;
    }
  }

  /** @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html */
  #describeInstances(region: string, params: Params): Children {
    const ids = listParam(params, "InstanceId");
    if (ids.length > 0 && params.MaxResults !== undefined) {
      throw new SimulatedEc2Error(
        "InvalidParameterCombination",
        "The parameter instancesSet cannot be used with the parameter maxResults",
      );
    }
    const limit = params.MaxResults === undefined ? Infinity : parseMaxResults(params.MaxResults);
    const filters = parseFilters(params);
    const chosen = ids.length > 0
      ? this.#lookup(region, ids, malformedInstanceId)
      : [...this.#instancesIn(region).values()];
    const offset = params.NextToken ? decodeNextToken(params.NextToken, region) : 0;
    dryRun(params);
    const matching = chosen.filter((record) => {
      this.#settle(record);
      return filters.every((matches) => matches(record));
    });
    const page = matching.slice(offset, offset + limit);
    const end = offset + page.length;
    return [
      itemSet(
        "reservationSet",
        page.map((record) =>
          (this.#dialect === "moto" ? motoReservationItem : reservationItem)(
            instanceDescription(record),
          )
        ),
      ),
      end < matching.length ? el("nextToken", encodeNextToken(end, region)) : undefined,
    ];
  }

  /** @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StartInstances.html */
  #startInstances(region: string, params: Params): Children {
    const instances = this.#lookup(region, requiredList(params, "InstanceId"), malformedInstanceId);
    const stuck = instances.find((record) => !STARTABLE.has(record.state));
    if (stuck !== undefined) throw incorrectState(stuck.id, "started");
    dryRun(params);
    return [itemSet(
      "instancesSet",
      instances.map((record) => {
        const previous = record.state;
        if (previous === "stopped") {
          this.#enter(record, "pending");
          record.publicIpAddress = this.#publicIp();
          record.launchTime = isoSeconds(record.since);
          record.reason = "";
          record.stateReason = null;
        }
        return stateChangeItem(record.id, record.state, previous);
      }),
    )];
  }

  /** @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StopInstances.html */
  #stopInstances(region: string, params: Params): Children {
    const instances = this.#lookup(region, requiredList(params, "InstanceId"), malformedInstanceId);
    const stuck = instances.find((record) => !STOPPABLE.has(record.state));
    if (stuck !== undefined) throw incorrectState(stuck.id, "stopped");
    const hibernate = params.Hibernate === "true";
    const unprepared = instances.find((record) => !record.hibernationConfigured);
    if (hibernate && unprepared !== undefined) {
      throw new SimulatedEc2Error(
        "UnsupportedHibernationConfiguration",
        `The instance ${unprepared.id} does not have hibernation configured. Hibernation must be enabled when the instance is launched.`,
      );
    }
    dryRun(params);
    return [itemSet(
      "instancesSet",
      instances.map((record) => {
        const previous = record.state;
        if (previous === "running") {
          this.#enter(record, "stopping");
          record.publicIpAddress = null;
          record.reason = userInitiated(record.since);
          record.stateReason = hibernate ? HIBERNATE_REASON : SHUTDOWN_REASON;
        }
        return stateChangeItem(record.id, record.state, previous);
      }),
    )];
  }

  /** @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RebootInstances.html */
  #rebootInstances(region: string, params: Params): Children {
    const instances = this.#lookup(region, requiredList(params, "InstanceId"), malformedInstanceId);
    const stuck = instances.find((record) => record.state !== "running");
    if (stuck !== undefined) throw incorrectState(stuck.id, "rebooted");
    dryRun(params);
    for (const record of instances) record.reboots += 1;
    return [el("return", true)];
  }

  /** @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html */
  #createTags(region: string, params: Params): Children {
    const instances = this.#lookup(region, requiredList(params, "ResourceId"), invalidResourceId);
    const tags = structParam(params, "Tag").map((tag) =>
      [requiredTagKey(tag), tag.Value ?? ""] as const
    );
    if (tags.length === 0) throw missingParameter("Tag");
    for (const [key, value] of tags) checkTag(key, value);
    const full = instances.find((record) =>
      new Set([...record.tags.keys(), ...tags.map(([key]) => key)]).size >
        MAX_TAGS_PER_RESOURCE
    );
    if (full !== undefined) {
      throw new SimulatedEc2Error(
        "TagLimitExceeded",
        `The maximum number of Tags for a resource has been reached (${full.id}).`,
      );
    }
    dryRun(params);
    for (const record of instances) {
      for (const [key, value] of tags) record.tags.set(key, value);
    }
    return [el("return", true)];
  }

  /**
   * With no `Tag.N` at all, every user tag goes, as on EC2; a `Tag.N.Value`
   * (even "") deletes the tag only when the value matches.
   * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteTags.html
   */
  #deleteTags(region: string, params: Params): Children {
    const instances = this.#lookup(region, requiredList(params, "ResourceId"), invalidResourceId);
    const wanted = structParam(params, "Tag").map((tag) => ({
      key: requiredTagKey(tag),
      value: tag.Value,
    }));
    const reserved = wanted.find(({ key }) => isReservedKey(key));
    if (reserved !== undefined) throw reservedKey();
    dryRun(params);
    for (const { tags } of instances) {
      if (wanted.length === 0) {
        for (const key of tags.keys()) if (!isReservedKey(key)) tags.delete(key);
      }
      for (const { key, value } of wanted) {
        if (value === undefined || tags.get(key) === value) tags.delete(key);
      }
    }
    return [el("return", true)];
  }

  /**
   * The instances named by `ids` in `region`, in the order asked, settled.
   * One unknown id fails the whole call, naming every unknown id.
   */
  #lookup(
    region: string,
    ids: readonly string[],
    malformed: (id: string) => SimulatedEc2Error,
  ): InstanceRecord[] {
    const bad = ids.find((id) => !INSTANCE_ID_PATTERN.test(id));
    if (bad !== undefined) throw malformed(bad);
    const known = this.#instancesIn(region);
    const unique = [...new Set(ids)];
    const missing = unique.filter((id) => !known.has(id));
    if (missing.length > 0) throw instancesNotFound(missing);
    return unique.flatMap((id) => {
      const record = known.get(id);
      if (record === undefined) return [];
      this.#settle(record);
      return [record];
    });
  }

  #instancesIn(region: string): Map<string, InstanceRecord> {
    let instances = this.#regions.get(region);
    if (instances === undefined) {
      instances = new Map();
      this.#regions.set(region, instances);
    }
    return instances;
  }

  #enter(record: InstanceRecord, state: InstanceStateName): void {
    record.state = state;
    record.since = this.#now();
    this.#onStateChange?.(record.region, record.id, state, record.since);
  }

  /** Moves a transitional state on once `transitionMs` has passed since it was entered. */
  #settle(record: InstanceRecord): void {
    const next = SETTLES_TO[record.state];
    if (next !== undefined && this.#now() - record.since >= this.#transitionMs) {
      record.state = next;
      record.since += this.#transitionMs;
      this.#onStateChange?.(record.region, record.id, next, record.since);
    }
  }

  #int(n: number): number {
    return Math.min(n - 1, Math.floor(this.#random() * n));
  }

  #hex(length: number): string {
    return Array.from({ length }, () => this.#int(16).toString(16)).join("");
  }

  #uuid(): string {
    const hex = this.#hex(32);
    const variant = "89ab"[this.#int(4)];
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${
      hex.slice(17, 20)
    }-${hex.slice(20)}`;
  }

  #publicIp(): string {
    const first = PUBLIC_FIRST_OCTETS[this.#int(PUBLIC_FIRST_OCTETS.length)];
    return `${first}.${this.#int(256)}.${this.#int(256)}.${1 + this.#int(254)}`;
  }
}

/** What moto answers an action it does not know: Werkzeug's HTML page, HTTP 500. */
function motoUnknownAction(): Answer {
  return {
    status: 500,
    body: MOTO_UNKNOWN_ACTION_PAGE,
    contentType: "text/html; charset=utf-8",
    requestId: null,
  };
}
