/**
 * The OpenAPI document against the routes, parameter by parameter: every
 * documented path parameter, query parameter and JSON body field has sample
 * values a client could send; each is judged by the document's schema and by
 * the route's real validator, and both must agree with what the sample
 * expects. Then the routes' real answers are checked against the documented
 * schemas. A parameter or field documented without samples fails the test.
 */
import { assert, assertEquals } from "@std/assert";
import { OPENAPI_DOCUMENT } from "../../src/http/openapi.ts";
import { Route53Client } from "../../src/aws/route53.ts";
import { route53DnsProvider } from "../../src/domain/dns.ts";
import { Route53Simulator } from "../../src/simulator/route53.ts";
import {
  API_KEY,
  errorOf,
  KEYED,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../_helpers.ts";

type Json = Record<string, unknown>;
type Schema = Json;

const DOCUMENT = OPENAPI_DOCUMENT as Json;
const SCHEMAS = (DOCUMENT.components as { schemas: Record<string, Schema> }).schemas;

/** The schema `schema` points at when it is a `$ref`, else itself. */
function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  const name = ref.replace("#/components/schemas/", "");
  assert(SCHEMAS[name], `schema ${name} is missing`);
  return resolve(SCHEMAS[name]);
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * What is wrong with `value` by `schema`, JSON Schema as the document uses it
 * (`$ref`, `type`, `enum`, `const`, `pattern`, `minimum`, `maximum`,
 * `required`, `properties`, `additionalProperties`, `items`, `oneOf`). An
 * object key the schema does not declare is wrong too: an answer carries no
 * undocumented field.
 */
function schemaErrors(input: Schema, value: unknown, at = "$"): string[] {
  const schema = resolve(input);
  if (Array.isArray(schema.oneOf)) {
    const matches = schema.oneOf.filter((option) => schemaErrors(option, value, at).length === 0);
    return matches.length === 1 ? [] : [`${at}: matches ${matches.length} of oneOf`];
  }
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const types = [schema.type].flat() as string[];
    const type = typeOf(value);
    if (!types.includes(type) && !(type === "integer" && types.includes("number"))) {
      return [`${at}: ${JSON.stringify(value)} is not ${types.join(" or ")}`];
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`);
  }
  if ("const" in schema && schema.const !== value) errors.push(`${at}: is not ${schema.const}`);
  if (typeof value === "string" && typeof schema.pattern === "string") {
    if (!new RegExp(schema.pattern, "u").test(value)) {
      errors.push(`${at}: "${value}" does not match ${schema.pattern}`);
    }
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) errors.push(`${at}: < min`);
    if (typeof schema.maximum === "number" && value > schema.maximum) errors.push(`${at}: > max`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      errors.push(...schemaErrors(schema.items as Schema, item, `${at}[${i}]`))
    );
  }
  if (typeOf(value) === "object") {
    const object = value as Json;
    for (const name of (schema.required ?? []) as string[]) {
      if (!Object.hasOwn(object, name)) errors.push(`${at}: "${name}" is missing`);
    }
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [name, field] of Object.entries(object)) {
      if (properties[name]) errors.push(...schemaErrors(properties[name], field, `${at}.${name}`));
      else if (schema.additionalProperties) {
        errors.push(...schemaErrors(schema.additionalProperties as Schema, field, `${at}.${name}`));
      } else errors.push(`${at}: "${name}" is not documented`);
    }
  }
  return errors;
}

/** A documented parameter. */
interface Parameter {
  name: string;
  in: "path" | "query";
  schema: Schema;
  style?: string;
  explode?: boolean;
}

/**
 * Whether the document accepts `raw` as the value of `parameter`, read as
 * OpenAPI serializes it: `true`/`false` for booleans, decimal digits for
 * integers, comma-separated items for an array with `style: form, explode: false`.
 */
function documentAccepts(parameter: Parameter, raw: string): boolean {
  const schema = resolve(parameter.schema);
  let value: unknown = raw;
  if (schema.type === "boolean") {
    if (raw !== "true" && raw !== "false") return false;
    value = raw === "true";
  } else if (schema.type === "integer") {
    if (!/^-?\d+$/.test(raw)) return false;
    value = Number(raw);
  } else if (schema.type === "array") {
    assertEquals([parameter.style, parameter.explode], ["form", false], parameter.name);
    value = raw.split(",");
  }
  return schemaErrors(schema, value).length === 0;
}

/** Values a client could send, as the URL or body carries them, that both sides must accept or refuse. */
interface Samples<T> {
  accept: T[];
  refuse: T[];
}

/** Samples of each path and query parameter, written out (not derived from the constants under test). */
const PARAMETER_SAMPLES: Record<string, Samples<string>> = {
  region: {
    accept: ["us-west-2", "us-gov-west-1", "eusc-de-east-1", "ap-southeast-5", "cn-north-1"],
    refuse: ["us-a-1", "US-WEST-2", "us-west", "us-west-123", "uswest2", "u-west-2"],
  },
  instance_id: {
    accept: [RUNNING_ID, "i-abba916a", "i-0123456789abcdef0"],
    refuse: ["i-0A1B2C3D4E5F60718", "i-0123", "i-0123456789abcdef", "j-abba916a", "i-abba916a0"],
  },
  action: { accept: ["start", "stop", "reboot"], refuse: ["hibernate", "Start", "terminate"] },
  target: { accept: ["dev-box", RUNNING_ID, "a name with spaces"], refuse: ["x".repeat(257)] },
  state: {
    accept: ["running", "running,stopped", "pending,shutting-down,terminated,stopping"],
    refuse: ["sleeping", "running,sleeping", "RUNNING", ""],
  },
  "tag:KEY": { accept: ["dev-box", ""], refuse: [] },
  wait: { accept: ["true", "false"], refuse: ["yes", "2", "TRUE"] },
  wait_seconds: { accept: ["1", "60", "300"], refuse: ["0", "301", "1.5", "abc", "-5"] },
  hibernate: { accept: ["true", "false"], refuse: ["yes", "2"] },
  force: { accept: ["true", "false"], refuse: ["yes", "2"] },
  dry_run: { accept: ["true", "false"], refuse: ["yes", "2", "null"] },
  // Any text is a token to check: a bad one answers 404, never 422.
  token: { accept: ["eyJzdWIiOiJ4In0.c2ln", "x", "a.b.c"], refuse: [] },
  limit: { accept: ["1", "5", "1000"], refuse: ["0", "1001", "1.5", "ten", "", "-1"] },
  next_token: {
    accept: ["WzEsbnVsbCwxXQ", "WzEsbnVsbCwwXQ"],
    refuse: ["", "not a token", "abc$", "a".repeat(4097)],
  },
  hours: { accept: ["1", "4", "168"], refuse: ["0", "169", "1.5", "four", ""] },
  until: {
    accept: ["2026-11-26T13:00:00Z", "2026-11-27T12:00:00.000+01:00", "2026-12-03T11:00Z"],
    refuse: ["tomorrow", "2026-11-26T13:00:00", "2026-11-26", ""],
  },
};

/** Samples of each JSON body field. */
const BODY_SAMPLES: Record<string, Samples<unknown>> = {
  api_key: { accept: [API_KEY, "wrong-but-a-string"], refuse: [12, null, ["x"]] },
  wait: { accept: [true, false], refuse: ["yes", 2, null] },
  wait_seconds: { accept: [1, 300], refuse: [0, 301, 1.5, "abc", null] },
  hibernate: { accept: [true, false], refuse: ["yes", 2] },
  force: { accept: [true, false], refuse: ["yes", 2] },
  dry_run: { accept: [true, false], refuse: ["yes", 2, null] },
  hours: { accept: [1, 4, 168], refuse: [0, 169, 1.5, "4", null] },
  until: {
    accept: ["2026-11-26T13:00:00Z", "2026-11-27T12:00:00.000+01:00"],
    refuse: ["tomorrow", "2026-11-26T13:00:00", 5, null],
  },
};

interface Operation {
  path: string;
  method: string;
  operation: Json;
}

function operations(): Operation[] {
  return Object.entries(DOCUMENT.paths as Record<string, Record<string, Json>>).flatMap((
    [path, methods],
  ) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
}

/** The base request of an operation, with `name` set to `value` (query or body, as `where`). */
function probe(
  { path, method }: Operation,
  where: "path" | "query" | "body",
  name: string,
  value: unknown,
): Request {
  const params: Record<string, string> = {
    region: REGION,
    instance_id: name === "hibernate" || name === "force" ? RUNNING_ID : STOPPED_ID,
    action: name === "hibernate" || name === "force" ? "stop" : "start",
    target: "dev-box",
  };
  if (where === "path") params[name] = String(value);
  const url = new URL(
    `http://localhost${path.replace(/\{(\w+)\}/g, (_, p) => encodeURIComponent(params[p]))}`,
  );
  // A state change probes without acting, except where dry_run would skip the check.
  const changes = path.endsWith("{action}");
  if (changes && name !== "dry_run" && name !== "wait_seconds") {
    url.searchParams.set("dry_run", "true");
  }
  if (name === "wait_seconds" && where === "query") url.searchParams.set("wait", "true");
  if (where === "query") {
    url.searchParams.set(name === "tag:KEY" ? "tag:Name" : name, String(value));
  }
  const init: RequestInit = { method: method.toUpperCase(), headers: { ...KEYED } };
  if (where === "body") {
    // wait_seconds applies only with wait; both in the body.
    init.body = JSON.stringify(
      name === "wait_seconds" ? { wait: true, [name]: value } : { [name]: value },
    );
    init.headers = { ...KEYED, "content-type": "application/json" };
  }
  return new Request(url, init);
}

/** Whether the route took `name` (any answer but a 422 naming it, or a 401 for a wrong key). */
async function routeAccepts(request: Request, name: string): Promise<boolean> {
  const { app } = await testService();
  const response = await app.request(request);
  if (response.status === 422) {
    const { id } = await errorOf(response);
    return id !== (name === "tag:KEY" ? "tag" : name);
  }
  await response.body?.cancel();
  return true;
}

Deno.test("every documented parameter: the document and the route accept and refuse the same samples", async (t) => {
  let probed = 0;
  for (const op of operations()) {
    for (const parameter of (op.operation.parameters ?? []) as Parameter[]) {
      const samples = PARAMETER_SAMPLES[parameter.name];
      assert(samples, `${parameter.name} of ${op.operation.operationId} has no samples`);
      await t.step(`${op.operation.operationId} ${parameter.in} ${parameter.name}`, async () => {
        for (
          const [expected, values] of [[true, samples.accept], [false, samples.refuse]] as const
        ) {
          for (const value of values) {
            const label = `${parameter.name}=${JSON.stringify(value)}`;
            assertEquals(documentAccepts(parameter, value), expected, `document, ${label}`);
            const request = probe(op, parameter.in, parameter.name, value);
            assertEquals(await routeAccepts(request, parameter.name), expected, `route, ${label}`);
            probed++;
          }
        }
      });
    }
  }
  assert(probed > 100, `only ${probed} samples probed`);
});

Deno.test("every documented JSON body field: the document and the route accept and refuse the same samples", async (t) => {
  for (const op of operations()) {
    const content = (op.operation.requestBody as Json | undefined)?.content as Json | undefined;
    const json = content?.["application/json"] as { schema: Schema } | undefined;
    if (!json) continue;
    const properties = resolve(json.schema).properties as Record<string, Schema>;
    for (const [name, schema] of Object.entries(properties)) {
      const samples = BODY_SAMPLES[name];
      assert(samples, `body field ${name} of ${op.operation.operationId} has no samples`);
      await t.step(`${op.operation.operationId} body ${name}`, async () => {
        for (
          const [expected, values] of [[true, samples.accept], [false, samples.refuse]] as const
        ) {
          for (const value of values) {
            const label = `${name}: ${JSON.stringify(value)}`;
            assertEquals(schemaErrors(schema, value).length === 0, expected, `document, ${label}`);
            // A wrong key is a string the route took: it answers 401, not 422.
            const sent = probe(op, "body", name, value);
            assertEquals(await routeAccepts(sent, name), expected, `route, ${label}`);
          }
        }
      });
    }
  }
});

Deno.test("every operation has a unique operationId, and the document names its server", () => {
  const ids = operations().map(({ operation }) => operation.operationId);
  for (const id of ids) assert(typeof id === "string" && /^[a-z][A-Za-z]+$/.test(id), String(id));
  assertEquals(new Set(ids).size, ids.length);
  assertEquals((DOCUMENT.servers as Json[])[0].url, "/");
});

Deno.test("an instance's documented required fields are exactly the fields every answer carries", async () => {
  const { app } = await testService();
  const required = [...SCHEMAS.Instance.required as string[]].sort();
  for (const id of [RUNNING_ID, STOPPED_ID]) {
    const response = await app.request(`/instance/${REGION}/${id}`, { headers: KEYED });
    assertEquals(Object.keys(await response.json()).sort(), required);
  }
});

/** The documented schema of `status`'s JSON answer of `operationId`. */
function answerSchema(operationId: string, status: number): Schema {
  const op = operations().find(({ operation }) => operation.operationId === operationId);
  assert(op, operationId);
  const responses = op.operation.responses as Record<string, Json>;
  const response = responses[String(status)];
  assert(response, `${operationId} documents no ${status}`);
  const content = response.content as Record<string, { schema: Schema }>;
  return content["application/json"].schema;
}

/** Asks `app` (default: a fresh service) and checks the answer against the documented schema. */
async function assertAnswers(
  url: string,
  operationId: string,
  status: number,
  { app, init = { headers: KEYED } }: {
    app?: Awaited<ReturnType<typeof testService>>["app"];
    init?: RequestInit;
  } = {},
) {
  const service = app ?? (await testService()).app;
  const response = await service.request(url, init);
  assertEquals(response.status, status, `${operationId}: ${response.status}`);
  const body = await response.json();
  assertEquals(schemaErrors(answerSchema(operationId, status), body), [], operationId);
  return body;
}

Deno.test("the routes' answers match the documented schemas, errors included", async () => {
  const list = await assertAnswers(`/instance/${REGION}`, "listInstances", 200);
  assert(list.instances.length > 0);
  await assertAnswers(`/instance/${REGION}/${RUNNING_ID}`, "readInstance", 200);
  await assertAnswers(`/instance/${REGION}/i-00000000`, "readInstance", 404);
  await assertAnswers(`/instance/us-a-1/${RUNNING_ID}`, "readInstance", 422);
  const wrong = { headers: { "x-api-key": "wrong" } };
  await assertAnswers(`/instance/${REGION}`, "listInstances", 401, { init: wrong });
  const post = { method: "POST", headers: KEYED };
  const change = (id: string, query: string) => `/instance/${REGION}/${id}/${query}`;
  await assertAnswers(change(RUNNING_ID, "stop?dry_run=true"), "changeInstance", 200, {
    init: post,
  });
  await assertAnswers(change(STOPPED_ID, "start?wait=true"), "changeInstance", 200, { init: post });
  const { app } = await testService({ transitionMs: 10 * 60_000 });
  await assertAnswers(
    change(STOPPED_ID, "start?wait=true&wait_seconds=1"),
    "changeInstanceByPut",
    202,
    {
      app,
      init: { ...post, method: "PUT" },
    },
  );
  await assertAnswers("/session", "readSession", 200);

  const swept = await testService({ sweep: { regions: [REGION], maxRuntimeMs: 60_000 } });
  const report = await assertAnswers("/sweep?dry_run=true", "runSweep", 200, {
    app: swept.app,
    init: post,
  });
  assert(report.actions.length > 0, "the sweep reports an action");
  const real = await assertAnswers("/sweep", "runSweep", 200, { app: swept.app, init: post });
  assert(real.actions.some((action: Json) => action.outcome === "done"));

  await assertAnswers(`/wake/${REGION}/dev-box/status`, "readWakeStatus", 200);
  await assertAnswers(`/wake/${REGION}/nobody/status`, "readWakeStatus", 404);
  await assertAnswers(`/wake/${REGION}/${STOPPED_ID}/start`, "startFromWakePage", 202, {
    init: post,
  });
});

Deno.test("answers that name DNS records match the documented schemas", async () => {
  const route53 = new Route53Simulator({ zones: [{ name: "example.com" }] });
  const client = new Route53Client({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret-example" },
    fetch: route53.fetch,
  });
  const tagged = { "workwork:dns": "box.example.com, other.example.org", start_time: "" };
  const { app } = await testService({
    instances: [{ id: STOPPED_ID, region: REGION, state: "stopped", tags: tagged }],
    dns: { provider: route53DnsProvider(client), ttl: 60 },
    sweep: { regions: [REGION], maxRuntimeMs: null },
  });
  const post = { method: "POST", headers: KEYED };
  const started = await assertAnswers(
    `/instance/${REGION}/${STOPPED_ID}/start?wait=true`,
    "changeInstance",
    200,
    { app, init: post },
  );
  // One name in a zone Route53 holds, one in none: both kinds of record outcome.
  assertEquals(
    started.dns.records.map((r: Json) => `${r.name} ${r.type} ${r.result}`),
    [
      "box.example.com A created",
      "box.example.com AAAA absent",
      "other.example.org A failed",
      "other.example.org AAAA failed",
    ],
  );
  await assertAnswers(`/wake/${REGION}/${STOPPED_ID}/status`, "readWakeStatus", 200, { app });
  const report = await assertAnswers("/sweep", "runSweep", 200, { app, init: post });
  assertEquals(report.dns.length, 1);
});

Deno.test("answers with last_change, next, a hold and a page token match the documented schemas", async () => {
  const { app } = await testService({ sweep: { regions: [REGION], maxRuntimeMs: 4 * 3_600_000 } });
  const post = { method: "POST", headers: KEYED };
  const held = await assertAnswers(
    `/instance/${REGION}/${RUNNING_ID}/hold?hours=1`,
    "holdInstance",
    200,
    { app, init: post },
  );
  assertEquals(held.instance_id, RUNNING_ID);
  await assertAnswers(`/instance/${REGION}/${RUNNING_ID}/hold?hours=2`, "holdInstance", 422, {
    app,
    init: { ...post, body: "{", headers: { ...KEYED, "content-type": "application/json" } },
  });
  await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, post);
  const read = await assertAnswers(`/instance/${REGION}/${RUNNING_ID}`, "readInstance", 200, {
    app,
  });
  assert(read.next !== null && read.hold_until !== null, JSON.stringify(read));
  const started = await assertAnswers(`/instance/${REGION}/${STOPPED_ID}`, "readInstance", 200, {
    app,
  });
  assert(started.last_change !== null && started.next !== null, JSON.stringify(started));
  const page = await assertAnswers(`/instance/${REGION}?limit=1`, "listInstances", 200, { app });
  assert(typeof page.next_token === "string");
  await assertAnswers(`/instance/${REGION}?next_token=WzIsbnVsbCwwXQ`, "listInstances", 422, {
    app,
  });
  const unreadable = await testService({
    sweep: { regions: [REGION], maxRuntimeMs: null },
    instances: [{
      id: RUNNING_ID,
      region: REGION,
      state: "running",
      tags: { "workwork:schedule": "sometimes" },
    }],
  });
  const problem = await assertAnswers(`/instance/${REGION}/${RUNNING_ID}`, "readInstance", 200, {
    app: unreadable.app,
  });
  assertEquals(problem.next.action, null);
});
