/**
 * The servers the process benchmark compares, each run by `deno serve` as its
 * own process: `floor` (one outbound fetch, nothing else), `naive` (the
 * "before": minimal Hono, a new aws4fetch `AwsClient` per request,
 * fast-xml-parser with default options) and `hello` (no work at all). The
 * EC2 stub's URL arrives in `EC2_STUB_URL`.
 *
 * Select one with `BENCH_SERVER=floor|naive|hello`.
 *
 * @module
 */
import { Hono } from "hono";
import { AwsClient } from "aws4fetch";
import { XMLParser } from "fast-xml-parser";

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

const handler: (request: Request) => Response | Promise<Response> = KIND === "floor"
  ? floor
  : KIND === "naive"
  ? naive().fetch
  : () => new Response("hello");

export default { fetch: handler };
