// Checks tests/_assert.ts against the behaviour of jsr:@std/assert 1.x. Failures
// are checked with node:assert so that a broken shim cannot vouch for itself.
import * as node from "node:assert/strict";
import {
  assert,
  assertAlmostEquals,
  assertArrayIncludes,
  assertEquals,
  assertExists,
  assertFalse,
  assertGreater,
  assertGreaterOrEqual,
  assertInstanceOf,
  AssertionError,
  assertIsError,
  assertLess,
  assertLessOrEqual,
  assertMatch,
  assertNotEquals,
  assertNotInstanceOf,
  assertNotMatch,
  assertNotStrictEquals,
  assertObjectMatch,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
  equal,
  fail,
  unimplemented,
  unreachable,
} from "./_assert.ts";

/** Runs `fn`, expecting this module's AssertionError with a message containing every part. */
function failsWith(fn: () => unknown, ...parts: string[]): void {
  node.throws(fn, (error) => {
    node.ok(error instanceof AssertionError, `not an AssertionError: ${error}`);
    node.equal(error.name, "AssertionError");
    for (const part of parts) {
      node.ok(error.message.includes(part), error.message);
    }
    return true;
  });
}

async function rejectsWith(
  fn: () => Promise<unknown>,
  ...parts: string[]
): Promise<void> {
  await node.rejects(fn, (error) => {
    node.ok(error instanceof AssertionError, `not an AssertionError: ${error}`);
    for (const part of parts) {
      node.ok(error.message.includes(part), error.message);
    }
    return true;
  });
}

Deno.test("AssertionError is an Error named AssertionError that keeps its cause", () => {
  const error = new AssertionError("boom", { cause: "why" });
  node.ok(error instanceof Error);
  node.equal(error.name, "AssertionError");
  node.equal(error.message, "boom");
  node.equal(error.cause, "why");
});

Deno.test("assert passes on truthy values and fails on falsy ones", () => {
  assert(true);
  assert(1);
  assert("x");
  assert({});
  failsWith(() => assert(false, "custom"), "custom");
  failsWith(() => assert(0), "truthy");
  failsWith(() => assert(""));
  failsWith(() => assert(null));
});

Deno.test("assert narrows the type of its expression", () => {
  const value: string | undefined = ["a"].at(0);
  assert(value);
  node.equal(value.length, 1);
});

Deno.test("assertFalse passes on falsy values and fails on truthy ones", () => {
  assertFalse(false);
  assertFalse(0);
  assertFalse(null);
  failsWith(() => assertFalse(1, "custom"), "custom");
  failsWith(() => assertFalse("x"), "falsy");
});

Deno.test("assertEquals compares primitives like std: NaN equals NaN, 0 equals -0", () => {
  assertEquals(1, 1);
  assertEquals("a", "a");
  assertEquals(NaN, NaN);
  assertEquals(0, -0);
  assertEquals(null, null);
  assertEquals(undefined, undefined);
  assertEquals(1n, 1n);
  failsWith(() => assertEquals(1, 2), "Values are not equal.", "1 !== 2");
  failsWith(() => assertEquals<unknown>(1, "1"));
  failsWith(() => assertEquals<unknown>(null, undefined));
  failsWith(
    () => assertEquals("a", "b", "custom"),
    "Values are not equal: custom",
  );
});

Deno.test("assertEquals compares objects and arrays structurally", () => {
  assertEquals({ a: 1, b: [1, { c: "x" }] }, { b: [1, { c: "x" }], a: 1 });
  assertEquals([1, 2, 3], [1, 2, 3]);
  failsWith(
    () => assertEquals({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] }),
    "Values are not equal.",
    "+ actual - expected",
    "+     2",
    "-     3",
  );
  failsWith(() => assertEquals([1, 2], [1, 2, 3]));
  failsWith(() => assertEquals<object>({ a: undefined }, {}));
  failsWith(() => assertEquals<unknown>([], {}));
});

Deno.test("assertEquals ignores the difference between plain and null-prototype objects", () => {
  assertEquals({ a: 1 }, Object.assign(Object.create(null), { a: 1 }));
  assertEquals(Object.assign(Object.create(null), { a: 1 }), { a: 1 });
});

Deno.test("assertEquals compares Map, Set, Date, RegExp, URL and typed arrays by content", () => {
  assertEquals(new Map([["a", 1], ["b", 2]]), new Map([["b", 2], ["a", 1]]));
  assertEquals(new Map([[{ k: 1 }, [1]]]), new Map([[{ k: 1 }, [1]]]));
  assertEquals(new Set([1, 2]), new Set([2, 1]));
  assertEquals(new Set([{ k: 1 }]), new Set([{ k: 1 }]));
  assertEquals(new Date(5), new Date(5));
  assertEquals(new Date(NaN), new Date(NaN));
  assertEquals(/a/g, /a/g);
  assertEquals(
    new URL("https://example.com/a"),
    new URL("https://example.com/a"),
  );
  assertEquals(new Uint8Array([1, 2]), new Uint8Array([1, 2]));
  failsWith(() => assertEquals(new Map([["a", 1]]), new Map([["a", 2]])));
  failsWith(() => assertEquals(new Set([{ k: 1 }]), new Set([{ k: 2 }])));
  failsWith(() => assertEquals(new Set([1]), new Set([1, 2])));
  failsWith(() => assertEquals(new Date(5), new Date(6)));
  failsWith(() => assertEquals(/a/g, /a/i));
  failsWith(() => assertEquals(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
  failsWith(() => assertEquals<unknown>(new Uint8Array([1]), new Uint16Array([1])));
});

Deno.test("assertEquals compares class instances by prototype and properties", () => {
  class Point {
    constructor(readonly x: number) {}
  }
  assertEquals(new Point(1), new Point(1));
  failsWith(() => assertEquals(new Point(1), new Point(2)));
  failsWith(() => assertEquals<object>(new Point(1), { x: 1 }));
});

Deno.test("assertEquals still explains a failure that node:assert calls equal", () => {
  // std compares the non-enumerable own properties of class instances; node does not.
  class Box {}
  const box = (secret: string) => Object.defineProperty(new Box(), "secret", { value: secret });
  assertEquals(box("a"), box("a"));
  failsWith(
    () => assertEquals(box("a"), box("b")),
    "Values are not equal.",
    "actual:",
    "expected:",
  );
});

Deno.test("assertEquals handles circular structures", () => {
  const a: Record<string, unknown> = { name: "a" };
  a.self = a;
  const b: Record<string, unknown> = { name: "a" };
  b.self = b;
  assertEquals(a, b);
});

Deno.test("equal refuses to compare WeakMaps", () => {
  node.throws(() => equal(new WeakMap(), new WeakMap()), TypeError);
});

Deno.test("assertNotEquals is the negation of assertEquals", () => {
  assertNotEquals(1, 2);
  assertNotEquals({ a: 1 }, { a: 2 });
  failsWith(() => assertNotEquals({ a: 1 }, { a: 1 }), "not to be");
  failsWith(() => assertNotEquals(0, -0, "custom"), "custom");
});

Deno.test("assertStrictEquals compares with Object.is", () => {
  const object = { a: 1 };
  assertStrictEquals(object, object);
  assertStrictEquals(NaN, NaN);
  assertStrictEquals("a", "a");
  failsWith(
    () => assertStrictEquals({ a: 1 }, { a: 1 }),
    "Values have the same structure but are not reference-equal.",
  );
  failsWith(() => assertStrictEquals(0, -0), "Values are not strictly equal.");
  failsWith(() => assertStrictEquals(1, 2, "custom"), "custom");
});

Deno.test("assertStrictEquals narrows the type of actual", () => {
  const value: unknown = "x";
  assertStrictEquals(value, "x");
  node.equal(value.length, 1);
});

Deno.test("assertNotStrictEquals fails only on the same value", () => {
  assertNotStrictEquals({}, {});
  assertNotStrictEquals(0, -0);
  failsWith(() => assertNotStrictEquals(1, 1), "to not be strictly equal");
});

Deno.test("assertAlmostEquals allows a small difference", () => {
  assertAlmostEquals(0.1 + 0.2, 0.3);
  assertAlmostEquals(10, 11, 1);
  failsWith(() => assertAlmostEquals(10, 12, 1), "to be close to");
});

Deno.test("assertExists fails only on null and undefined", () => {
  assertExists(0);
  assertExists("");
  assertExists(false);
  failsWith(() => assertExists(null), '"null" to not be null or undefined.');
  failsWith(() => assertExists(undefined, "custom"), "custom");
});

Deno.test("assertExists narrows away null and undefined", () => {
  const value: string | null = ["a"].find((item) => item === "a") ?? null;
  assertExists(value);
  node.equal(value.length, 1);
});

Deno.test("assertMatch and assertNotMatch test a RegExp", () => {
  assertMatch("Raptor", /Rap/);
  assertNotMatch("Raptor", /Deno/);
  failsWith(
    () => assertMatch("Raptor", /Deno/),
    'Expected actual: "Raptor" to match: "/Deno/".',
  );
  failsWith(
    () => assertNotMatch("Raptor", /Rap/, "custom"),
    'to not match: "/Rap/": custom',
  );
});

Deno.test("assertStringIncludes looks for a substring", () => {
  assertStringIncludes("Denosaurus", "saur");
  failsWith(
    () => assertStringIncludes("Denosaurus", "Raptor"),
    'Expected actual: "Denosaurus" to contain: "Raptor".',
  );
});

Deno.test("assertArrayIncludes finds values by deep equality", () => {
  assertArrayIncludes([1, 2, 3], [3, 1]);
  assertArrayIncludes([{ a: 1 }, { b: 2 }], [{ b: 2 }]);
  assertArrayIncludes(new Uint8Array([1, 2]), [2]);
  assertArrayIncludes([NaN], [NaN]);
  failsWith(() => assertArrayIncludes([1, 2], [3]), "missing: [ 3 ]");
  failsWith(
    () => assertArrayIncludes([{ a: 1 }], [{ a: 2 }], "custom"),
    "custom",
  );
});

Deno.test("assertObjectMatch ignores properties that expected leaves out", () => {
  assertObjectMatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } });
  assertObjectMatch({ list: [{ id: 1, x: 1 }, { id: 2 }] }, {
    list: [{ id: 1 }],
  });
  assertObjectMatch({ re: /a/g, extra: 1 }, { re: /a/g });
  assertObjectMatch(
    { m: new Map([["k", { a: 1, b: 2 }], ["other", {}]]) },
    { m: new Map([["k", { a: 1 }]]) },
  );
  assertObjectMatch({ s: new Set([1, 2, 3]) }, { s: new Set([1, 2]) });
  class Instance {
    a = 1;
    b = 2;
  }
  assertObjectMatch({ nested: new Instance() }, { nested: { a: 1 } });
});

Deno.test("assertObjectMatch fails on a differing or missing property", () => {
  failsWith(
    () => assertObjectMatch({ a: 1, b: { c: 2 } }, { b: { c: 4 } }),
    "Values are not equal.",
    "c: 4",
  );
  failsWith(() => assertObjectMatch({ a: 1 }, { a: 1, b: 2 }));
  failsWith(() => assertObjectMatch({ list: [1] }, { list: [1, 2] }));
  failsWith(() => assertObjectMatch({ re: /a/g }, { re: /a/i }));
  failsWith(() => assertObjectMatch({ d: new Date(1) }, { d: new Date(2) }));
  failsWith(() => assertObjectMatch({ a: 1 }, { a: 2 }, "custom"), "custom");
});

Deno.test("assertGreater, assertLess and their OrEqual forms compare with < and >", () => {
  assertGreater(2, 1);
  assertGreaterOrEqual(2, 2);
  assertLess(1, 2);
  assertLessOrEqual(2, 2);
  assertGreater("b", "a");
  failsWith(() => assertGreater(1, 1), "Expect 1 > 1");
  failsWith(() => assertGreaterOrEqual(1, 2), "Expect 1 >= 2");
  failsWith(() => assertLess(2, 2), "Expect 2 < 2");
  failsWith(() => assertLessOrEqual(3, 2), "Expect 3 <= 2");
  node.throws(() => assertLess(2, 1, "replaced"), { message: "replaced" });
});

Deno.test("assertInstanceOf checks the class and narrows the type", () => {
  const value: unknown = new Date(0);
  assertInstanceOf(value, Date);
  node.equal(value.getTime(), 0);
  failsWith(
    () => assertInstanceOf(1, Date),
    'Expected object to be an instance of "Date" but was "number".',
  );
  failsWith(() => assertInstanceOf(null, Date), 'but was "null"');
  failsWith(
    () => assertInstanceOf(new Map(), Date, "custom"),
    'but was "Map": custom',
  );
});

Deno.test("assertNotInstanceOf fails on an instance of the class", () => {
  assertNotInstanceOf(1, Date);
  failsWith(
    () => assertNotInstanceOf(new Date(), Date),
    "to not be an instance",
  );
});

Deno.test("assertIsError checks class and message", () => {
  assertIsError(new RangeError("out of range"), RangeError, "range");
  assertIsError(new RangeError("out of range"), Error, /of r/);
  failsWith(
    () => assertIsError("text"),
    'Expected "error" to be an Error object.',
  );
  failsWith(
    () => assertIsError(new TypeError("x"), RangeError),
    'Expected error to be instance of "RangeError", but was "TypeError".',
  );
  failsWith(
    () => assertIsError(new Error("abc"), Error, "xyz"),
    'Expected error message to include "xyz", but got "abc".',
  );
});

Deno.test("assertThrows returns what the function threw", () => {
  const error = new TypeError("boom");
  node.equal(
    assertThrows(() => {
      throw error;
    }),
    error,
  );
  node.equal(
    assertThrows(() => {
      throw "text";
    }),
    "text",
  );
  const typed: TypeError = assertThrows(
    () => {
      throw error;
    },
    TypeError,
    "oo",
  );
  node.equal(typed, error);
  assertThrows(() => {
    throw error;
  }, Error);
});

Deno.test("assertThrows fails when nothing or the wrong thing is thrown", () => {
  failsWith(() => assertThrows(() => {}), "Expected function to throw.");
  failsWith(
    () => assertThrows(() => {}, "custom"),
    "Expected function to throw: custom",
  );
  failsWith(
    () => assertThrows(() => {}, TypeError, "x", "custom"),
    "Expected function to throw: custom",
  );
  failsWith(
    () =>
      assertThrows(() => {
        throw new TypeError("boom");
      }, RangeError),
    'Expected error to be instance of "RangeError", but was "TypeError".',
  );
  failsWith(
    () =>
      assertThrows(
        () => {
          throw new TypeError("boom");
        },
        TypeError,
        "bam",
      ),
    'include "bam", but got "boom"',
  );
  failsWith(
    () =>
      assertThrows(() => {
        throw "text";
      }, Error),
    "A non-Error object was thrown.",
  );
});

Deno.test("assertRejects resolves to the rejection reason", async () => {
  const error = new TypeError("boom");
  node.equal(await assertRejects(() => Promise.reject(error)), error);
  node.equal(await assertRejects(() => Promise.reject("text")), "text");
  const typed: TypeError = await assertRejects(
    async () => {
      await Promise.resolve();
      throw error;
    },
    TypeError,
    "oo",
  );
  node.equal(typed, error);
});

Deno.test("assertRejects fails when the promise resolves or rejects wrongly", async () => {
  await rejectsWith(
    () => assertRejects(() => Promise.resolve(1)),
    "Expected function to reject.",
  );
  await rejectsWith(
    () => assertRejects(() => Promise.resolve(1), "custom"),
    "Expected function to reject: custom",
  );
  await rejectsWith(
    () => assertRejects(() => Promise.reject(new TypeError("x")), RangeError),
    'Expected error to be instance of "RangeError", but was "TypeError".',
  );
  await rejectsWith(
    () => assertRejects(() => Promise.reject(new Error("abc")), Error, "xyz"),
    'include "xyz", but got "abc"',
  );
  await rejectsWith(
    () => assertRejects(() => Promise.reject("text"), Error),
    "A non-Error object was rejected.",
  );
});

Deno.test("assertRejects fails when the function throws instead of returning a promise", async () => {
  await rejectsWith(
    () =>
      assertRejects(() => {
        throw new Error("sync");
      }),
    "Function throws when expected to reject.",
  );
  await rejectsWith(
    () => assertRejects((() => 1) as unknown as () => Promise<unknown>),
    "Function throws when expected to reject.",
  );
});

Deno.test("fail, unreachable and unimplemented always throw", () => {
  failsWith(() => fail(), "Failed assertion.");
  failsWith(() => fail("custom"), "Failed assertion: custom");
  failsWith(() => unreachable(), "Unreachable.");
  failsWith(() => unreachable("custom"), "Unreachable: custom");
  failsWith(() => unimplemented(), "Unimplemented.");
});
