import { assertEquals } from "@std/assert";
import { API_KEY, KEYED, REGION, testService } from "../../_helpers.ts";
import { DASHBOARD_PAGE_SIZE, regionListing } from "../../../src/http/dashboard/listing.ts";
import { FULL_ACCESS } from "../../../src/domain/scopes.ts";
import type { SimulatedInstanceSeed } from "../../../src/simulator/ec2.ts";

const FLEET: SimulatedInstanceSeed[] = Array.from({ length: DASHBOARD_PAGE_SIZE + 7 }, (_, i) => ({
  id: `i-${i.toString(16).padStart(17, "0")}`,
  region: REGION,
  tags: { Name: `box-${String(i).padStart(3, "0")}` },
}));

Deno.test("the dashboard renders a region's first page only, with one DescribeInstances", async () => {
  const { app, simulator } = await testService({ instances: FLEET, regions: [REGION] });
  const page = await (await app.request("https://workwork.example/", {
    headers: { cookie: `api_key=${API_KEY}` },
  })).text();
  const shown = FLEET.filter(({ id }) => page.includes(id)).length;
  assertEquals(shown, DASHBOARD_PAGE_SIZE);
  assertEquals(simulator.calls.filter(({ action }) => action === "DescribeInstances").length, 1);
});

Deno.test("the listing's next_token continues through GET /instance/<region>", async () => {
  const { app, ec2 } = await testService({ instances: FLEET });
  const first = await regionListing(
    { ec2, now: () => new Date() },
    REGION,
    FULL_ACCESS,
    undefined,
    {
      limit: DASHBOARD_PAGE_SIZE,
    },
  );
  assertEquals(first.instances.length, DASHBOARD_PAGE_SIZE);
  const rest = await (await app.request(
    `/instance/${REGION}?limit=${DASHBOARD_PAGE_SIZE}&next_token=${first.next_token}`,
    { headers: KEYED },
  )).json();
  assertEquals(rest.next_token, null);
  const ids = [...first.instances, ...rest.instances].map(({ id }) => id).sort();
  assertEquals(ids, FLEET.map(({ id }) => id).sort());
});
