import { assertEquals } from "@std/assert";
import {
  findInstance,
  MAX_CANDIDATES,
  type RegionListing,
} from "../../src/domain/instance_names.ts";
import type { Instance } from "../../src/aws/ec2_types.ts";

function instance(id: string, name: string | null, state = "running"): Instance {
  return {
    id,
    state,
    type: "t3.micro",
    launchTime: null,
    publicDnsName: null,
    publicIpAddress: null,
    privateIpAddress: null,
    availabilityZone: null,
    tags: name === null ? {} : { Name: name },
  };
}

const LISTINGS: RegionListing[] = [
  {
    region: "us-west-2",
    instances: [
      instance("i-0aaaaaaaaaaaaaaa1", "web"),
      instance("i-0aaaaaaaaaaaaaaa2", "Build"),
      instance("i-0aaaaaaaaaaaaaaa3", "db"),
      instance("i-0aaaaaaaaaaaaaaa4", null),
      instance("i-0aaaaaaaaaaaaaaa5", "old", "terminated"),
    ],
  },
  {
    region: "eu-central-1",
    instances: [
      instance("i-0bbbbbbbbbbbbbbb1", "Web"),
      instance("i-0bbbbbbbbbbbbbbb2", "db"),
      instance("i-0bbbbbbbbbbbbbbb3", "old"),
    ],
  },
];

Deno.test("an exact Name wins over one that differs only in case, across regions", () => {
  assertEquals(findInstance("web", LISTINGS), {
    status: "found",
    match: "name",
    instance: { region: "us-west-2", id: "i-0aaaaaaaaaaaaaaa1", name: "web", state: "running" },
  });
  const upper = findInstance("Web", LISTINGS);
  assertEquals(upper.status === "found" && upper.instance.region, "eu-central-1");
});

Deno.test("a unique case-insensitive Name is found; an id too, in any case", () => {
  const build = findInstance("BUILD", LISTINGS);
  assertEquals(build.status === "found" && [build.instance.id, build.match], [
    "i-0aaaaaaaaaaaaaaa2",
    "name_ignoring_case",
  ]);
  const byId = findInstance("i-0aaaaaaaaaaaaaaa4", LISTINGS);
  assertEquals(byId.status === "found" && [byId.instance.name, byId.match], [null, "id"]);
  const upperId = findInstance(" I-0AAAAAAAAAAAAAAA4 ", LISTINGS);
  assertEquals(upperId.status === "found" && upperId.instance.id, "i-0aaaaaaaaaaaaaaa4");
});

Deno.test("two instances with the same Name answer with both, region and id", () => {
  assertEquals(findInstance("db", LISTINGS), {
    status: "ambiguous",
    total: 2,
    candidates: [
      { region: "eu-central-1", id: "i-0bbbbbbbbbbbbbbb2", name: "db", state: "running" },
      { region: "us-west-2", id: "i-0aaaaaaaaaaaaaaa3", name: "db", state: "running" },
    ],
  });
  const folded = findInstance("WEB", LISTINGS);
  assertEquals(folded.status === "ambiguous" && folded.candidates.map((c) => c.id), [
    "i-0bbbbbbbbbbbbbbb1",
    "i-0aaaaaaaaaaaaaaa1",
  ]);
});

Deno.test("a terminated instance keeps its Name but does not make a name ambiguous", () => {
  const old = findInstance("old", LISTINGS);
  assertEquals(old.status === "found" && old.instance.id, "i-0bbbbbbbbbbbbbbb3");
  const gone = findInstance("i-0aaaaaaaaaaaaaaa5", LISTINGS);
  assertEquals(gone.status === "found" && gone.instance.state, "terminated");
});

Deno.test("an unknown name answers with the names that contain it, else with everything", () => {
  const near = findInstance("we", LISTINGS);
  assertEquals(near.status, "unknown");
  assertEquals(near.status !== "found" && near.candidates.map((c) => c.name), ["Web", "web"]);
  const none = findInstance("mail", LISTINGS);
  assertEquals(none.status !== "found" && [none.total, none.candidates.length], [8, 8]);
  assertEquals(findInstance("web", []), { status: "unknown", candidates: [], total: 0 });
});

Deno.test("candidates are cut at MAX_CANDIDATES and say how many there were", () => {
  const many: RegionListing[] = [{
    region: "us-east-1",
    instances: Array.from(
      { length: 25 },
      (_, i) => instance(`i-0ccccccccccccc${String(i).padStart(3, "0")}`, "same"),
    ),
  }];
  const lookup = findInstance("same", many);
  assertEquals(
    lookup.status !== "found" && [lookup.status, lookup.candidates.length, lookup.total],
    [
      "ambiguous",
      MAX_CANDIDATES,
      25,
    ],
  );
});
