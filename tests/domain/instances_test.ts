import { assert, assertEquals } from "@std/assert";
import {
  instanceView,
  isAction,
  isInstanceId,
  parseStartTime,
} from "../../src/domain/instances.ts";
import type { Instance } from "../../src/aws/ec2_types.ts";

const RUNNING: Instance = {
  id: "i-0abcdef1234567890",
  state: "running",
  type: "t3.micro",
  launchTime: "2026-11-26T08:00:00.000Z",
  publicDnsName: "ec2-54-1-2-3.us-west-2.compute.amazonaws.com",
  publicIpAddress: "54.1.2.3",
  privateIpAddress: "10.0.0.4",
  availabilityZone: "us-west-2a",
  tags: { Name: "dev-box", start_time: "2026-11-26T19:36:55.719Z" },
};

Deno.test("start_time is read in this service's form and in the original's naive UTC", () => {
  assertEquals(parseStartTime("2026-11-26T19:36:55.719Z"), Date.UTC(2026, 10, 26, 19, 36, 55, 719));
  assertEquals(parseStartTime("2016-02-16T18:04:09.006739"), Date.UTC(2016, 1, 16, 18, 4, 9, 6));
  assertEquals(parseStartTime("2016-02-16T18:04:09"), Date.UTC(2016, 1, 16, 18, 4, 9));
  assertEquals(parseStartTime(""), null);
  assertEquals(parseStartTime(undefined), null);
  assertEquals(parseStartTime("yesterday"), null);
});

Deno.test("the view keeps the original's five keys and adds id, name, launch and uptime", () => {
  const view = instanceView(RUNNING, new Date("2026-11-26T20:36:55.719Z"));
  assertEquals(view, {
    public_dns_name: "ec2-54-1-2-3.us-west-2.compute.amazonaws.com",
    public_ip_address: "54.1.2.3",
    state: "running",
    tags: { Name: "dev-box", start_time: "2026-11-26T19:36:55.719Z" },
    type: "t3.micro",
    id: "i-0abcdef1234567890",
    name: "dev-box",
    launch_time: "2026-11-26T08:00:00.000Z",
    uptime_seconds: 3600,
    last_change: null,
    next: null,
    hold_until: null,
  });
});

Deno.test("uptime is null when the instance is not running or start_time is unknown", () => {
  const now = new Date("2026-11-26T20:00:00Z");
  assertEquals(instanceView({ ...RUNNING, state: "stopped" }, now).uptime_seconds, null);
  assertEquals(instanceView({ ...RUNNING, tags: {} }, now).uptime_seconds, null);
  assertEquals(instanceView({ ...RUNNING, tags: { start_time: "" } }, now).uptime_seconds, null);
  assertEquals(instanceView({ ...RUNNING, tags: {} }, now).name, null);
});

Deno.test("instance ids are i- with 8 or 17 lowercase hex digits", () => {
  for (const id of ["i-abba916a", "i-0abcdef1234567890"]) assert(isInstanceId(id), id);
  for (
    const id of [
      "i-abba916",
      "i-ABBA916A",
      "i-0abcdef123456789",
      "abba916a",
      "i-abba916g",
      "i-abba916a/",
    ]
  ) {
    assert(!isInstanceId(id), id);
  }
});

Deno.test("actions are exactly start, stop and reboot", () => {
  for (const action of ["start", "stop", "reboot"]) assert(isAction(action));
  for (const action of ["Start", "STOP", "restart", "terminate", "", "start "]) {
    assert(!isAction(action));
  }
});
