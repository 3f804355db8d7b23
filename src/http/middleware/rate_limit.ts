/**
 * Brute-force limiting of API keys: every key check is paid for before the
 * key is compared. The check reserves one attempt from the client address's
 * allowance right before the comparison, and a match refunds it; so however
 * many requests an address has in flight at once, no more than the burst of
 * them ever get their key compared. A check that finds the allowance taken by
 * checks still in flight waits for them to settle (a right key gives its
 * attempt back at once), so a client sending many right-key requests at once
 * is not refused. An address that used up its allowance gets 429 with
 * `Retry-After` until it is earned back, without its key even being checked.
 *
 * State lives in memory, so the limit holds per isolate (per process on
 * Deno, per isolate on Workers and Deno Deploy): a determined attacker spread
 * over many isolates gets that many allowances. It bounds guessing; it does
 * not replace long random keys.
 *
 * @module
 */
import type { Context } from "hono";
import { ApiError } from "../errors.ts";

/** Failed key checks an address may make in a burst. */
export const FAILURE_BURST = 10;
/** One failed attempt is earned back every this many milliseconds (10 a minute). */
export const FAILURE_REFILL_MS = 6_000;
/** Addresses tracked at most; the one seen least recently is forgotten first. */
export const MAX_TRACKED_ADDRESSES = 10_000;

/** What the app is told by its platform about each request (Hono's `c.env`). */
export interface ClientBindings {
  /**
   * The client's address: `Deno.serve`'s `remoteAddr`, or `CF-Connecting-IP`
   * on Workers. Set by main.ts; absent in tests that do not set it.
   */
  clientAddress?: string;
}

/** The client's address as main.ts passed it, or `"unknown"`. */
export function clientAddressOf(c: Pick<Context, "env">): string {
  const address = (c.env as ClientBindings | undefined)?.clientAddress;
  return typeof address === "string" && address !== "" ? address : "unknown";
}

/** Options of {@linkcode FailureLimiter}. */
export interface FailureLimiterOptions {
  /** Default {@linkcode FAILURE_BURST}. */
  burst?: number;
  /** Default {@linkcode FAILURE_REFILL_MS}. */
  refillMs?: number;
  /** Default {@linkcode MAX_TRACKED_ADDRESSES}. */
  maxTracked?: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** One reserved key check; see {@linkcode FailureLimiter.reserve}. */
export interface Attempt {
  /** Gives the attempt back: the key matched, or was never compared. Idempotent. */
  refund(): void;
  /** The key did not match: the attempt stays taken. Idempotent; no-op after a refund. */
  spend(): void;
}

/** Checks of one address in flight, and the checks waiting for them to settle. */
interface InFlight {
  count: number;
  waiters: (() => void)[];
}

interface Allowance {
  /** Failures the address may still make, fractional while refilling. */
  left: number;
  /** When `left` was last brought up to date. */
  at: number;
}

/**
 * A token bucket per address: each failure takes one token, tokens come back
 * at a fixed rate up to the burst. Successes neither take nor give tokens, so
 * one valid (perhaps narrow) key cannot be used to reset the count while
 * guessing another.
 */
export class FailureLimiter {
  readonly #burst: number;
  readonly #refillMs: number;
  readonly #maxTracked: number;
  readonly #now: () => number;
  /** In order of last use: a Map iterates in insertion order, so the first is the stalest. */
  readonly #addresses = new Map<string, Allowance>();
  readonly #inFlight = new Map<string, InFlight>();

  constructor(options: FailureLimiterOptions = {}) {
    this.#burst = options.burst ?? FAILURE_BURST;
    this.#refillMs = options.refillMs ?? FAILURE_REFILL_MS;
    this.#maxTracked = options.maxTracked ?? MAX_TRACKED_ADDRESSES;
    this.#now = options.now ?? Date.now;
    for (
      const [name, value] of Object.entries({ burst: this.#burst, maxTracked: this.#maxTracked })
    ) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`Cannot limit failures: ${name} must be a whole number >= 1`);
      }
    }
    if (!(this.#refillMs > 0)) {
      throw new RangeError("Cannot limit failures: refillMs must be > 0");
    }
  }

  /** How many addresses are tracked now. */
  get size(): number {
    return this.#addresses.size;
  }

  /** Seconds until `address` may try again, or 0 when it may try now. */
  retryAfter(address: string): number {
    // Nobody has failed lately, which is nearly always: no address to parse.
    if (this.#addresses.size === 0) return 0;
    const allowance = this.#current(limiterKey(address));
    if (!allowance || allowance.left >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - allowance.left) * this.#refillMs) / 1000));
  }

  /**
   * True when `address` has no attempt left and no check in flight that could
   * give one back: its request may be refused before its key is even read.
   */
  refuses(address: string): boolean {
    if (this.#addresses.size === 0) return false;
    return this.retryAfter(address) > 0 && !this.#inFlight.has(limiterKey(address));
  }

  /** Counts one failed key check from `address`. */
  fail(address: string): void {
    this.#take(limiterKey(address));
  }

  /**
   * Takes one attempt from `address`'s allowance before its key is compared,
   * to {@linkcode Attempt.refund} when the key matched or
   * {@linkcode Attempt.spend} when it did not. With none left it waits while
   * other checks of the address are in flight (one of them may give its
   * attempt back), and answers null once none is (answer 429). The take
   * itself is synchronous, so requests in flight together never share an
   * attempt.
   */
  async reserve(address: string): Promise<Attempt | null> {
    const key = limiterKey(address);
    for (;;) {
      const allowance = this.#current(key);
      if (!allowance || allowance.left >= 1) break;
      const inFlight = this.#inFlight.get(key);
      if (!inFlight) return null;
      await new Promise<void>((resolve) => inFlight.waiters.push(resolve));
    }
    this.#take(key);
    const inFlight = this.#inFlight.get(key) ?? { count: 0, waiters: [] };
    inFlight.count++;
    this.#inFlight.set(key, inFlight);
    let settled = false;
    const settle = (refund: boolean) => {
      if (settled) return;
      settled = true;
      if (refund) {
        const current = this.#current(key);
        if (current) current.left = Math.min(this.#burst, current.left + 1);
      }
      if (--inFlight.count === 0) this.#inFlight.delete(key);
      for (const wake of inFlight.waiters.splice(0)) wake();
    };
    return { refund: () => settle(true), spend: () => settle(false) };
  }

  #take(key: string): void {
    const allowance = this.#current(key) ?? { left: this.#burst, at: this.#now() };
    allowance.left = Math.max(0, allowance.left - 1);
    this.#addresses.delete(key);
    this.#addresses.set(key, allowance);
    if (this.#addresses.size > this.#maxTracked) {
      this.#addresses.delete(this.#addresses.keys().next().value!);
    }
  }

  /** The address's allowance brought up to now; forgotten once it is full again. */
  #current(key: string): Allowance | undefined {
    const allowance = this.#addresses.get(key);
    if (!allowance) return undefined;
    const now = this.#now();
    allowance.left = Math.min(
      this.#burst,
      allowance.left + Math.max(0, now - allowance.at) / this.#refillMs,
    );
    allowance.at = now;
    if (allowance.left >= this.#burst) {
      this.#addresses.delete(key);
      return undefined;
    }
    return allowance;
  }
}

/**
 * The key an address is counted under. IPv6 clients commonly hold a whole
 * /64, so they are counted by that prefix; an IPv4 address carried in IPv6
 * (mapped `::ffff:a.b.c.d`, in dotted or hex form, and NAT64's well-known
 * prefix `64:ff9b::/96`) as that IPv4 address. Parsed by hand, in one pass.
 */
export function limiterKey(address: string): string {
  if (!address.includes(":")) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address.toLowerCase();
  const zeroes = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  const mapped = zeroes(0, 5) && groups[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && zeroes(2, 6);
  if (mapped || nat64) {
    return [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join(".");
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (zone dropped), or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  const zone = address.indexOf("%");
  const text = (zone < 0 ? address : address.slice(0, zone)).toLowerCase();
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (half: string): number[] | null => {
    if (half === "") return [];
    const groups: number[] = [];
    const parts = half.split(":");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (i === parts.length - 1 && part.includes(".")) {
        const octets = part.split(".").map(Number);
        if (octets.length !== 4 || !octets.every((o) => Number.isInteger(o) && o >= 0 && o < 256)) {
          return null;
        }
        groups.push(octets[0] * 256 + octets[1], octets[2] * 256 + octets[3]);
      } else {
        if (part.length < 1 || part.length > 4) return null;
        const group = parseInt(part, 16);
        if (!(group >= 0) || group.toString(16).padStart(part.length, "0") !== part) return null;
        groups.push(group);
      }
    }
    return groups;
  };
  const front = parse(halves[0]);
  const back = halves.length === 2 ? parse(halves[1]) : [];
  if (!front || !back) return null;
  if (halves.length === 1) return front.length === 8 ? front : null;
  if (front.length + back.length > 7) return null;
  return [...front, ...Array(8 - front.length - back.length).fill(0), ...back];
}

/** The 429 an address out of attempts gets. */
export function tooManyFailures(limiter: FailureLimiter, address: string): ApiError {
  const wait = Math.max(1, limiter.retryAfter(address));
  return new ApiError(
    429,
    "api_key",
    `Too many failed api key attempts from this address: try again in ${wait} s`,
    { "retry-after": String(wait) },
  );
}
