/**
 * Injected faults: the rules a test queues, which call each one hits, and
 * what it does to that call's answer (an error, a raw status, a delay, a cut
 * body, a reset connection), before or after EC2 has acted.
 *
 * @module
 */

import { type Answer, type Dialect, errorAnswer } from "./_ec2_answer.ts";
import { AUTH_FAILURE_MESSAGE, SimulatedEc2Error } from "./_ec2_errors.ts";

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

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
  | { kind: "reset" }
  /**
   * Hold the call at `gate` until the test releases it (honouring the
   * request's abort signal), then answer normally. With `when: "before"` EC2
   * acts only on release: a slow call that lands after whatever the test
   * sends meanwhile.
   */
  | { kind: "hold"; gate: FaultGate };

/**
 * Where a `hold` fault keeps its call: `reached` settles when the call
 * arrives, `release()` lets it go on. A deterministic stand-in for a slow
 * call; no timer involved.
 */
export class FaultGate {
  readonly #reached = Promise.withResolvers<void>();
  readonly #released = Promise.withResolvers<void>();

  /** Settles once a call is held here. */
  get reached(): Promise<void> {
    return this.#reached.promise;
  }

  /** Lets the held call (and any later one) go on. */
  release(): void {
    this.#released.resolve();
  }

  /** Holds the caller until {@linkcode release}; rejects when `signal` aborts first. */
  pass(signal: AbortSignal): Promise<void> {
    this.#reached.resolve();
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#released.promise.then(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }
}

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

/** A rule in the queue, with the hits it has left. */
export interface QueuedFault {
  readonly action: string | undefined;
  readonly fault: Fault;
  readonly when: "before" | "after";
  remaining: number;
}

/** What `faultedAnswer` needs from the call and the simulator. */
export interface FaultContext {
  /** The call's abort signal; a `delay` honours it. */
  signal: AbortSignal;
  /** The call's `Action`, named in an `UnauthorizedOperation` message. */
  action: string;
  /** An integer in [0, n), from the simulator's source of randomness. */
  randomInt: (n: number) => number;
  /** A new request id. */
  requestId: () => string;
  /** How the simulator writes its answers. */
  dialect: Dialect;
}

/** The faults injected into a simulator, tried in the order they were injected. */
export class FaultQueue {
  readonly #rules: QueuedFault[] = [];

  /** Queues `rule`; throws a `RangeError` on a bad `times`, status or delay. */
  add(rule: FaultRule): void {
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
    this.#rules.push({
      action: rule.action,
      fault,
      when: rule.when ?? "before",
      remaining: times,
    });
  }

  /** The first rule that hits `action`, with one hit used up; undefined when none does. */
  take(action: string): QueuedFault | undefined {
    const index = this.#rules.findIndex((rule) =>
      rule.action === undefined || rule.action === action
    );
    if (index === -1) return undefined;
    const rule = this.#rules[index];
    rule.remaining -= 1;
    if (rule.remaining === 0) this.#rules.splice(index, 1);
    return rule;
  }
}

/** The answer to a call hit by `rule`; `process` performs the call as EC2 would. */
export async function faultedAnswer(
  rule: QueuedFault,
  process: () => Answer,
  { signal, action, randomInt, requestId, dialect }: FaultContext,
): Promise<Answer> {
  const { fault } = rule;
  const processed = rule.when === "after" || fault.kind === "truncate" ? process() : undefined;
  switch (fault.kind) {
    case "delay":
      await sleep(fault.ms, signal);
      return processed ?? process();
    case "hold":
      await fault.gate.pass(signal);
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
      return errorAnswer(
        new SimulatedEc2Error(
          fault.code,
          fault.message ?? faultMessage(fault.code, action, randomInt),
        ),
        requestId(),
        { status: fault.status, dialect },
      );
  }
}

function faultMessage(code: string, action: string, randomInt: (n: number) => number): string {
  if (code !== "UnauthorizedOperation") {
    return FAULT_MESSAGES[code] ?? "The request could not be completed.";
  }
  const encoded = Array.from(
    { length: 344 },
    () => BASE64_ALPHABET[randomInt(BASE64_ALPHABET.length)],
  ).join("");
  return `You are not authorized to perform this operation. User: arn:aws:iam::012345678901:user/workwork is not authorized to perform: ec2:${action} because no identity-based policy allows the ec2:${action} action. Encoded authorization failure message: ${encoded}`;
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
