import { assert, assertEquals } from "@std/assert";
import { errorOf, KEYED, OTHER_REGION, REGION, testService } from "../../_helpers.ts";
import type { SimulatedInstanceSeed } from "../../../src/simulator/ec2.ts";

const FLEET: SimulatedInstanceSeed[] = Array.from({ length: 23 }, (_, i) => ({
  id: `i-${i.toString(16).padStart(17, "0")}`,
  region: REGION,
  state: i % 3 === 0 ? "stopped" : "running",
  tags: { Name: `box-${i}`, team: i % 2 === 0 ? "web" : "data" },
}));
const OTHER = { id: "i-0ffffffffffffffff", region: OTHER_REGION, tags: {} };

/** Follows next_token from `first` to the end; the ids in order, the pages' sizes, and the EC2 calls per page. */
async function walk(
  app: Awaited<ReturnType<typeof testService>>["app"],
  first: string,
  headers = KEYED,
) {
  const ids: string[] = [];
  const sizes: number[] = [];
  let url: string | null = first;
  for (let pages = 0; url !== null; pages++) {
    assert(pages < 50, "the listing never ended");
    const response: Response = await app.request(url, { headers });
    assertEquals(response.status, 200);
    const body = await response.json();
    ids.push(...body.instances.map(({ id }: { id: string }) => id));
    sizes.push(body.instances.length);
    url = body.next_token === null
      ? null
      : `${first}${first.includes("?") ? "&" : "?"}next_token=${
        encodeURIComponent(body.next_token)
      }`;
  }
  return { ids, sizes };
}

Deno.test("limit and next_token page through a region, one DescribeInstances per page, each instance once", async () => {
  const { app, simulator } = await testService({ instances: [...FLEET, OTHER] });
  const { ids, sizes } = await walk(app, `/instance/${REGION}?limit=10`);
  assertEquals(ids, FLEET.map(({ id }) => id));
  assertEquals(sizes, [10, 10, 3]);
  const describes = simulator.calls.filter(({ action }) => action === "DescribeInstances");
  assertEquals(describes.length, 3);
  assertEquals(describes.map(({ params }) => params.MaxResults), ["10", "10", "10"]);
});

Deno.test("a limit under EC2's MaxResults of 5 is cut from pages of 5, and loses nothing", async () => {
  const { app, simulator } = await testService({ instances: FLEET });
  const { ids, sizes } = await walk(app, `/instance/${REGION}?limit=2`);
  assertEquals(ids, FLEET.map(({ id }) => id));
  assertEquals(sizes, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1]);
  const describes = simulator.calls.filter(({ action }) => action === "DescribeInstances");
  // EC2 refuses a MaxResults under 5: never sent.
  assert(
    describes.every(({ params }) => Number(params.MaxResults) >= 5),
    JSON.stringify(describes.map(({ params }) => params.MaxResults)),
  );
  assertEquals(describes.length, sizes.length);
});

Deno.test("paging keeps the filters, and a scoped key sees only its instances on each page", async () => {
  const { app } = await testService({
    instances: FLEET,
    keys: { "web-key-0123456789abc": { name: "web", scope: { tags: { team: "web" } } } },
  });
  const running = await walk(app, `/instance/${REGION}?state=running&limit=5`);
  assertEquals(running.ids, FLEET.filter(({ state }) => state === "running").map(({ id }) => id));
  const web = await walk(app, `/instance/${REGION}?limit=5`, {
    "x-api-key": "web-key-0123456789abc",
  });
  assertEquals(web.ids, FLEET.filter(({ tags }) => tags?.team === "web").map(({ id }) => id));
});

Deno.test("without limit the whole listing comes at once, with next_token null", async () => {
  const { app } = await testService({ instances: FLEET });
  const body = await (await app.request(`/instance/${REGION}`, { headers: KEYED })).json();
  assertEquals(body.instances.length, 23);
  assertEquals(body.next_token, null);
});

Deno.test("a next_token that was not given here is 422 next_token, never a 500", async () => {
  const { app } = await testService({ instances: [...FLEET, OTHER] });
  const first = await (await app.request(`/instance/${REGION}?limit=5`, { headers: KEYED })).json();
  assert(typeof first.next_token === "string");
  // Valid here, refused by EC2 in another region: its token is tied to the region.
  const elsewhere = await app.request(
    `/instance/${OTHER_REGION}?limit=5&next_token=${first.next_token}`,
    { headers: KEYED },
  );
  assertEquals(elsewhere.status, 422);
  assertEquals((await errorOf(elsewhere)).id, "next_token");
  for (
    const token of [
      "WzIsbnVsbCwwXQ",
      "WzEsbnVsbCwxMDAwXQ",
      "eyJ4IjoxfQ",
      "bm90IGpzb24",
      "x".repeat(5000),
    ]
  ) {
    const response = await app.request(`/instance/${REGION}?next_token=${token}`, {
      headers: KEYED,
    });
    assertEquals(response.status, 422, token.slice(0, 20));
    assertEquals((await errorOf(response)).id, "next_token");
  }
  const twice = await app.request(`/instance/${REGION}?limit=5&limit=6`, { headers: KEYED });
  assertEquals([twice.status, (await errorOf(twice)).id], [422, "limit"]);
});

Deno.test("a key limited by tags or instances gets full pages: its scope is sent to EC2 as filters", async () => {
  const mine = FLEET.filter(({ tags }) => tags?.team === "web").map(({ id }) => id);
  const { app, simulator } = await testService({
    instances: [...FLEET, { id: "i-0aaaaaaaaaaaaaaaa", region: REGION, tags: { team: "w*b" } }],
    keys: {
      "web-key-0123456789abc": { name: "web", scope: { tags: { team: "w*b" } } },
      "two-key-0123456789abc": { name: "two", scope: { instances: new Set(mine.slice(0, 2)) } },
    },
  });
  // "w*b" is a literal value, not EC2's wildcard: only the instance tagged exactly so.
  const wild = await walk(app, `/instance/${REGION}?limit=5`, {
    "x-api-key": "web-key-0123456789abc",
  });
  assertEquals(wild.ids, ["i-0aaaaaaaaaaaaaaaa"]);
  const sent = simulator.calls.find(({ action }) => action === "DescribeInstances")!.params;
  assertEquals([sent["Filter.1.Name"], sent["Filter.1.Value.1"]], ["tag:team", "w\\*b"]);
  const two = await walk(app, `/instance/${REGION}?limit=5`, {
    "x-api-key": "two-key-0123456789abc",
  });
  assertEquals([two.ids, two.sizes], [mine.slice(0, 2), [2]]);
});
