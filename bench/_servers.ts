/**
 * The servers the process benchmark compares, each run by `deno serve` as its
 * own process: `floor` (one outbound fetch, nothing else), `naive` (the
 * "before": minimal Hono, a new aws4fetch `AwsClient` per request,
 * fast-xml-parser with default options), `minimal` (the required libraries
 * fed as this service feeds them, and none of its own features) and `hello`
 * (no work at all). The EC2 stub's URL arrives in `EC2_STUB_URL`.
 *
 * Select one with `BENCH_SERVER=floor|naive|minimal|hello`.
 *
 * @module
 */
import { Hono } from "hono";
import { Hono as TinyHono } from "hono/tiny";
import { AwsClient } from "aws4fetch";
import { XMLParser } from "fast-xml-parser";
import { Ec2Signer } from "../src/aws/signer.ts";
import { BENCH_API_KEY } from "./_stub.ts";
import {
  readDescribeInstances,
  readReturn,
  readStateChanges,
  textWithoutUnreadElements,
} from "../src/aws/ec2_xml.ts";

const STUB = Deno.env.get("EC2_STUB_URL") ?? "http://127.0.0.1:1/";
const KIND = Deno.env.get("BENCH_SERVER") ?? "hello";
const FORM = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };

/** The floor: one inbound and one outbound HTTP exchange, the answer read whole. */
function floor(): Promise<Response> {
  return fetch(STUB, { method: "POST", headers: FORM, body: "Action=DescribeInstances" })
    .then((response) => response.text())
    .then((text) => Response.json({ bytes: text.length }));
}

/** The naive path, as one would first write it. */
function naive(): Hono {
  const app = new Hono();
  const parser = new XMLParser();
  const call = async (region: string, body: string) => {
    const aws = new AwsClient({
      accessKeyId: "AKIDBENCH",
      secretAccessKey: "bench-secret",
      service: "ec2",
      region,
      retries: 0,
    });
    const response = await aws.fetch(STUB, { method: "POST", headers: FORM, body });
    return parser.parse(await response.text());
  };
  app.get("/instance/:region/:id", async (c) => {
    const id = c.req.param("id");
    const body = `Action=DescribeInstances&Version=2016-11-15&InstanceId.1=${id}`;
    const xml = await call(c.req.param("region"), body);
    const item = [xml.DescribeInstancesResponse.reservationSet.item].flat()[0];
    const instance = [item.instancesSet.item].flat()[0];
    return c.json({ id: instance.instanceId, state: instance.instanceState.name });
  });
  app.get("/instance/:region", async (c) => {
    const body = "Action=DescribeInstances&Version=2016-11-15&MaxResults=1000";
    const xml = await call(c.req.param("region"), body);
    const items = [xml.DescribeInstancesResponse.reservationSet.item].flat();
    const instances = items.flatMap((item) => [item.instancesSet.item].flat());
    return c.json({
      instances: instances.map((i) => ({ id: i.instanceId, state: i.instanceState.name })),
    });
  });
  app.post("/instance/:region/:id/start", async (c) => {
    const { region, id } = c.req.param();
    await call(region, `Action=StartInstances&Version=2016-11-15&InstanceId.1=${id}`);
    const now = encodeURIComponent(new Date().toISOString());
    await call(
      region,
      `Action=CreateTags&Version=2016-11-15&ResourceId.1=${id}&Tag.1.Key=start_time&Tag.1.Value=${now}`,
    );
    return c.body(null, 204);
  });
  return app;
}

/**
 * The least any service can do with the required libraries: Hono with one
 * middleware checking the key, aws4fetch's signer fed as `src/ec2/signer.ts`
 * feeds it, the answer cut and parsed by fast-xml-parser as `src/ec2/xml.ts`
 * does. No request id, log line, audit, deadline, retries, rate limit or
 * scopes: the service's own features cost what it takes above this.
 */
function minimal(): TinyHono {
  const app = new TinyHono();
  const signer = new Ec2Signer({ accessKeyId: "AKIDBENCH", secretAccessKey: "bench-secret" });
  const send = async (region: string, body: string) => {
    const headers = await signer.sign({ url: STUB, region, headers: FORM, body });
    return await fetch(STUB, { method: "POST", headers, body });
  };
  app.use(async (c, next) => {
    if (c.req.header("x-api-key") !== BENCH_API_KEY) {
      return c.json({ error: "Invalid API key" }, 401);
    }
    return await next();
  });
  app.get("/instance/:region/:id", async (c) => {
    const { region, id } = c.req.param();
    const body = `Action=DescribeInstances&InstanceId.1=${id}&Version=2016-11-15`;
    const page = readDescribeInstances(await textWithoutUnreadElements(await send(region, body)));
    const instance = page.instances[0];
    return c.json({ instance_id: instance.id, state: instance.state, tags: instance.tags });
  });
  app.post("/instance/:region/:id/start", async (c) => {
    const { region, id } = c.req.param();
    const start = `Action=StartInstances&InstanceId.1=${id}&Version=2016-11-15`;
    readStateChanges("StartInstances", await (await send(region, start)).text());
    const now = encodeURIComponent(new Date().toISOString());
    const tag =
      `Action=CreateTags&ResourceId.1=${id}&Tag.1.Key=start_time&Tag.1.Value=${now}&Version=2016-11-15`;
    readReturn("CreateTags", await (await send(region, tag)).text());
    return c.body(null, 204);
  });
  return app;
}

const handler: (request: Request) => Response | Promise<Response> = KIND === "floor"
  ? floor
  : KIND === "naive"
  ? naive().fetch
  : KIND === "minimal"
  ? minimal().fetch
  : () => new Response("hello");

export default { fetch: handler };
