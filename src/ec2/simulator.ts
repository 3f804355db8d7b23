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

import { isRegionName, partitionSuffix } from "./endpoints.ts";
import { INSTANCE_STATES, type InstanceStateName } from "./types.ts";
import {
  el,
  errorXml,
  type InstanceDescription,
  itemSet,
  reservationItem,
  stateChangeItem,
  successXml,
  type XmlElement,
} from "./_simulator_xml.ts";

const DEFAULT_TRANSITION_MS = 3000;
const XML_CONTENT_TYPE = "text/xml;charset=UTF-8";
/** `i-` and 8 (older) or 17 hex digits. */
const INSTANCE_ID_PATTERN = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SIGV4_HEADER =
  /^AWS4-HMAC-SHA256 Credential=([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]{64})$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
const AMZ_DATE_PATTERN = /^\d{8}T\d{6}Z$/;
const AUTH_FAILURE_MESSAGE = "AWS was not able to validate the provided access credentials";
const DRY_RUN_MESSAGE = "Request would have succeeded, but DryRun flag is set.";
/** @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions */
const MAX_TAGS_PER_RESOURCE = 50;
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;
/** @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html */
const MIN_MAX_RESULTS = 5;
const MAX_MAX_RESULTS = 1000;

/**
 * HTTP status of the error codes that are not 400.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
const ERROR_STATUS: Readonly<Record<string, number>> = {
  AuthFailure: 401,
  UnauthorizedOperation: 403,
  DryRunOperation: 412,
  RequestLimitExceeded: 503,
  Unavailable: 503,
  ServiceUnavailable: 503,
  InternalError: 500,
  InternalFailure: 500,
  InsufficientInstanceCapacity: 500,
};
const CLIENT_ERROR_STATUS = 400;

/** What EC2 says with the codes a test is most likely to inject. */
const FAULT_MESSAGES: Readonly<Record<string, string>> = {
  AuthFailure: AUTH_FAILURE_MESSAGE,
  RequestLimitExceeded: "Request limit exceeded.",
  InternalError: "An internal error has occurred.",
  Unavailable: "The server is overloaded and can't handle the request.",
  InsufficientInstanceCapacity:
    "We currently do not have sufficient capacity in the Availability Zone you requested.",
  OptInRequired:
    "You are not subscribed to this service. Please go to http://aws.amazon.com to subscribe.",
};

/** The state each transitional state settles into once `transitionMs` has passed. */
const SETTLES_TO: Partial<Record<InstanceStateName, InstanceStateName>> = {
  "pending": "running",
  "stopping": "stopped",
  "shutting-down": "terminated",
};
const STARTABLE = new Set<InstanceStateName>(["pending", "running", "stopped"]);
const STOPPABLE = new Set<InstanceStateName>(["running", "stopping", "stopped"]);

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
  /** Whether StopInstances may hibernate it; default false. */
  hibernationConfigured?: boolean;
}

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
}

/** What an injected fault does to the call it hits. */
export type Fault =
  /** Answer with EC2's error envelope; `status` defaults from EC2's table of codes, `message` from EC2's text. */
  | { kind: "error"; code: string; status?: number; message?: string }
  /** Answer with a raw response, e.g. a 503 HTML page or a 200 that is not XML. */
  | { kind: "status"; status: number; body?: string; contentType?: string }
  /** Wait `ms` (honouring the request's abort signal), then answer normally. */
  | { kind: "delay"; ms: number }
  /** Answer normally, but with the body cut in half. */
  | { kind: "truncate" }
  /** Reject like a network failure: `TypeError("connection reset")`. */
  | { kind: "reset" };

/** A queued fault and the calls it hits. */
export interface FaultRule {
  /** The action it hits, e.g. `CreateTags`; undefined hits any action. */
  action?: string;
  /** How many matching calls it hits; default 1. */
  times?: number;
  /** What it does to them. */
  fault: Fault;
  /**
   * `"before"` (default): the fault strikes before EC2 processes the call, so
   * an `error`, `status` or `reset` call changes nothing. `"after"`: the call
   * is processed (the state change happens) and then the answer is replaced
   * or delayed: the "outcome unknown" case. `truncate` always processes.
   */
  when?: "before" | "after";
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
  /** Public DNS name while running, else null. */
  readonly publicDnsName: string | null;
  readonly hibernationConfigured: boolean;
  /** How many RebootInstances calls it has accepted. */
  readonly reboots: number;
}

type Params = Readonly<Record<string, string>>;
type Children = readonly (XmlElement | undefined)[];

interface InstanceRecord {
  readonly id: string;
  readonly region: string;
  readonly type: string;
  readonly imageId: string;
  readonly reservationId: string;
  readonly availabilityZone: string;
  readonly privateIpAddress: string;
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

interface Answer {
  status: number;
  body: string;
  contentType: string | null;
  requestId: string | null;
}

interface QueuedFault {
  readonly action: string | undefined;
  readonly fault: Fault;
  readonly when: "before" | "after";
  remaining: number;
}

/** A failure EC2 reports in its error envelope. */
class SimulatedEc2Error extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

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
  readonly #regions = new Map<string, Map<string, InstanceRecord>>();
  readonly #faults: QueuedFault[] = [];

  /** Builds a simulator holding `options.instances`; throws a `TypeError` on a bad seed. */
  constructor(options: SimulatorOptions = {}) {
    const transitionMs = options.transitionMs ?? DEFAULT_TRANSITION_MS;
    if (!Number.isFinite(transitionMs) || transitionMs < 0) {
      throw new RangeError(
        `Cannot create simulator: transitionMs must be a finite number >= 0, got ${transitionMs}`,
      );
    }
    this.#transitionMs = transitionMs;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.fetch = (input, init) => this.#receive(input, init);
    for (const seed of options.instances ?? []) this.add(seed);
  }

  /**
   * Queues a fault for the next matching call(s). Rules are tried in the order
   * they were injected; the first that matches a call hits it.
   */
  inject(rule: FaultRule): void {
    const times = rule.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(
        `Cannot inject fault: times must be an integer >= 1, got ${times}`,
      );
    }
    const { fault } = rule;
    if (
      (fault.kind === "status" || fault.kind === "error") &&
      fault.status !== undefined &&
      !(Number.isInteger(fault.status) && fault.status >= 200 &&
        fault.status <= 599)
    ) {
      throw new RangeError(
        `Cannot inject fault: status must be 200 to 599, got ${fault.status}`,
      );
    }
    if (fault.kind === "delay" && !(fault.ms >= 0)) {
      throw new RangeError(
        `Cannot inject fault: delay must be >= 0 ms, got ${fault.ms}`,
      );
    }
    this.#faults.push({
      action: rule.action,
      fault,
      when: rule.when ?? "before",
      remaining: times,
    });
  }

  /** The instance as it is now, or undefined when `region` has no such instance. */
  instance(region: string, id: string): SimulatedInstance | undefined {
    const record = this.#regions.get(region)?.get(id);
    if (record === undefined) return undefined;
    this.#settle(record);
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
      publicDnsName: publicIp === null ? null : publicDnsName(record.region, publicIp),
      hibernationConfigured: record.hibernationConfigured,
      reboots: record.reboots,
    };
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
    const rule = this.#takeFault(call.action);
    const process = () => this.#answer(params, credential);
    const answer = rule === undefined ? process() : await this.#faulted(rule, process, {
      signal: request.signal,
      action: call.action,
    });
    call.status = answer.status;
    return toResponse(answer, this.#now());
  }

  #takeFault(action: string): QueuedFault | undefined {
    const index = this.#faults.findIndex((rule) =>
      rule.action === undefined || rule.action === action
    );
    if (index === -1) return undefined;
    const rule = this.#faults[index];
    rule.remaining -= 1;
    if (rule.remaining === 0) this.#faults.splice(index, 1);
    return rule;
  }

  async #faulted(
    rule: QueuedFault,
    process: () => Answer,
    { signal, action }: { signal: AbortSignal; action: string },
  ): Promise<Answer> {
    const { fault } = rule;
    const processed = rule.when === "after" || fault.kind === "truncate" ? process() : undefined;
    switch (fault.kind) {
      case "delay":
        await sleep(fault.ms, signal);
        return processed ?? process();
      case "truncate": {
        const answer = processed ?? process();
        return { ...answer, body: answer.body.slice(0, answer.body.length >> 1) };
      }
      case "reset":
        throw new TypeError("connection reset");
      case "status": {
        const body = fault.body ?? "";
        return {
          status: fault.status,
          body,
          contentType: fault.contentType ??
            (body.trimStart().startsWith("<")
              ? "text/html;charset=UTF-8"
              : "text/plain;charset=UTF-8"),
          requestId: null,
        };
      }
      case "error":
        return this.#errorAnswer(
          new SimulatedEc2Error(
            fault.code,
            fault.message ?? this.#faultMessage(fault.code, action),
          ),
          fault.status,
        );
    }
  }

  #faultMessage(code: string, action: string): string {
    if (code !== "UnauthorizedOperation") {
      return FAULT_MESSAGES[code] ?? "The request could not be completed.";
    }
    const encoded = Array.from(
      { length: 344 },
      () => BASE64_ALPHABET[this.#int(BASE64_ALPHABET.length)],
    ).join("");
    return `You are not authorized to perform this operation. User: arn:aws:iam::012345678901:user/workwork is not authorized to perform: ec2:${action} because no identity-based policy allows the ec2:${action} action. Encoded authorization failure message: ${encoded}`;
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
      const body = this.#perform(action, credential.region, params);
      if (body === undefined) {
        throw new SimulatedEc2Error(
          "InvalidAction",
          `The action ${action} is not valid for this web service.`,
        );
      }
      return {
        status: 200,
        body: successXml(action, requestId, body),
        contentType: XML_CONTENT_TYPE,
        requestId,
      };
    } catch (error) {
      if (!(error instanceof SimulatedEc2Error)) throw error;
      return this.#errorAnswer(error, undefined, requestId);
    }
  }

  #errorAnswer(
    error: SimulatedEc2Error,
    status = ERROR_STATUS[error.code] ?? CLIENT_ERROR_STATUS,
    requestId = this.#uuid(),
  ): Answer {
    return {
      status,
      body: errorXml(error.code, error.message, requestId),
      contentType: XML_CONTENT_TYPE,
      requestId,
    };
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
        page.map((record) => reservationItem(this.#describe(record))),
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
  }

  /** Moves a transitional state on once `transitionMs` has passed since it was entered. */
  #settle(record: InstanceRecord): void {
    const next = SETTLES_TO[record.state];
    if (next !== undefined && this.#now() - record.since >= this.#transitionMs) {
      record.state = next;
      record.since += this.#transitionMs;
    }
  }

  #describe(record: InstanceRecord): InstanceDescription {
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
      publicDnsName: publicIp === null ? "" : publicDnsName(record.region, publicIp),
      subnetId: record.subnetId,
      vpcId: record.vpcId,
      securityGroupId: record.securityGroupId,
      volumeId: record.volumeId,
      hibernationConfigured: record.hibernationConfigured,
      tags: [...record.tags],
    };
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

/** First octets of ranges EC2 hands public IPv4 addresses out of. */
const PUBLIC_FIRST_OCTETS = [3, 18, 34, 35, 44, 52, 54];
const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const SHUTDOWN_REASON = [
  "Client.UserInitiatedShutdown",
  "Client.UserInitiatedShutdown: User initiated shutdown",
] as const;
const HIBERNATE_REASON = [
  "Client.UserInitiatedHibernate",
  "Client.UserInitiatedHibernate: User initiated hibernate",
] as const;

/**
 * A few instances in us-west-2 and eu-central-1 for demo mode: realistic
 * names, types and ids, some running (with a `start_time` tag, as this
 * service writes it) and some stopped. Times are relative to `now`.
 */
export function demoInstances(now: number = Date.now()): SimulatedInstanceSeed[] {
  const hoursAgo = (hours: number) => isoSeconds(now - hours * 3_600_000);
  const startTime = (hours: number) => new Date(now - hours * 3_600_000).toISOString();
  return [
    {
      id: "i-0a1b2c3d4e5f60718",
      region: "us-west-2",
      type: "t3.medium",
      state: "running",
      tags: { Name: "dev-box", owner: "platform", start_time: startTime(2) },
      launchTime: hoursAgo(2),
      availabilityZone: "us-west-2a",
      privateIpAddress: "172.31.21.47",
    },
    {
      id: "i-0b2c3d4e5f6071829",
      region: "us-west-2",
      type: "c5.xlarge",
      state: "stopped",
      tags: { Name: "game-server", start_time: "" },
      launchTime: hoursAgo(30),
      availabilityZone: "us-west-2b",
      privateIpAddress: "172.31.37.112",
      hibernationConfigured: true,
    },
    {
      id: "i-0c3d4e5f607182930",
      region: "us-west-2",
      type: "t2.nano",
      state: "running",
      tags: { Name: "demo", start_time: startTime(0.25) },
      launchTime: hoursAgo(0.25),
      availabilityZone: "us-west-2c",
      privateIpAddress: "172.31.4.9",
    },
    {
      id: "i-0d4e5f60718293a4b",
      region: "eu-central-1",
      type: "m5.large",
      state: "stopped",
      tags: { Name: "build-runner", team: "ci" },
      launchTime: hoursAgo(72),
      availabilityZone: "eu-central-1a",
      privateIpAddress: "172.31.12.200",
    },
    {
      id: "i-0e5f60718293a4b5c",
      region: "eu-central-1",
      type: "t3.micro",
      state: "running",
      tags: { Name: "demo", start_time: startTime(5) },
      launchTime: hoursAgo(5),
      availabilityZone: "eu-central-1b",
      privateIpAddress: "172.31.40.18",
    },
  ];
}

interface Credential {
  /** The region of the credential scope, when one could be read. */
  region: string | null;
  /** Why the signature is refused, or null when its shape is right. */
  problem: string | null;
}

/**
 * Checks the shape of the SigV4 signature, in the `Authorization` header or
 * presigned in the query; the secret is unknown, so the signature itself
 * cannot be verified.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html
 */
function checkCredential(headers: Headers, query: URLSearchParams): Credential {
  let scope: string;
  let signedHeaders: string;
  let date: string | null;
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = SIGV4_HEADER.exec(authorization);
    if (match === null) return { region: null, problem: AUTH_FAILURE_MESSAGE };
    [, scope, signedHeaders] = match;
    date = headers.get("x-amz-date");
  } else if (query.has("X-Amz-Signature")) {
    if (
      query.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256" ||
      !SIGNATURE_PATTERN.test(query.get("X-Amz-Signature") ?? "")
    ) {
      return { region: null, problem: AUTH_FAILURE_MESSAGE };
    }
    scope = query.get("X-Amz-Credential") ?? "";
    signedHeaders = query.get("X-Amz-SignedHeaders") ?? "";
    date = query.get("X-Amz-Date");
  } else {
    return { region: null, problem: AUTH_FAILURE_MESSAGE };
  }
  const [accessKeyId, scopeDate, region, service, terminator, ...rest] = scope
    .split("/");
  if (
    !accessKeyId || !/^\d{8}$/.test(scopeDate ?? "") || !region ||
    terminator !== "aws4_request" || rest.length > 0
  ) {
    return { region: null, problem: AUTH_FAILURE_MESSAGE };
  }
  if (service !== "ec2") {
    return {
      region,
      problem: "Credential should be scoped to correct service: 'ec2'.",
    };
  }
  if (!isRegionName(region)) {
    return {
      region: null,
      problem: `Credential should be scoped to a valid region, not '${region}'.`,
    };
  }
  if (!signedHeaders.split(";").includes("host")) {
    return {
      region,
      problem: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    };
  }
  if (date === null) {
    return {
      region,
      problem:
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    };
  }
  if (!AMZ_DATE_PATTERN.test(date) || !date.startsWith(scopeDate)) {
    return {
      region,
      problem:
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${
          date.slice(0, 8)
        }'.`,
    };
  }
  return { region, problem: null };
}

/**
 * The query parameters, and the form body's when the request is a form POST;
 * another content type leaves the body unread, so a body sent as `text/plain`
 * (aws4fetch's default for a string) lacks its `Action`.
 */
async function readParams(request: Request): Promise<Record<string, string>> {
  const entries = [...new URL(request.url).searchParams];
  const type = request.headers.get("content-type") ?? "";
  if (
    request.method === "POST" &&
    /^application\/x-www-form-urlencoded(?:;|$)/i.test(type.trim())
  ) {
    entries.push(...new URLSearchParams(await request.text()));
  }
  return Object.fromEntries(entries);
}

function toResponse(answer: Answer, now: number): Response {
  const headers = new Headers({
    "date": new Date(now).toUTCString(),
    "server": "AmazonEC2",
  });
  if (answer.contentType !== null) {
    headers.set("content-type", answer.contentType);
  }
  if (answer.requestId !== null) {
    headers.set("x-amzn-requestid", answer.requestId);
    headers.set("cache-control", "no-cache, no-store");
  }
  return new Response(answer.body, { status: answer.status, headers });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** `Name.1`, `Name.2`… (1-based, in numeric order) of a flattened Query list. */
function listParam(params: Params, name: string): string[] {
  return indexedParams(params, name)
    .filter(({ field }) => field === "")
    .map(({ value }) => value);
}

/** `Name.N.Field` entries grouped by N, in numeric order: `[{ Key, Value }, …]`. */
function structParam(params: Params, name: string): Params[] {
  const members = new Map<number, Record<string, string>>();
  for (const { index, field, value } of indexedParams(params, name)) {
    if (field === "") continue;
    const member = members.get(index) ?? {};
    member[field] = value;
    members.set(index, member);
  }
  return [...members.values()];
}

function indexedParams(params: Params, name: string) {
  const prefix = `${name}.`;
  const found: { index: number; field: string; value: string }[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(prefix)) continue;
    const match = /^([1-9]\d*)(?:\.(.+))?$/.exec(key.slice(prefix.length));
    if (match === null) continue;
    found.push({ index: Number(match[1]), field: match[2] ?? "", value });
  }
  return found.sort((a, b) => a.index - b.index);
}

function requiredList(params: Params, name: string): string[] {
  const list = listParam(params, name);
  if (list.length === 0) throw missingParameter(name);
  return list;
}

function requiredTagKey(tag: Params): string {
  if (tag.Key === undefined) throw missingParameter("Tag.N.Key");
  return tag.Key;
}

function dryRun(params: Params): void {
  if (params.DryRun === "true") {
    throw new SimulatedEc2Error("DryRunOperation", DRY_RUN_MESSAGE);
  }
}

function parseMaxResults(raw: string): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (value >= MIN_MAX_RESULTS && value <= MAX_MAX_RESULTS) return value;
  const expecting = value > MAX_MAX_RESULTS
    ? `less than ${MAX_MAX_RESULTS}`
    : `greater than ${MIN_MAX_RESULTS}`;
  throw new SimulatedEc2Error(
    "InvalidParameterValue",
    `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value ${expecting}.`,
  );
}

/** The page token: opaque to clients, tied to the region it was issued in. */
function encodeNextToken(offset: number, region: string): string {
  return btoa(JSON.stringify({ v: 1, region, offset }));
}

function decodeNextToken(token: string, region: string): number {
  try {
    const decoded = JSON.parse(atob(token));
    if (
      decoded?.v === 1 && decoded.region === region &&
      Number.isInteger(decoded.offset) && decoded.offset >= 0
    ) {
      return decoded.offset;
    }
  } catch {
    // Not base64 JSON: reported below like any other foreign token.
  }
  throw new SimulatedEc2Error(
    "InvalidParameterValue",
    `Invalid value '${token}' for nextToken`,
  );
}

type InstanceFilter = (record: InstanceRecord) => boolean;

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
function parseFilters(params: Params): InstanceFilter[] {
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
    const patterns = listParam(filter, "Value").map(wildcardPattern);
    if (patterns.length === 0) {
      throw new SimulatedEc2Error(
        "InvalidParameterValue",
        `The filter '${name}' requires at least one value`,
      );
    }
    return (record) => field(record).some((value) => patterns.some((p) => p.test(value)));
  });
}

function wildcardPattern(value: string): RegExp {
  let source = "";
  let escaped = false;
  for (const char of value) {
    if (escaped) {
      source += escapeRegExp(char);
      escaped = false;
    } else if (char === "\\") escaped = true;
    else if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else source += escapeRegExp(char);
  }
  if (escaped) source += "\\\\";
  return new RegExp(`^${source}$`, "su");
}

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}

function checkTag(key: string, value: string): void {
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

function isReservedKey(key: string): boolean {
  return key.toLowerCase().startsWith("aws:");
}

function reservedKey(): SimulatedEc2Error {
  return new SimulatedEc2Error(
    "InvalidParameterValue",
    "Tag keys starting with 'aws:' are reserved for internal use",
  );
}

function missingParameter(name: string): SimulatedEc2Error {
  return new SimulatedEc2Error(
    "MissingParameter",
    `The request must contain the parameter ${name}`,
  );
}

function malformedInstanceId(id: string): SimulatedEc2Error {
  return new SimulatedEc2Error(
    "InvalidInstanceID.Malformed",
    `Invalid id: "${id}"`,
  );
}

/** CreateTags and DeleteTags take any resource id and call a bad one `InvalidID`. */
function invalidResourceId(id: string): SimulatedEc2Error {
  return new SimulatedEc2Error("InvalidID", `The ID '${id}' is not valid`);
}

function instancesNotFound(ids: readonly string[]): SimulatedEc2Error {
  return new SimulatedEc2Error(
    "InvalidInstanceID.NotFound",
    ids.length === 1
      ? `The instance ID '${ids[0]}' does not exist`
      : `The instance IDs '${ids.join(", ")}' do not exist`,
  );
}

function incorrectState(id: string, verb: string): SimulatedEc2Error {
  return new SimulatedEc2Error(
    "IncorrectInstanceState",
    `The instance '${id}' is not in a state from which it can be ${verb}.`,
  );
}

function stateCode(state: InstanceStateName): number {
  return INSTANCE_STATES.indexOf(state) * 16;
}

function optional(value: string | null | undefined): string[] {
  return value === null || value === undefined ? [] : [value];
}

function visiblePublicIp(record: InstanceRecord): string | null {
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
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/** EC2's `reason` text, e.g. `User initiated (2016-02-16 18:04:09 GMT)`. */
function userInitiated(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `User initiated (${iso.slice(0, 10)} ${iso.slice(11, 19)} GMT)`;
}
