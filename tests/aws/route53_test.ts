import { assert, assertEquals, assertInstanceOf, assertMatch, assertRejects } from "@std/assert";
import {
  isAlreadyGone,
  Route53Client,
  route53Endpoint,
  Route53Error,
  Route53TransportError,
} from "../../src/aws/route53.ts";
import { Route53Simulator } from "../../src/simulator/route53.ts";

const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const NO_JITTER = () => 0;

/** A fetch that records each request and answers from a script, one entry per attempt. */
function scripted(...answers: (Response | Error)[]) {
  const requests: { method: string; url: string; headers: Headers; body: string }[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    const request = new Request(url, init);
    requests.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: await request.text(),
    });
    const answer = answers.shift();
    if (!answer) throw new Error("the script ran out of answers");
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch, requests };
}

function xml(body: string, status = 200, requestId = "b7ebc957-48de-11e4-9c02-03749a38eea0") {
  return new Response(body, {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
  });
}

/** The envelope AWS answers with; this one is from a real DELETE of a missing record. */
const DELETE_NOT_FOUND = `<?xml version="1.0"?>
<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error>
<Type>Sender</Type>
<Code>InvalidChangeBatch</Code>
<Message>[Tried to delete resource record set [name='registry.example.com.', type='A'] but it was not found]</Message>
</Error><RequestId>b7ebc957-48de-11e4-9c02-03749a38eea0</RequestId>
</ErrorResponse>`;

function envelope(code: string, message = `${code} happened`, type = "Sender") {
  return `<?xml version="1.0"?>\n<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>rid-${code}</RequestId></ErrorResponse>`;
}

/** The shape of AWS's documented ListHostedZonesByName example. */
const ZONES_BY_NAME = `<?xml version="1.0" encoding="UTF-8"?>
<ListHostedZonesByNameResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
   <HostedZones>
      <HostedZone>
         <Id>/hostedzone/Z222222VVVVVVV</Id>
         <Name>example.com.</Name>
         <CallerReference>2014-10-01T11:22:33</CallerReference>
         <Config><Comment>private</Comment><PrivateZone>true</PrivateZone></Config>
         <ResourceRecordSetCount>4</ResourceRecordSetCount>
      </HostedZone>
      <HostedZone>
         <Id>/hostedzone/Z111111QQQQQQQ</Id>
         <Name>example.com.</Name>
         <CallerReference>2014-10-01T11:22:34</CallerReference>
         <Config><Comment>public</Comment><PrivateZone>false</PrivateZone></Config>
         <ResourceRecordSetCount>17</ResourceRecordSetCount>
      </HostedZone>
   </HostedZones>
   <DNSName>example.com</DNSName>
   <IsTruncated>true</IsTruncated>
   <NextDNSName>example.net.</NextDNSName>
   <NextHostedZoneId>Z333333YYYYYYY</NextHostedZoneId>
   <MaxItems>2</MaxItems>
</ListHostedZonesByNameResponse>`;

Deno.test("route53Endpoint prefers AWS_ENDPOINT_URL_ROUTE_53, then AWS_ENDPOINT_URL", () => {
  assertEquals(route53Endpoint({}), "https://route53.amazonaws.com");
  assertEquals(
    route53Endpoint({ AWS_ENDPOINT_URL: "http://127.0.0.1:5000" }),
    "http://127.0.0.1:5000",
  );
  assertEquals(
    route53Endpoint({
      AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
      AWS_ENDPOINT_URL_ROUTE_53: "http://127.0.0.1:6000",
    }),
    "http://127.0.0.1:6000",
  );
});

Deno.test("the client refuses incomplete credentials and a bad endpoint", () => {
  try {
    new Route53Client({ credentials: { accessKeyId: "", secretAccessKey: "x" } });
    throw new Error("no error");
  } catch (error) {
    assertInstanceOf(error, TypeError);
    assertEquals(error.message, "Cannot create Route53 client: credentials are incomplete");
  }
  try {
    new Route53Client({ credentials: CREDENTIALS, endpoint: "not a url" });
    throw new Error("no error");
  } catch (error) {
    assertInstanceOf(error, TypeError);
    assertMatch(error.message, /endpoint "not a url" is not a URL/);
  }
});

Deno.test("requests are signed for us-east-1 and route53, with the path and query Route53 documents", async () => {
  const script = scripted(xml(ZONES_BY_NAME));
  const client = new Route53Client({
    credentials: { ...CREDENTIALS, sessionToken: "token-1" },
    fetch: script.fetch,
    now: () => new Date("2026-11-26T12:00:00Z"),
  });
  await client.listHostedZonesByName({ dnsName: "example.com", maxItems: 2 });
  const [request] = script.requests;
  assertEquals(request.method, "GET");
  assertEquals(
    request.url,
    "https://route53.amazonaws.com/2013-04-01/hostedzonesbyname?dnsname=example.com&maxitems=2",
  );
  assertMatch(
    request.headers.get("authorization")!,
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261126\/us-east-1\/route53\/aws4_request, SignedHeaders=[a-z;-]+, Signature=[0-9a-f]{64}$/,
  );
  assertEquals(request.headers.get("x-amz-date"), "20261126T120000Z");
  assertEquals(request.headers.get("x-amz-security-token"), "token-1");
});

Deno.test("ListHostedZonesByName is read into zones, private flag and paging marks", async () => {
  const client = new Route53Client({
    credentials: CREDENTIALS,
    fetch: scripted(xml(ZONES_BY_NAME)).fetch,
  });
  const page = await client.listHostedZonesByName({ dnsName: "example.com" });
  assertEquals(page.zones, [
    { id: "Z222222VVVVVVV", name: "example.com.", privateZone: true, recordCount: 4 },
    { id: "Z111111QQQQQQQ", name: "example.com.", privateZone: false, recordCount: 17 },
  ]);
  assertEquals(page.isTruncated, true);
  assertEquals(page.nextDnsName, "example.net.");
  assertEquals(page.nextHostedZoneId, "Z333333YYYYYYY");
  assertEquals(page.requestId, "b7ebc957-48de-11e4-9c02-03749a38eea0");
});

Deno.test("publicZonesNamed keeps public zones of that exact name and stops at the next name", async () => {
  const script = scripted(xml(ZONES_BY_NAME));
  const client = new Route53Client({ credentials: CREDENTIALS, fetch: script.fetch });
  const zones = await client.publicZonesNamed("Example.COM.");
  assertEquals(zones.map((zone) => zone.id), ["Z111111QQQQQQQ"]);
  // The page was truncated, but its next name is another zone's: no second request.
  assertEquals(script.requests.length, 1);
});

Deno.test("publicZonesNamed pages through many zones of one name", async () => {
  const route53 = new Route53Simulator();
  for (let i = 0; i < 3; i++) route53.createZone({ name: "example.com", privateZone: i === 0 });
  route53.createZone({ name: "example.org" });
  const client = new Route53Client({ credentials: CREDENTIALS, fetch: route53.fetch });
  const first = await client.listHostedZonesByName({ dnsName: "example.com", maxItems: 1 });
  assertEquals(first.isTruncated, true);
  const zones = await client.publicZonesNamed("example.com");
  assertEquals(zones.length, 2);
  assert(zones.every((zone) => zone.name === "example.com." && !zone.privateZone));
});

Deno.test("an UPSERT is sent as Route53's change batch document, escaped", async () => {
  const script = scripted(xml(
    `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeInfo><Id>/change/C2682N5HXP0BZ4</Id><Status>PENDING</Status><SubmittedAt>2026-11-26T12:00:00.000Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>`,
  ));
  const client = new Route53Client({ credentials: CREDENTIALS, fetch: script.fetch });
  const info = await client.changeResourceRecordSets("Z111111QQQQQQQ", [
    { action: "UPSERT", name: "game.example.com", type: "A", ttl: 60, values: ["3.1.2.3"] },
  ], { comment: "workwork: i-0abc <start>" });
  assertEquals(info, {
    id: "C2682N5HXP0BZ4",
    status: "PENDING",
    submittedAt: "2026-11-26T12:00:00.000Z",
    requestId: "b7ebc957-48de-11e4-9c02-03749a38eea0",
  });
  const [request] = script.requests;
  assertEquals(request.method, "POST");
  assertEquals(
    request.url,
    "https://route53.amazonaws.com/2013-04-01/hostedzone/Z111111QQQQQQQ/rrset",
  );
  assertEquals(request.headers.get("content-type"), "application/xml");
  assertEquals(
    request.body,
    `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Comment>workwork: i-0abc &lt;start&gt;</Comment><Changes><Change><Action>UPSERT</Action><ResourceRecordSet><Name>game.example.com</Name><Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>3.1.2.3</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`,
  );
});

Deno.test("an empty change batch is refused before anything is sent", async () => {
  const script = scripted();
  const client = new Route53Client({ credentials: CREDENTIALS, fetch: script.fetch });
  await assertRejects(
    () => client.changeResourceRecordSets("Z1", []),
    RangeError,
    "no change given",
  );
  assertEquals(script.requests.length, 0);
});

Deno.test("a DELETE of a missing record is an InvalidChangeBatch that isAlreadyGone recognizes", async () => {
  const client = new Route53Client({
    credentials: CREDENTIALS,
    fetch: scripted(xml(DELETE_NOT_FOUND, 400)).fetch,
  });
  const error = await assertRejects(
    () =>
      client.changeResourceRecordSets("Z1", [
        { action: "DELETE", name: "registry.example.com", type: "A", ttl: 60, values: ["3.1.2.3"] },
      ]),
    Route53Error,
  );
  assertEquals(error.code, "InvalidChangeBatch");
  assertEquals(error.type, "Sender");
  assertEquals(error.status, 400);
  assertEquals(error.requestId, "b7ebc957-48de-11e4-9c02-03749a38eea0");
  assert(isAlreadyGone(error));
  assert(
    !isAlreadyGone(
      new Route53Error(
        "InvalidChangeBatch",
        "[Tried to delete resource record set [name='a.', type='A'] but the values provided do not match the current values]",
        { status: 400 },
      ),
    ),
  );
  assert(!isAlreadyGone(new Error("Tried to delete resource record set x but it was not found")));
});

Deno.test("NoSuchHostedZone and AccessDenied are typed errors and are not retried", async () => {
  for (const [code, status] of [["NoSuchHostedZone", 404], ["AccessDenied", 403]] as const) {
    const script = scripted(xml(envelope(code), status));
    const client = new Route53Client({
      credentials: CREDENTIALS,
      fetch: script.fetch,
      random: NO_JITTER,
    });
    const error = await assertRejects(() => client.listResourceRecordSets("Z1"), Route53Error);
    assertEquals([error.code, error.status, error.requestId, error.message], [
      code,
      status,
      `rid-${code}`,
      `${code} happened`,
    ]);
    assertEquals(script.requests.length, 1);
  }
});

Deno.test("Throttling and PriorRequestNotComplete are retried until an attempt succeeds", async () => {
  const ok = () =>
    xml(
      `<GetChangeResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status><SubmittedAt>2026-11-26T12:00:00Z</SubmittedAt></ChangeInfo></GetChangeResponse>`,
    );
  const script = scripted(
    xml(envelope("Throttling", "Rate exceeded"), 400),
    xml(
      envelope(
        "PriorRequestNotComplete",
        "The request was rejected because Route 53 was still processing a prior request.",
      ),
      400,
    ),
    ok(),
  );
  const client = new Route53Client({
    credentials: CREDENTIALS,
    fetch: script.fetch,
    random: NO_JITTER,
  });
  const info = await client.getChange("/change/C1");
  assertEquals(info.status, "INSYNC");
  assertEquals(script.requests.length, 3);
  assertEquals(script.requests[2].url, "https://route53.amazonaws.com/2013-04-01/change/C1");
});

Deno.test("throttling that outlasts every attempt surfaces as the last Route53 error", async () => {
  const script = scripted(
    ...Array.from({ length: 3 }, () => xml(envelope("Throttling", "Rate exceeded"), 400)),
  );
  const client = new Route53Client({
    credentials: CREDENTIALS,
    fetch: script.fetch,
    random: NO_JITTER,
  });
  const error = await assertRejects(() => client.getChange("C1"), Route53Error);
  assertEquals(error.code, "Throttling");
  assertEquals(script.requests.length, 3);
});

Deno.test("an answer that is not Route53 XML is a protocol error naming what came", async () => {
  const html = new Response("<html><body>Bad gateway</body></html>", { status: 200 });
  const client = new Route53Client({ credentials: CREDENTIALS, fetch: scripted(html).fetch });
  const error = await assertRejects(() => client.getChange("C1"), Route53TransportError);
  assertEquals(error.failure, "protocol");
  assertEquals(
    error.message,
    `Cannot parse Route53 response: root element is "html", expected "GetChangeResponse"`,
  );
  const teapot = new Response("no", { status: 418 });
  const other = new Route53Client({ credentials: CREDENTIALS, fetch: scripted(teapot).fetch });
  const failed = await assertRejects(() => other.getChange("C1"), Route53TransportError);
  assertEquals([failed.failure, failed.status], ["protocol", 418]);
});

Deno.test("a network failure is retried, then reported without the credentials", async () => {
  const script = scripted(
    new TypeError("connection refused"),
    new TypeError("connection refused"),
    new TypeError("connection refused"),
  );
  const client = new Route53Client({
    credentials: CREDENTIALS,
    fetch: script.fetch,
    random: NO_JITTER,
  });
  const error = await assertRejects(() => client.getChange("C1"), Route53TransportError);
  assertEquals(error.failure, "network");
  assertEquals(error.message, "Cannot reach Route53");
  assertEquals(script.requests.length, 3);
  assert(!JSON.stringify({ message: error.message }).includes(CREDENTIALS.secretAccessKey));
});

Deno.test("an aborted signal is reported as a timeout", async () => {
  const controller = new AbortController();
  const fetch = (_url: string, init: RequestInit) =>
    new Promise<Response>((_, reject) => {
      init.signal?.addEventListener(
        "abort",
        () => reject(new DOMException("aborted", "AbortError")),
      );
      controller.abort();
    });
  const client = new Route53Client({ credentials: CREDENTIALS, fetch });
  const error = await assertRejects(
    () => client.getChange("C1", { signal: controller.signal }),
    Route53TransportError,
  );
  assertEquals(error.failure, "timeout");
});

Deno.test("recordSet reads back what an UPSERT wrote and null once it is deleted", async () => {
  const route53 = new Route53Simulator({ zones: [{ name: "example.com", id: "ZEXAMPLE" }] });
  const client = new Route53Client({ credentials: CREDENTIALS, fetch: route53.fetch });
  assertEquals(await client.recordSet("ZEXAMPLE", "game.example.com", "A"), null);
  await client.changeResourceRecordSets("ZEXAMPLE", [
    { action: "UPSERT", name: "game.example.com", type: "A", ttl: 60, values: ["3.1.2.3"] },
    { action: "UPSERT", name: "game.example.com", type: "AAAA", ttl: 60, values: ["2600:1f14::1"] },
  ]);
  const a = await client.recordSet("ZEXAMPLE", "Game.Example.com.", "A");
  assertEquals(a, {
    name: "game.example.com.",
    type: "A",
    ttl: 60,
    values: ["3.1.2.3"],
    setIdentifier: null,
    aliasTarget: null,
  });
  // The next name in order is not returned as if it were the one asked for.
  assertEquals(await client.recordSet("ZEXAMPLE", "gam.example.com", "A"), null);
  await client.changeResourceRecordSets("ZEXAMPLE", [
    { action: "DELETE", name: "game.example.com", type: "A", ttl: 60, values: ["3.1.2.3"] },
  ]);
  assertEquals(await client.recordSet("ZEXAMPLE", "game.example.com", "A"), null);
  assertEquals((await client.recordSet("ZEXAMPLE", "game.example.com", "AAAA"))?.values, [
    "2600:1f14::1",
  ]);
});

Deno.test("a call without parameters has no empty query string", async () => {
  const script = scripted(xml(ZONES_BY_NAME));
  const client = new Route53Client({ credentials: CREDENTIALS, fetch: script.fetch });
  await client.listHostedZonesByName();
  assertEquals(
    script.requests[0].url,
    "https://route53.amazonaws.com/2013-04-01/hostedzonesbyname",
  );
});

Deno.test("a body that breaks off mid-answer is a network failure, retried", async () => {
  const broken = () =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("<GetChangeResponse>"));
          controller.error(new TypeError("connection reset"));
        },
      }),
    );
  const script = scripted(broken(), broken(), broken());
  const client = new Route53Client({
    credentials: CREDENTIALS,
    fetch: script.fetch,
    random: NO_JITTER,
  });
  const error = await assertRejects(() => client.getChange("C1"), Route53TransportError);
  assertEquals([error.failure, error.message], ["network", "Route53's answer broke off"]);
  assertEquals(script.requests.length, 3);
});
