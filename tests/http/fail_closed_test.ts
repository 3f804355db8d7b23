/**
 * Options fail closed: a body the service cannot read, or a field it does not
 * take, is refused before any EC2 call, never dropped.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import {
  API_KEY,
  errorOf,
  KEYED,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../_helpers.ts";

const START = `/instance/${REGION}/${STOPPED_ID}/start`;
const STOP = `/instance/${REGION}/${RUNNING_ID}/stop`;
const A = "i-0aaaaaaaaaaaaaaa1";

function post(body: string, type: string | null, headers: Record<string, string> = KEYED) {
  return {
    method: "POST",
    headers: { ...headers, ...(type === null ? {} : { "content-type": type }) },
    body,
  };
}

Deno.test("a stray comma after dry_run, hibernate or force is refused with 422 body and nothing happens", async () => {
  const { app, simulator } = await testService();
  const cases: [string, string][] = [
    [START, '{"dry_run": true,}'],
    [STOP, '{"hibernate": true,}'],
    [STOP, '{"force": true,}'],
    [START, '{"wait": true, "wait_seconds": 5,}'],
    [STOP, '{"dry_run": true'],
  ];
  for (const [path, body] of cases) {
    const response = await app.request(path, post(body, "application/json"));
    assertEquals(response.status, 422, body);
    const error = await errorOf(response);
    assertEquals(error.id, "body", body);
    assertStringIncludes(error.title, "does not parse");
  }
  assertEquals(simulator.calls, []);
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.state, "stopped");
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "running");
});

Deno.test("the key check still comes first: a wrong header key with a broken body answers 401", async () => {
  const { app, simulator } = await testService();
  const response = await app.request(
    START,
    post('{"dry_run": true,}', "application/json", { "x-api-key": "wrong" }),
  );
  assertEquals(response.status, 401);
  assertEquals(simulator.calls, []);
});

Deno.test("a non-empty body that is not JSON is refused with 415 on the change routes", async () => {
  const { app, simulator } = await testService();
  for (
    const [body, type] of [
      ["dry_run=true", "application/x-www-form-urlencoded"],
      ['{"dry_run": true}', "text/plain"],
      ['{"dry_run": true}', null],
    ] as const
  ) {
    const response = await app.request(START, post(body, type));
    assertEquals(response.status, 415, `${type}`);
    const error = await errorOf(response);
    assertEquals(error.id, "body");
    assertStringIncludes(error.title, "send JSON");
  }
  assertEquals(simulator.calls, []);
});

Deno.test("a form body dry_run=true on /sweep is refused with 415 and sweeps nothing", async () => {
  const service = await testService({
    instances: [{
      id: A,
      region: REGION,
      state: "running",
      tags: { "workwork:max_runtime": "1h", start_time: "2026-11-26T00:00:00.000Z" },
    }],
    sweep: { regions: [REGION], maxRuntimeMs: null },
  });
  const response = await service.app.request(
    "/sweep",
    post("dry_run=true", "application/x-www-form-urlencoded"),
  );
  assertEquals(response.status, 415);
  assertEquals((await errorOf(response)).id, "body");
  assertEquals(service.simulator.calls, []);
  assertEquals(service.simulator.instance(REGION, A)?.state, "running");
  const json = await service.app.request("/sweep", post('{"dry_run": true}', "application/json"));
  assertEquals((await json.json()).dry_run, true);
  assertEquals(service.simulator.instance(REGION, A)?.state, "running");
});

Deno.test("a field the route does not take is refused, in the body and in the query", async () => {
  const { app, simulator } = await testService();
  const typo = await app.request(START, post('{"dry-run": true}', "application/json"));
  assertEquals(typo.status, 422);
  // Not echoed (only [a-z_]{1,24} is), but the answer lists what the route takes.
  const error = await errorOf(typo);
  assertEquals(error.id, "request");
  assertStringIncludes(error.title, "dry_run");
  const query = await app.request(`${START}?dryrun=true`, { method: "POST", headers: KEYED });
  assertEquals(query.status, 422);
  assertStringIncludes((await errorOf(query)).title, '"dryrun"');
  const sweep = await app.request("/sweep?force=true", { method: "POST", headers: KEYED });
  assertEquals(sweep.status, 422);
  assertEquals(simulator.calls, []);
});

Deno.test("JSON that is not an object is refused; an empty body with a JSON type is no options", async () => {
  const { app, simulator } = await testService();
  for (const body of ["[]", "true", '"dry_run"']) {
    const response = await app.request(START, post(body, "application/json"));
    assertEquals(response.status, 422, body);
    assertEquals((await errorOf(response)).id, "body");
  }
  assertEquals(simulator.calls, []);
  const empty = await app.request(START, post("  \n", "application/json; charset=utf-8"));
  assertEquals(empty.status, 204);
  const keyInBody = await app.request(
    STOP,
    post(JSON.stringify({ api_key: API_KEY, hibernate: false }), "application/vnd.api+json"),
  );
  assertEquals(keyInBody.status, 204);
});
