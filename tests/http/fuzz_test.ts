/**
 * Generated hostile requests through the app, from a seeded PRNG so every run
 * sends the same ones: header and cookie abuse, bad encodings, deep and huge
 * JSON, prototype pollution, path tricks, malformed JSON carrying every
 * option, adversarial wildcards. Every answer must be a 2xx or a 4xx in the
 * documented JSON shape, and no answer, cookie or log line may carry a secret.
 * Against the real server: bursts of bodies held back and released together,
 * bodies that trickle in, and listings with wildcards built to backtrack.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { wildcardMatcher, type WorkMeter } from "../../src/simulator/_wildcard.ts";
import { mayStartServer, startServer } from "../_server.ts";
import {
  API_KEY,
  AWS_SECRET,
  KEYED,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../_helpers.ts";

const REQUESTS = 6_000;
const SEED = 0x5eed_2026;
const SECRETS = [API_KEY, AWS_SECRET];

/** mulberry32: a small, good-enough PRNG with a 32-bit seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => next() < p;
  /** Bytes a header value may hold: anything but NUL, CR and LF. */
  const headerText = (length: number) =>
    Array.from({ length }, () => {
      const code = 1 + int(255);
      return code === 10 || code === 13 ? "x" : String.fromCharCode(code);
    }).join("");
  return { int, pick, chance, headerText };
}

type Rng = ReturnType<typeof prng>;

const SEGMENTS = [
  "instance",
  REGION,
  "eu-central-1",
  "mars-1",
  RUNNING_ID,
  STOPPED_ID,
  "i-deadbeef",
  "start",
  "stop",
  "reboot",
  "START",
  "..",
  ".",
  "%2F",
  "%2f..%2f",
  "%00",
  "%ZZ",
  "%",
  "%C0%AE%C0%AE",
  "%E2%80%AE",
  "é",
  "𝕚𝕟𝕤𝕥𝕒𝕟𝕔𝕖",
  "\u202e",
  "",
  "instance%2Fus-west-2",
  "__proto__",
  "constructor",
  API_KEY,
  "a".repeat(3000),
  ";jsessionid=1",
  "?api_key=" + API_KEY,
  "#frag",
];

/** The routes besides /instance: the dashboard, its session, the sweep, the API's description. */
const OTHER_ROUTES = ["/", "/session", "/session/delete", "/sweep", "/docs", "/openapi.json"];

function path(rng: Rng): string {
  if (rng.chance(0.15)) return rng.pick(OTHER_ROUTES) + (rng.chance(0.2) ? "/" : "");
  const valid = ["instance", REGION, rng.pick([RUNNING_ID, STOPPED_ID])];
  if (rng.chance(0.6)) valid.push(rng.pick(["start", "stop", "reboot"]));
  const roll = rng.int(10);
  if (roll < 4) return `/${valid.join("/")}${rng.chance(0.3) ? "/" : ""}`;
  if (roll < 7) {
    // A well-formed path with one segment swapped for a trick: it reaches the key check.
    valid[1 + rng.int(valid.length - 1)] = rng.pick(SEGMENTS);
    return `/${valid.join("/")}`;
  }
  const count = 1 + rng.int(5);
  const segments = Array.from({ length: count }, () => rng.pick(SEGMENTS));
  const joiner = rng.chance(0.1) ? "//" : "/";
  return (rng.chance(0.1) ? "//" : "/") + segments.join(joiner) + (rng.chance(0.2) ? "/" : "");
}

function keyHeaders(rng: Rng): Record<string, string> {
  const key = rng.pick([API_KEY, "wrong", "", " ", API_KEY + " ", rng.headerText(20)]);
  switch (rng.int(9)) {
    case 0:
      return {};
    case 1:
      return { "x-api-key": key };
    case 2:
      return { "api_key": key, "api-key": "other" };
    case 3:
      return {
        authorization: rng.pick([`Bearer ${key}`, "Bearer", "Basic Og==", `bearer  ${key} x`]),
      };
    case 4:
      return { cookie: `api_key=${rng.pick([key, "%ZZ", "%00", '"quoted"', "a%3Db", "é"])}` };
    case 5: {
      const many = Array.from({ length: 200 + rng.int(800) }, (_, i) => `c${i}=${i}`);
      if (rng.chance(0.5)) many.splice(rng.int(many.length), 0, `api_key=${key}`);
      return { cookie: many.join("; ") };
    }
    case 6:
      return { cookie: rng.headerText(1 + rng.int(200)), "x-api-key": API_KEY };
    case 7:
      return { "x-api-key": "k".repeat(8_000 + rng.int(60_000)) };
    default:
      return { "x-api-key": rng.headerText(1 + rng.int(100)) };
  }
}

function noise(rng: Rng): Record<string, string> {
  const headers: Record<string, string> = {};
  if (rng.chance(0.3)) {
    headers["x-request-id"] = rng.pick([
      "ok-id-1",
      "a".repeat(500),
      "<script>",
      rng.headerText(30),
      API_KEY,
    ]);
  }
  if (rng.chance(0.2)) headers.origin = rng.pick(["https://evil.example", "null", "\u00ff"]);
  if (rng.chance(0.1)) headers["content-length"] = rng.pick(["-1", "99999999999", "abc"]);
  if (rng.chance(0.2)) headers["x-huge"] = "h".repeat(20_000 + rng.int(40_000));
  if (rng.chance(0.1)) headers.accept = "text/html";
  return headers;
}

function nested(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

function body(rng: Rng): { body: BodyInit; type: string } {
  const type = rng.pick([
    "application/json",
    "application/json; charset=utf-8",
    "application/vnd.api+json",
    "application/json; charset=latin1",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/jsonx",
  ]);
  const key = rng.pick([API_KEY, "wrong"]);
  const bodies = [
    () => JSON.stringify({ api_key: key }),
    () => `{"__proto__":{"api_key":"${key}"}}`,
    () => `{"constructor":{"prototype":{"api_key":"${key}"}},"api_key":"${key}"}`,
    () => `{"api_key":"${key}","__proto__":{"polluted":true}}`,
    () => nested(2_000 + rng.int(6_000), "[", "]", `"${key}"`),
    () => nested(1_000 + rng.int(2_000), '{"a":', "}", "1"),
    () => `{"api_key":${nested(3_000, "[", "]", "1")}}`,
    () => JSON.stringify({ api_key: key, pad: "x".repeat(10_000 + rng.int(20_000)) }),
    () => `{"api_key":"${key}\\u0000"}`,
    () => `{"api_key":"\\ud800"}`,
    () => `{"api_key": 1e999}`,
    () => new Blob([new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])]),
    () => "\u0000".repeat(100),
    () => `{"api_key":"${key}",` + '"a":1,'.repeat(1_000) + '"z":1}',
    () => "",
    () => brokenOptions(rng),
  ];
  return { body: rng.pick(bodies)(), type };
}

const OPTION_VALUES: Record<string, unknown[]> = {
  dry_run: [true, false, "true", 1, null],
  hibernate: [true, false, "1"],
  force: [true, false, "yes"],
  wait: [true, false],
  wait_seconds: [1, 60, 300, 301, "5", -1],
};

/** A JSON object of options with a break that no parser accepts. */
function brokenOptions(rng: Rng): string {
  const fields = Object.entries(OPTION_VALUES).filter(() => rng.chance(0.6))
    .map(([name, values]) => `"${name}": ${JSON.stringify(rng.pick(values))}`);
  if (fields.length === 0) fields.push('"dry_run": true');
  const inner = fields.join(", ");
  return rng.pick([
    () => `{${inner},}`,
    () => `{${inner}`,
    () => `{${inner.replace(",", ",,")}, "x": 1,}`,
    () => `{${inner}}}`,
    () => `{${inner} "force": true}`,
    () => `{'dry_run': true, ${inner}}`,
    () => `{${inner}, "dry_run": tru}`,
    () => `${inner}}`,
  ])();
}

function request(rng: Rng): RequestInit & { path: string } {
  const method = rng.pick([
    "GET",
    "GET",
    "POST",
    "POST",
    "PUT",
    "HEAD",
    "DELETE",
    "OPTIONS",
    "PATCH",
    "TRACE",
    "PROPFIND",
  ]);
  const headers: Record<string, string> = { ...keyHeaders(rng), ...noise(rng) };
  const init: RequestInit & { path: string } = { path: path(rng), method, headers };
  if (!["GET", "HEAD"].includes(method) && rng.chance(0.7)) {
    const { body: content, type } = body(rng);
    init.body = content;
    headers["content-type"] = type;
  }
  return init;
}

function checkSecretFree(text: string, where: string) {
  for (const secret of SECRETS) {
    assert(!text.includes(secret), `${where} carries a secret: ${text.slice(0, 200)}`);
  }
}

Deno.test("thousands of hostile requests get 2xx or JSON 4xx, echo no secret, and leave the server serving", async () => {
  const { app, lines, audit } = await testService();
  const rng = prng(SEED);
  const statuses = new Map<number, number>();
  let sent = 0;
  for (let i = 0; sent < REQUESTS; i++) {
    assert(i < REQUESTS * 2, "too many requests could not be built");
    const { path: target, ...init } = request(rng);
    let built: Request;
    try {
      built = new Request(new URL(target, "http://localhost"), init);
    } catch {
      continue; // Not sendable over HTTP at all, so not the server's concern.
    }
    sent++;
    const address = `198.51.100.${rng.int(40)}`;
    const response = await app.request(built, undefined, { clientAddress: address });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const text = await response.text();
    const what = `${init.method} ${target.slice(0, 80)} → ${response.status}`;
    assert(response.status < 500, `${what}: ${text}`);
    checkSecretFree(text, what);
    // Signing in sets a session cookie, which never holds the key.
    const cookie = response.headers.get("set-cookie");
    if (cookie && !cookie.includes("Max-Age=0")) {
      assertMatch(
        cookie,
        /^__Host-workwork_session=[\w-]+\.[\w-]+; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
        what,
      );
    }
    checkSecretFree([...response.headers].flat().join(" "), `${what} headers`);
    // The dashboard's page and its sign-in form answer a person, in HTML.
    const formType = /^(?:application\/x-www-form-urlencoded|multipart\/form-data)/.test(
      (init.headers as Record<string, string>)["content-type"] ?? "",
    );
    const formPage = response.headers.get("content-type") === "text/html; charset=UTF-8" && (
      (["GET", "HEAD"].includes(init.method!) && new URL(built.url).pathname === "/") ||
      (init.method === "POST" && /^\/session\/?$/.test(new URL(built.url).pathname) && formType)
    );
    if (response.status >= 400 && !formPage) {
      assertEquals(response.headers.get("content-type"), "application/json", what);
    }
    if (response.status >= 400 && init.method !== "HEAD" && !formPage) {
      const parsed = JSON.parse(text);
      assertEquals(Object.keys(parsed), ["errors"], what);
      assertEquals(parsed.errors.length, 1, what);
      assertEquals(Object.keys(parsed.errors[0]).sort(), ["id", "title"], what);
      assertEquals(typeof parsed.errors[0].id, "string", what);
      assertEquals(typeof parsed.errors[0].title, "string", what);
    }
    assertEquals(response.headers.get("x-content-type-options"), "nosniff", what);
    assertEquals(response.headers.get("cache-control"), "no-store", what);
    assert(response.headers.get("x-request-id"), what);
  }
  for (const line of [...lines, ...audit]) checkSecretFree(line, "a log line");
  assertEquals(Object.keys(Object.prototype), [], "Object.prototype is untouched");
  assertEquals(({} as Record<string, unknown>).api_key, undefined);
  assertEquals(({} as Record<string, unknown>).polluted, undefined);
  // Every kind of answer showed up: the fuzz reached past the key check, and into denials.
  for (const status of [200, 204, 401, 404, 405, 413, 422, 429]) {
    assert((statuses.get(status) ?? 0) > 0, `no ${status} among ${JSON.stringify([...statuses])}`);
  }
  const good = await app.request(`/instance/${REGION}/${RUNNING_ID}`, { headers: KEYED }, {
    clientAddress: "192.0.2.1",
  });
  assertEquals(good.status, 200);
});

Deno.test("path tricks and cookie abuse each get a clear JSON 4xx", async () => {
  const { app, simulator } = await testService();
  const id = RUNNING_ID;
  const cases: [string, string, number, string][] = [
    ["GET", `/instance/${REGION}%2F${id}`, 422, "region"],
    ["GET", `/instance/${REGION}/${id}%00`, 422, "instance_id"],
    ["GET", `/instance/${REGION}/${id}%2F..%2F..`, 422, "instance_id"],
    ["GET", `//instance/${REGION}/${id}`, 404, "path"],
    ["GET", `/instance//${REGION}/${id}`, 404, "path"],
    ["POST", `/instance/${REGION}/${id}/%ZZ`, 422, "action"],
    ["POST", `/instance/${REGION}/${id}/START`, 422, "action"],
    ["POST", `/instance/${REGION}/${id}/st%00art`, 422, "action"],
    ["GET", `/instance/ｕｓ-west-2/${id}`, 422, "region"],
    ["GET", `/instance/${REGION}/i-0A1B2C3D4E5F60718`, 422, "instance_id"],
    ["POST", `/instance/${REGION}/${id}`, 405, "method"],
  ];
  for (const [method, path, status, errorId] of cases) {
    const response = await app.request(path, { method, headers: KEYED });
    assertEquals(response.status, status, `${method} ${path}`);
    assertEquals((await response.json()).errors[0].id, errorId, `${method} ${path}`);
  }
  for (const cookie of ["api_key=%ZZ", "api_key=%00", "api_key=a; api_key=b", "api_key"]) {
    const response = await app.request(`/instance/${REGION}/${id}`, { headers: { cookie } });
    assertEquals(response.status >= 400 && response.status < 500, true, cookie);
    assertEquals((await response.json()).errors[0].id, "api_key", cookie);
  }
  assertEquals(simulator.calls.length, 0, "none of them reached EC2");
});

Deno.test("malformed JSON carrying every option never acts: 422 body, or the key's own answer first", async () => {
  const { app, simulator } = await testService();
  const rng = prng(SEED ^ 0x0b0d7);
  for (let i = 0; i < 600; i++) {
    const action = rng.pick(["start", "stop", "reboot"]);
    const id = rng.pick([RUNNING_ID, STOPPED_ID]);
    const text = brokenOptions(rng);
    const wrongKey = rng.chance(0.2);
    const response = await app.request(`/instance/${REGION}/${id}/${action}`, {
      method: rng.pick(["POST", "PUT"]),
      headers: {
        "content-type": rng.pick(["application/json", "application/vnd.api+json; charset=utf-8"]),
        "x-api-key": wrongKey ? `guess-${i}` : API_KEY,
      },
      body: text,
    }, { clientAddress: `203.0.113.${i % 250}` });
    const error = (await response.json()).errors[0];
    if (wrongKey) assertEquals(response.status, 401, text);
    else assertEquals([response.status, error.id], [422, "body"], text);
  }
  assertEquals(simulator.calls, [], "nothing reached EC2");
});

/** The wildcard as a regular expression, for small inputs only: the reference. */
function referenceMatch(pattern: string, value: string): boolean {
  const literal = (char: string) => char.replace(/[.*?+^${}()|[\]\\]/g, "\\$&");
  let source = "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (char === "\\") source += literal(i + 1 < chars.length ? chars[++i] : "\\");
    else if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else source += literal(char);
  }
  return new RegExp(`^${source}$`, "su").test(value);
}

Deno.test("adversarial wildcards agree with a reference matcher and stay within linear work", () => {
  const rng = prng(SEED ^ 0x61057);
  const alphabet = ["a", "b", "*", "?", "\\", "é"];
  for (let i = 0; i < 20_000; i++) {
    const pattern = Array.from({ length: rng.int(9) }, () => rng.pick(alphabet)).join("");
    const value = Array.from({ length: rng.int(9) }, () => rng.pick(["a", "b", "*", "?", "é"]))
      .join("");
    assertEquals(
      wildcardMatcher(pattern)(value),
      referenceMatch(pattern, value),
      `${pattern} ~ ${value}`,
    );
  }
  for (let i = 0; i < 200; i++) {
    const pattern = Array.from({ length: 1 + rng.int(4000) }, () => rng.pick(["*", "a", "?", "*a"]))
      .join("") + rng.pick(["X", "", "*X*"]);
    const value = "a".repeat(rng.int(257));
    const meter: WorkMeter = { steps: 0 };
    wildcardMatcher(pattern)(value, meter);
    const bound = (value.length + 1) * ([...pattern].length + 1);
    assert(meter.steps <= bound, `${meter.steps} steps for ${pattern.length} × ${value.length}`);
  }
});

const serverGranted = await mayStartServer();

Deno.test({
  name: "the real server: held-back bursts, trickling bodies and backtracking wildcards",
  ignore: !serverGranted,
  async fn() {
    const server = await startServer({ API_KEY, DEMO: "true" });
    try {
      const listing = `${server.base}/instance/us-west-2`;
      // Wildcards built to backtrack, many at once: each answers, and so does the next request.
      const globs = await Promise.all(
        Array.from({ length: 20 }, (_, n) => {
          const pattern = encodeURIComponent("*".repeat(500 + n * 50) + "X");
          return fetch(`${listing}?tag:Name=${pattern}&tag:start_time=${pattern}`, {
            headers: KEYED,
          }).then(async (response) => [response.status, (await response.json()).instances]);
        }),
      );
      for (const answer of globs) assertEquals(answer, [200, []]);

      // A body that trickles in, one byte at a time, with a stray comma: refused, nothing done.
      const text = new TextEncoder().encode('{"dry_run": true, "hibernate": true,}');
      let sent = 0;
      const trickle = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (sent < text.length) controller.enqueue(text.slice(sent, ++sent));
          else controller.close();
        },
      });
      const slow = await fetch(`${listing}/i-0a1b2c3d4e5f60718/stop`, {
        method: "POST",
        headers: { ...KEYED, "content-type": "application/json" },
        body: trickle,
      });
      assertEquals([slow.status, (await slow.json()).errors[0].id], [422, "body"]);
      const box = await (await fetch(`${listing}/i-0a1b2c3d4e5f60718`, { headers: KEYED })).json();
      assertEquals(box.state, "running");

      // Bodies held back, all opened before any is sent, then released together.
      const releases: (() => void)[] = [];
      const held = Array.from({ length: 60 }, (_, n) => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            releases.push(() => {
              controller.enqueue(
                new TextEncoder().encode(JSON.stringify({ api_key: `guess-${n}` })),
              );
              controller.close();
            });
          },
        });
        return fetch(`${listing}/i-0b2c3d4e5f6071829/start`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        }).then(async (response) => {
          await response.body?.cancel();
          return response.status;
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const release of releases) release();
      const statuses = await Promise.all(held);
      assertEquals(statuses.filter((status) => status === 401).length, 10);
      assertEquals(statuses.filter((status) => status === 429).length, 50);
      const right = await fetch(`${listing}/i-0b2c3d4e5f6071829/start`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ api_key: API_KEY }),
      });
      assertEquals(right.status, 429);
      await right.body?.cancel();
    } finally {
      await server.stop();
    }
  },
});
