/**
 * A fixed-answer EC2 on 127.0.0.1 for the process benchmark: real-sized
 * answers, picked by the request's `Action`, no state and no checks.
 *
 * @module
 */
import {
  CREATE_TAGS_XML,
  describeInstancesXml,
  instanceIdOf,
  startInstancesXml,
} from "./_fixtures.ts";

/** The API key every benchmarked server is started with; not a secret. */
export const BENCH_API_KEY = "bench-api-key-not-a-secret-0123456789";

/** The instance every single-instance answer describes. */
export const STUB_INSTANCE_ID = instanceIdOf(0);

/** Starts the stub; `url` ends with `/`. */
export function startStub(): { url: string; shutdown: () => Promise<void> } {
  const encode = (xml: string) => new TextEncoder().encode(xml);
  const one = encode(describeInstancesXml(1));
  const page = encode(describeInstancesXml(1000));
  const start = encode(startInstancesXml(0));
  const tags = encode(CREATE_TAGS_XML);
  const headers = { "content-type": "text/xml;charset=UTF-8" };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const body = await request.text();
      const answer = body.includes("Action=StartInstances")
        ? start
        : body.includes("Action=CreateTags")
        ? tags
        : body.includes("MaxResults")
        ? page
        : one;
      return new Response(answer, { headers });
    },
  );
  return { url: `http://127.0.0.1:${server.addr.port}/`, shutdown: () => server.shutdown() };
}
