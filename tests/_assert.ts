/**
 * Stand-in for `jsr:@std/assert` 1.x, which cannot be installed while JSR is
 * unreachable. deno.json maps the bare specifier `"@std/assert"` to this file;
 * swapping in the real package is the one-line change
 * `"@std/assert": "jsr:@std/assert@^1"` in deno.json.
 *
 * Names, signatures, overloads and pass/fail semantics follow std 1.x
 * (`equal` is a port of std's deep equality, because `node:assert`'s
 * `deepStrictEqual` also compares prototypes, `-0` and boxed primitives). Failure
 * messages start as std's do; the diffs come from `node:assert/strict`.
 *
 * @module
 */

import {
  AssertionError as NodeAssertionError,
  deepStrictEqual,
  strictEqual,
} from "node:assert/strict";
import { inspect } from "node:util";

/** Error thrown when an assertion fails. */
export class AssertionError extends Error {
  /**
   * Constructs a new instance.
   *
   * @param message The error message.
   * @param options Additional options, such as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AssertionError";
  }
}

/** Any constructor, abstract or not. */
// deno-lint-ignore no-explicit-any
export type AnyConstructor = abstract new (...args: any[]) => any;
/** The values that `assertFalse` accepts. */
export type Falsy = false | 0 | 0n | "" | null | undefined;
/** An array-like object (`Array`, `Uint8Array`, `NodeList`, etc.) that is not a string. */
export type ArrayLikeArg<T> = ArrayLike<T> & object;
// deno-lint-ignore no-explicit-any
type ErrorType<E extends Error> = abstract new (...args: any[]) => E;

// deno-lint-ignore no-explicit-any
const TEMPORAL = (globalThis as any).Temporal ?? {};
const STRING_COMPARABLE_PROTOTYPES = new Set<unknown>(
  [
    Intl.Locale,
    RegExp,
    URL,
    URLSearchParams,
    TEMPORAL.Duration,
    TEMPORAL.Instant,
    TEMPORAL.PlainDate,
    TEMPORAL.PlainDateTime,
    TEMPORAL.PlainTime,
    TEMPORAL.PlainYearMonth,
    TEMPORAL.PlainMonthDay,
    TEMPORAL.ZonedDateTime,
  ].filter((type) => type != null).map((type) => type.prototype),
);
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array);

function suffix(msg: string | undefined): string {
  return msg ? `: ${msg}` : ".";
}

function format(value: unknown): string {
  return inspect(value, { depth: Infinity, sorted: true, getters: true });
}

/** The "+ actual - expected" diff that `node:assert` builds, without its headline. */
function diffFrom(check: () => void, actual: unknown, expected: unknown) {
  try {
    check();
  } catch (error) {
    if (error instanceof NodeAssertionError) {
      return error.message.slice(error.message.indexOf("\n") + 1).trimStart();
    }
  }
  // node found no difference (e.g. in non-enumerable properties): show both whole.
  const show = (value: unknown) => inspect(value, { depth: Infinity, showHidden: true });
  return `actual:   ${show(actual)}\nexpected: ${show(expected)}\n`;
}

function isPrimitive(value: unknown): boolean {
  return value === null ||
    (typeof value !== "object" && typeof value !== "function");
}

function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || Object.is(a, b);
}

function prototypesEqual(a: object, b: object): boolean {
  const pa = Object.getPrototypeOf(a);
  const pb = Object.getPrototypeOf(b);
  return pa === pb ||
    (pa === Object.prototype && pb === null) ||
    (pa === null && pb === Object.prototype);
}

function ownKeys(value: object): (string | symbol)[] {
  return Reflect.ownKeys(value);
}

function keysDeep(value: object): Set<string | symbol> {
  const keys = new Set<string | symbol>();
  for (
    let obj: object | null = value;
    obj !== null && obj !== Object.prototype && obj !== Array.prototype;
    obj = Object.getPrototypeOf(obj)
  ) {
    for (const key of ownKeys(obj)) keys.add(key);
  }
  return keys;
}

function compareItems(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!sameValueZero(a[i], b[i])) return false;
  }
  return true;
}

/**
 * Deep equality as std's `assertEquals` sees it: structural, `0` equals `-0`,
 * `NaN` equals `NaN`, plain objects equal null-prototype objects, Map/Set by
 * content, Date by time, RegExp/URL by string form, class instances by
 * prototype plus own and inherited properties.
 *
 * @param a The actual value.
 * @param b The expected value.
 * @returns `true` if the values are deeply equal.
 */
export function equal(a: unknown, b: unknown): boolean {
  const seen = new Map<unknown, unknown>();
  return (function compare(a: unknown, b: unknown): boolean {
    if (sameValueZero(a, b)) return true;
    if (isPrimitive(a) || isPrimitive(b)) return false;
    if (a instanceof Date && b instanceof Date) {
      return Object.is(a.getTime(), b.getTime());
    }
    if (typeof a !== "object" || typeof b !== "object") return false;
    const x = a as Record<string | symbol, unknown>;
    const y = b as Record<string | symbol, unknown>;
    if (!prototypesEqual(x, y)) return false;
    if (x instanceof TYPED_ARRAY) {
      return compareItems(x as unknown as Uint8Array, y as unknown as Uint8Array);
    }
    if (x instanceof ArrayBuffer || x instanceof SharedArrayBuffer) {
      return compareItems(new Uint8Array(x), new Uint8Array(y as unknown as ArrayBuffer));
    }
    if (x instanceof WeakMap) {
      throw new TypeError("Cannot compare WeakMap instances");
    }
    if (x instanceof WeakSet) {
      throw new TypeError("Cannot compare WeakSet instances");
    }
    if (x instanceof WeakRef) {
      return compare(x.deref(), (y as unknown as WeakRef<WeakKey>).deref());
    }
    if (seen.get(x) === y) return true;
    if (Object.keys(x).length !== Object.keys(y).length) return false;
    seen.set(x, y);
    if (x instanceof Set && y instanceof Set) {
      if (x.size !== y.size) return false;
      if ([...x].every(isPrimitive)) return x.symmetricDifference(y).size === 0;
      return compareEntries([...x.entries()], [...y.entries()], compare);
    }
    if (x instanceof Map && y instanceof Map) {
      if (x.size !== y.size) return false;
      if ([...x.keys()].every(isPrimitive)) {
        return [...x].every(([key, value]) => y.has(key) && compare(value, y.get(key)));
      }
      return compareEntries([...x.entries()], [...y.entries()], compare);
    }
    const proto = Object.getPrototypeOf(x);
    let keys: Iterable<string | symbol>;
    if (proto === null || proto === Object.prototype || proto === Array.prototype) {
      keys = ownKeys({ ...x, ...y });
    } else if (STRING_COMPARABLE_PROTOTYPES.has(proto)) {
      return String(x) === String(y);
    } else {
      keys = keysDeep(x).union(keysDeep(y));
    }
    for (const key of keys) {
      if (!compare(x[key], y[key])) return false;
      if ((key in x) !== (key in y)) return false;
    }
    return true;
  })(a, b);
}

/** Matches Map/Set entries whose keys are objects, so order may differ. */
function compareEntries(
  xs: [unknown, unknown][],
  ys: [unknown, unknown][],
  compare: (a: unknown, b: unknown) => boolean,
): boolean {
  return xs.every(([xKey, xValue]) =>
    ys.some(([yKey, yValue]) =>
      compare(xKey, yKey) &&
      ((xKey === xValue && yKey === yValue) || compare(xValue, yValue))
    )
  );
}

/**
 * Make an assertion, error will be thrown if `expr` does not have truthy value.
 *
 * @param expr The expression to test.
 * @param msg The message to throw; unlike std (empty message) a default says what failed.
 */
export function assert(expr: unknown, msg?: string): asserts expr {
  if (!expr) throw new AssertionError(msg || "Expected value to be truthy");
}

/**
 * Make an assertion, error will be thrown if `expr` has a truthy value.
 *
 * @param expr The expression to test.
 * @param msg The message to throw; unlike std (empty message) a default says what failed.
 */
export function assertFalse(expr: unknown, msg?: string): asserts expr is Falsy {
  if (expr) throw new AssertionError(msg || "Expected value to be falsy");
}

/**
 * Make an assertion that `actual` and `expected` are equal, deeply (see {@linkcode equal}).
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (equal(actual, expected)) return;
  const diff = diffFrom(() => deepStrictEqual(actual, expected), actual, expected);
  throw new AssertionError(`Values are not equal${suffix(msg)}\n\n${diff}`);
}

/**
 * Make an assertion that `actual` and `expected` are not equal, deeply.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!equal(actual, expected)) return;
  throw new AssertionError(
    `Expected actual: ${format(actual)} not to be: ${format(expected)}${suffix(msg)}`,
  );
}

/**
 * Make an assertion that `actual` and `expected` are strictly equal, using
 * {@linkcode Object.is} for equality comparison.
 *
 * @typeParam T The type of the expected value.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertStrictEquals<T>(
  actual: unknown,
  expected: T,
  msg?: string,
): asserts actual is T {
  if (Object.is(actual, expected)) return;
  const actualString = format(actual);
  if (actualString === format(expected)) {
    throw new AssertionError(
      `Values have the same structure but are not reference-equal${suffix(msg)}\n\n    ${
        actualString.replaceAll("\n", "\n    ")
      }\n`,
    );
  }
  const diff = diffFrom(() => strictEqual(actual, expected), actual, expected);
  throw new AssertionError(`Values are not strictly equal${suffix(msg)}\n\n${diff}`);
}

/**
 * Make an assertion that `actual` and `expected` are not strictly equal, using
 * {@linkcode Object.is} for equality comparison.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertNotStrictEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!Object.is(actual, expected)) return;
  throw new AssertionError(
    `Expected "actual" to not be strictly equal to: ${format(actual)}${suffix(msg)}\n`,
  );
}

/**
 * Make an assertion that `actual` and `expected` are almost equal numbers,
 * within `tolerance` (default: 1e-7 relative to `expected`).
 *
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param tolerance The largest allowed difference.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance?: number,
  msg?: string,
): void {
  if (Object.is(actual, expected)) return;
  const delta = Math.abs(expected - actual);
  tolerance ??= isFinite(expected) ? Math.abs(expected * 1e-7) : 1e-7;
  if (delta <= tolerance) return;
  const f = (n: number) => Number.isInteger(n) ? n : n.toExponential();
  throw new AssertionError(
    `Expected actual: "${f(actual)}" to be close to "${f(expected)}": delta "${
      f(delta)
    }" is greater than "${f(tolerance)}"${suffix(msg)}`,
  );
}

/**
 * Make an assertion that `actual` is not null or undefined.
 *
 * @typeParam T The type of the actual value.
 * @param actual The actual value to check.
 * @param msg The optional message to include in the error if the assertion fails.
 */
export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  if (actual !== undefined && actual !== null) return;
  throw new AssertionError(
    `Expected actual: "${actual}" to not be null or undefined${suffix(msg)}`,
  );
}

/**
 * Make an assertion that `actual` matches RegExp `expected`.
 *
 * @param actual The actual value to be matched.
 * @param expected The expected pattern to match.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  if (expected.test(actual)) return;
  throw new AssertionError(`Expected actual: "${actual}" to match: "${expected}"${suffix(msg)}`);
}

/**
 * Make an assertion that `actual` does not match RegExp `expected`.
 *
 * @param actual The actual value to be matched.
 * @param expected The pattern that must not match.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertNotMatch(actual: string, expected: RegExp, msg?: string): void {
  if (!expected.test(actual)) return;
  throw new AssertionError(
    `Expected actual: "${actual}" to not match: "${expected}"${suffix(msg)}`,
  );
}

/**
 * Make an assertion that `actual` includes `expected`.
 *
 * @param actual The string to search.
 * @param expected The substring that must be present.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (actual.includes(expected)) return;
  throw new AssertionError(`Expected actual: "${actual}" to contain: "${expected}"${suffix(msg)}`);
}

/**
 * Make an assertion that `actual` contains every value in `expected`, using
 * deep equality for non-primitive values.
 *
 * @typeParam T The element type, inferred from `actual`.
 * @param actual The array-like object to search within.
 * @param expected The values that must be present in `actual`.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertArrayIncludes<T>(
  actual: ArrayLikeArg<T>,
  expected: ArrayLikeArg<NoInfer<T>>,
  msg?: string,
): void {
  const items = Array.from(actual);
  const missing = Array.from(expected).filter((item) =>
    isPrimitive(item) ? !items.includes(item) : !items.some((candidate) => equal(item, candidate))
  );
  if (missing.length === 0) return;
  throw new AssertionError(
    `Expected actual: "${format(actual)}" to include: "${format(expected)}"${
      suffix(msg)
    }\nmissing: ${format(missing)}`,
  );
}

/**
 * Make an assertion that `expected` object is a subset of `actual` object,
 * deeply: extra properties of `actual` are ignored, arrays are compared on
 * `expected`'s length, Maps and Sets on their common keys. Unlike std 1.x,
 * nested Dates are compared (std's filter turns both into `{}`).
 *
 * @param actual The actual value to be matched.
 * @param expected The expected value to match.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertObjectMatch(
  // deno-lint-ignore no-explicit-any
  actual: Record<PropertyKey, any>,
  expected: Record<PropertyKey, unknown>,
  msg?: string,
): void {
  // Projecting `expected` onto itself turns its class instances into plain objects too.
  assertEquals(
    project(actual, expected, new WeakMap()),
    project(expected, expected, new WeakMap()),
    msg,
  );
}

/** The part of `actual` that `expected` describes, as std's `assertObjectMatch` filters it. */
function project(actual: unknown, expected: unknown, seen: WeakMap<object, unknown>): unknown {
  if (isPrimitive(actual) || isPrimitive(expected)) return actual;
  // std keeps RegExps whole; Dates too here, where std reduces two Dates to `{}`
  // and so never fails on them.
  if (actual instanceof RegExp || actual instanceof Date) return actual;
  const a = actual as Record<PropertyKey, unknown>;
  const b = expected as Record<PropertyKey, unknown>;
  if (seen.get(a) === b) return a;
  seen.set(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.slice(0, b.length).map((item, i) => project(item, b[i], seen));
  }
  if (a instanceof Map && b instanceof Map) {
    return new Map(
      [...a].filter(([key]) => b.has(key))
        .map(([key, value]) => [key, project(value, b.get(key), seen)]),
    );
  }
  if (a instanceof Set && b instanceof Set) return a.intersection(b);
  const keysA = ownKeys(a);
  const keysB = ownKeys(b);
  const common = keysA.filter((key) => keysB.includes(key));
  const filtered: Record<PropertyKey, unknown> = {};
  // Disjoint non-empty objects keep all of `actual`, so the diff shows it.
  const keys = common.length === 0 && keysB.length > 0 ? keysA : common;
  for (const key of keys) {
    Object.defineProperty(filtered, key, {
      value: common.includes(key) ? project(a[key], b[key], seen) : a[key],
      configurable: true,
      enumerable: true,
      writable: true,
    });
  }
  return filtered;
}

/**
 * Make an assertion that `actual` is greater than `expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The message to throw instead of the default.
 */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (actual > expected) return;
  throw new AssertionError(msg ?? `Expect ${format(actual)} > ${format(expected)}`);
}

/**
 * Make an assertion that `actual` is greater than or equal to `expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The message to throw instead of the default.
 */
export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (actual >= expected) return;
  throw new AssertionError(msg ?? `Expect ${format(actual)} >= ${format(expected)}`);
}

/**
 * Make an assertion that `actual` is less than `expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The message to throw instead of the default.
 */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (actual < expected) return;
  throw new AssertionError(msg ?? `Expect ${format(actual)} < ${format(expected)}`);
}

/**
 * Make an assertion that `actual` is less than or equal to `expected`.
 *
 * @typeParam T The type of the values to compare.
 * @param actual The actual value to compare.
 * @param expected The expected value to compare.
 * @param msg The message to throw instead of the default.
 */
export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (actual <= expected) return;
  throw new AssertionError(msg ?? `Expect ${format(actual)} <= ${format(expected)}`);
}

/**
 * Make an assertion that `actual` is an instance of `expectedType`.
 *
 * @typeParam T The expected class.
 * @param actual The object to check.
 * @param expectedType The expected class constructor.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertInstanceOf<T extends AnyConstructor>(
  actual: unknown,
  expectedType: T,
  msg = "",
): asserts actual is InstanceType<T> {
  if (actual instanceof expectedType) return;
  const expectedName = expectedType.name;
  const actualName = actual === null
    ? "null"
    : typeof actual === "object"
    ? actual.constructor?.name ?? "Object"
    : typeof actual;
  const detail = expectedName === actualName
    ? ""
    : actualName === "function"
    ? " but was not an instanced object"
    : ` but was "${actualName}"`;
  throw new AssertionError(
    `Expected object to be an instance of "${expectedName}"${detail}${suffix(msg)}`,
  );
}

/**
 * Make an assertion that `actual` is not an instance of `unexpectedType`.
 *
 * @typeParam A The type of the value.
 * @typeParam T The class that `actual` must not be an instance of.
 * @param actual The object to check.
 * @param unexpectedType The class constructor.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertNotInstanceOf<A, T>(
  actual: A,
  // deno-lint-ignore no-explicit-any
  unexpectedType: abstract new (...args: any[]) => T,
  msg?: string,
): asserts actual is Exclude<A, T> {
  if (!(actual instanceof unexpectedType)) return;
  throw new AssertionError(
    `Expected object to not be an instance of "${typeof unexpectedType}"${suffix(msg)}`,
  );
}

/**
 * Make an assertion that `error` is an `Error`, optionally of class
 * `ErrorClass` and with a message that includes or matches `msgMatches`.
 *
 * @typeParam E The type of the error to assert.
 * @param error The error to assert.
 * @param ErrorClass The optional error class to assert.
 * @param msgMatches The optional string or RegExp to find in the error message.
 * @param msg The optional message to display if the assertion fails.
 */
export function assertIsError<E extends Error = Error>(
  error: unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: abstract new (...args: any[]) => E,
  msgMatches?: string | RegExp,
  msg?: string,
): asserts error is E {
  if (!(error instanceof Error)) {
    throw new AssertionError(`Expected "error" to be an Error object${suffix(msg)}`);
  }
  if (ErrorClass && !(error instanceof ErrorClass)) {
    throw new AssertionError(
      `Expected error to be instance of "${ErrorClass.name}", but was "${error.constructor?.name}"${
        suffix(msg)
      }`,
    );
  }
  const message = stripAnsi(error.message);
  const matches = typeof msgMatches === "string"
    ? message.includes(stripAnsi(msgMatches))
    : msgMatches?.test(message);
  if (msgMatches && !matches) {
    throw new AssertionError(
      `Expected error message to include ${
        msgMatches instanceof RegExp ? msgMatches : JSON.stringify(msgMatches)
      }, but got ${JSON.stringify(error.message)}${suffix(msg)}`,
    );
  }
}

function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** What assertThrows and assertRejects expect, from their optional arguments as std reads them. */
interface Expectation<E extends Error> {
  ErrorClass?: ErrorType<E>;
  msgIncludes?: string;
  msg?: string;
}

function expectation<E extends Error>(
  errorClassOrMsg: ErrorType<E> | string | undefined,
  msgIncludesOrMsg: string | undefined,
  msg: string | undefined,
): Expectation<E> {
  if (typeof errorClassOrMsg === "string") return { msg: errorClassOrMsg };
  if (errorClassOrMsg === undefined) return { msg };
  const isErrorClass = errorClassOrMsg.prototype instanceof Error ||
    errorClassOrMsg.prototype === Error.prototype;
  return isErrorClass
    ? { ErrorClass: errorClassOrMsg, msgIncludes: msgIncludesOrMsg, msg }
    : { msg: msgIncludesOrMsg ?? msg };
}

function checkCaught<E extends Error>(error: unknown, expected: Expectation<E>, verb: string) {
  if (!expected.ErrorClass) return;
  if (!(error instanceof Error)) {
    throw new AssertionError(`A non-Error object was ${verb}${suffix(expected.msg)}`);
  }
  assertIsError(error, expected.ErrorClass, expected.msgIncludes, expected.msg);
}

/**
 * Executes a function, expecting it to throw.
 *
 * @param fn The function to execute.
 * @param msg The optional message to display if the assertion fails.
 * @returns The error that was thrown.
 */
export function assertThrows(fn: () => unknown, msg?: string): unknown;
/**
 * Executes a function, expecting it to throw an instance of `ErrorClass`
 * whose message includes `msgIncludes`.
 *
 * @typeParam E The error class to assert.
 * @param fn The function to execute.
 * @param ErrorClass The error class to assert.
 * @param msgIncludes The string that should be included in the error message.
 * @param msg The optional message to display if the assertion fails.
 * @returns The error that was thrown.
 */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass: abstract new (...args: any[]) => E,
  msgIncludes?: string,
  msg?: string,
): E;
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  errorClassOrMsg?: ErrorType<E> | string,
  msgIncludesOrMsg?: string,
  msg?: string,
): E | unknown {
  const expected = expectation(errorClassOrMsg, msgIncludesOrMsg, msg);
  try {
    fn();
  } catch (error) {
    checkCaught(error, expected, "thrown");
    return error;
  }
  throw new AssertionError(`Expected function to throw${suffix(expected.msg)}`);
}

/**
 * Executes a function which returns a promise, expecting it to reject.
 *
 * @param fn The function to execute.
 * @param msg The optional message to display if the assertion fails.
 * @returns The promise which resolves to the rejection reason.
 */
export function assertRejects(
  fn: () => PromiseLike<unknown>,
  msg?: string,
): Promise<unknown>;
/**
 * Executes a function which returns a promise, expecting it to reject with an
 * instance of `ErrorClass` whose message includes `msgIncludes`.
 *
 * @typeParam E The error class to assert.
 * @param fn The function to execute.
 * @param ErrorClass The error class to assert.
 * @param msgIncludes The string that should be included in the error message.
 * @param msg The optional message to display if the assertion fails.
 * @returns The promise which resolves to the rejection reason.
 */
export function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  // deno-lint-ignore no-explicit-any
  ErrorClass: abstract new (...args: any[]) => E,
  msgIncludes?: string,
  msg?: string,
): Promise<E>;
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  errorClassOrMsg?: ErrorType<E> | string,
  msgIncludesOrMsg?: string,
  msg?: string,
): Promise<E | unknown> {
  const expected = expectation(errorClassOrMsg, msgIncludesOrMsg, msg);
  let promise: PromiseLike<unknown> | undefined;
  try {
    promise = fn();
  } catch {
    // A synchronous throw and a non-promise return fail alike, as in std.
  }
  if (typeof promise?.then !== "function") {
    throw new AssertionError(`Function throws when expected to reject${suffix(expected.msg)}`);
  }
  try {
    await promise;
  } catch (error) {
    checkCaught(error, expected, "rejected");
    return error;
  }
  throw new AssertionError(`Expected function to reject${suffix(expected.msg)}`);
}

/**
 * Forcefully throws a failed assertion.
 *
 * @param msg The optional message to include in the error.
 * @returns Never returns, always throws.
 */
export function fail(msg?: string): never {
  throw new AssertionError(`Failed assertion${suffix(msg)}`);
}

/**
 * Use this to assert unreachable code.
 *
 * @param msg The optional message to include in the error.
 * @returns Never returns, always throws.
 */
export function unreachable(msg?: string): never {
  throw new AssertionError(`Unreachable${suffix(msg)}`);
}

/**
 * Use this to stub out methods that will throw when invoked.
 *
 * @param msg The optional message to include in the error.
 * @returns Never returns, always throws.
 */
export function unimplemented(msg?: string): never {
  throw new AssertionError(`Unimplemented${suffix(msg)}`);
}
