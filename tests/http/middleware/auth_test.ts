import { assertEquals, assertStringIncludes } from "@std/assert";
import { keyDigest, matchKey } from "../../../src/domain/keys.ts";
import { FULL_ACCESS } from "../../../src/domain/scopes.ts";
import {
  API_KEY,
  errorOf,
  KEYED,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../../_helpers.ts";

const READ = `/instance/${REGION}/${RUNNING_ID}/`;
const START = `/instance/${REGION}/${STOPPED_ID}/start/`;

function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

Deno.test("a request with no key anywhere gets the original's 422 and makes no EC2 call", async () => {
  const { app, simulator } = await testService();
  for (const [path, init] of [[READ, {}], [START, { method: "POST" }]] as const) {
    const response = await app.request(path, init);
    assertEquals(response.status, 422);
    assertEquals(await errorOf(response), {
      id: "api_key",
      title: "Missing data for required field.",
    });
  }
  assertEquals(simulator.calls.length, 0);
});

Deno.test("a wrong key, the empty one too, gets 401 and the handler never runs", async () => {
  const { app, simulator } = await testService();
  for (const key of ["wrong", "", API_KEY.slice(1), API_KEY.toUpperCase()]) {
    const response = await app.request(START, { method: "POST", headers: { "api_key": key } });
    assertEquals(response.status, 401, JSON.stringify(key));
    assertEquals(await errorOf(response), { id: "api_key", title: "Invalid api key" });
  }
  assertEquals(simulator.calls.length, 0);
});

Deno.test("a key accepted before is accepted again, and near misses stay refused", async () => {
  const { app } = await testService();
  for (let i = 0; i < 2; i++) {
    assertEquals((await app.request(READ, { headers: KEYED })).status, 200);
    for (const key of [API_KEY + "x", API_KEY.slice(0, -1), `x${API_KEY}`]) {
      const response = await app.request(READ, { headers: { "x-api-key": key } });
      assertEquals(response.status, 401, JSON.stringify(key));
    }
  }
});

Deno.test("the key is accepted from each header name, in any case", async () => {
  const { app } = await testService();
  for (const name of ["api_key", "Api-Key", "X-Api-Key", "API_KEY", "x-api-key", "API-KEY"]) {
    const response = await app.request(READ, { headers: { [name]: API_KEY } });
    assertEquals(response.status, 200, name);
  }
});

Deno.test("the key is accepted as a bearer token and as the api_key cookie", async () => {
  const { app } = await testService();
  const sources: Record<string, string>[] = [
    { authorization: `Bearer ${API_KEY}` },
    { authorization: `bearer   ${API_KEY}` },
    { cookie: `theme=dark; api_key=${API_KEY}` },
  ];
  for (const headers of sources) {
    const response = await app.request(READ, { headers });
    assertEquals(response.status, 200, JSON.stringify(headers));
  }
});

Deno.test("an Authorization header of another scheme is not a key", async () => {
  const { app } = await testService();
  const response = await app.request(READ, { headers: { authorization: `Basic ${btoa("a:b")}` } });
  assertEquals(response.status, 422);
});

Deno.test("POST takes the key from the JSON body", async () => {
  const { app, simulator } = await testService();
  const response = await app.request(START, json({ api_key: API_KEY }));
  assertEquals(response.status, 204);
  assertEquals(simulator.calls.map(({ action }) => action), [
    "StartInstances",
    "CreateTags",
    "DescribeInstances",
  ]);
});

Deno.test("PUT takes the key from the JSON body, +json content types included", async () => {
  const { app } = await testService();
  const response = await app.request(START, {
    ...json({ api_key: API_KEY }),
    method: "PUT",
    headers: { "content-type": "application/vnd.api+json; charset=utf-8" },
  });
  assertEquals(response.status, 204);
});

Deno.test("a JSON api_key of null or not a string gets the original's 422s", async () => {
  const { app, simulator } = await testService();
  const cases: [unknown, string][] = [
    [null, "Field may not be null."],
    [12345, "Not a valid string."],
    [[API_KEY], "Not a valid string."],
    [{ key: API_KEY }, "Not a valid string."],
    [true, "Not a valid string."],
  ];
  for (const [value, title] of cases) {
    // The header holds the right key: the body's field is present, so it wins.
    const response = await app.request(START, json({ api_key: value }, KEYED));
    assertEquals(response.status, 422);
    assertEquals(await errorOf(response), { id: "api_key", title });
  }
  assertEquals(simulator.calls.length, 0);
});

Deno.test("malformed JSON, {} and non-object JSON let the key fall through to the header", async () => {
  const { app, simulator } = await testService();
  for (const body of ["{not json", "{}", "[]", '"api_key"', "null", ""]) {
    const wrong = await app.request(START, json(body, { "x-api-key": "wrong" }));
    assertEquals(wrong.status, 401, body);
  }
  for (const body of ["{}", ""]) {
    assertEquals((await app.request(START, json(body, KEYED))).status, 204, body);
  }
  const before = simulator.calls.length;
  // The key was found in the header, but a body that carries no options it
  // can read is refused rather than dropped: see action_options_test.ts.
  for (const body of ["{not json", "[]", '"api_key"', "null"]) {
    const response = await app.request(START, json(body, KEYED));
    assertEquals(response.status, 422, body);
    assertEquals((await errorOf(response)).id, "body");
  }
  assertEquals(simulator.calls.length, before);
});

Deno.test("the first source present wins even when it is wrong", async () => {
  const { app, simulator } = await testService();
  const cases: [RequestInit, number][] = [
    [json({ api_key: "wrong" }, KEYED), 401],
    [json({ api_key: API_KEY }, { "x-api-key": "wrong" }), 204],
    [{ method: "POST", headers: { "api_key": "wrong", "x-api-key": API_KEY } }, 401],
    [
      { method: "POST", headers: { "x-api-key": "wrong", authorization: `Bearer ${API_KEY}` } },
      401,
    ],
    [
      { method: "POST", headers: { authorization: "Bearer wrong", cookie: `api_key=${API_KEY}` } },
      401,
    ],
    [{ method: "POST", headers: { "x-api-key": API_KEY, cookie: "api_key=wrong" } }, 204],
  ];
  for (const [init, status] of cases) {
    const response = await app.request(START, init);
    assertEquals(response.status, status, JSON.stringify(init.headers));
  }
  assertEquals(simulator.calls.filter(({ action }) => action === "StartInstances").length, 2);
});

Deno.test("a key in the query string or a form body is never taken", async () => {
  const { app, lines } = await testService();
  const query = await app.request(`${READ}?api_key=${API_KEY}`);
  assertEquals(query.status, 422);
  const form = await app.request(START, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `api_key=${API_KEY}`,
  });
  assertEquals(form.status, 422);
  const textBody = await app.request(START, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({ api_key: API_KEY }),
  });
  assertEquals(textBody.status, 422);
  assertEquals(lines.length, 3);
  for (const line of lines) assertEquals(line.includes(API_KEY), false, line);
});

Deno.test("the key is checked before validation", async () => {
  const { app } = await testService();
  const response = await app.request("/instance/mars-1/not-an-id/explode");
  assertEquals(response.status, 405);
  const post = await app.request("/instance/mars-1/not-an-id/explode", { method: "POST" });
  assertEquals(post.status, 422);
  assertEquals((await errorOf(post)).id, "api_key");
});

Deno.test("no answer or log line carries a key, even a wrong one", async () => {
  const { app, lines } = await testService();
  const wrong = "wrong-key-that-must-not-echo";
  const answers = await Promise.all([
    app.request(READ, { headers: { "x-api-key": wrong } }),
    app.request(`/instance/${REGION}/${wrong}/start`, { method: "POST", headers: KEYED }),
    app.request(`/${API_KEY}`, { headers: KEYED }),
    app.request(START, json({ api_key: wrong })),
  ]);
  for (const answer of answers) {
    const text = await answer.text();
    for (const secret of [wrong, API_KEY]) {
      assertEquals(text.includes(secret), false, text);
      assertEquals([...answer.headers.values()].join(" ").includes(secret), false);
    }
  }
  for (const line of lines) {
    assertEquals(line.includes(wrong) || line.includes(API_KEY), false, line);
  }
});

Deno.test("matchKey finds the matching entry among several", async () => {
  const entries = [
    { name: "ci", digest: await keyDigest("ci-key"), scope: FULL_ACCESS },
    { name: "phone", digest: await keyDigest("phone-key"), scope: FULL_ACCESS },
  ];
  assertEquals((await matchKey(entries, "phone-key"))?.name, "phone");
  assertEquals((await matchKey(entries, "ci-key"))?.name, "ci");
  assertEquals(await matchKey(entries, "phone-key2"), null);
  assertStringIncludes("ci phone", (await matchKey(entries, "ci-key"))!.name);
});
