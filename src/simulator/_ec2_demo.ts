/**
 * The instances demo mode starts with.
 *
 * @module
 */

import { isoSeconds, type SimulatedInstanceSeed } from "./_ec2_instance.ts";

/** The public hosted zone demo mode's Route53 serves. */
export const DEMO_DNS_ZONE = "demo.workwork.test";
/** The tag naming the host names that follow an instance (the DNS rules' `workwork:dns`). */
const DEMO_DNS_TAG = "workwork:dns";

/**
 * A few instances in us-west-2 and eu-central-1 for demo mode: realistic
 * names, types and ids, some running (with a `start_time` tag, as this
 * service writes it) and some stopped; `game-server` has an IPv6 address and
 * a name in {@linkcode DEMO_DNS_ZONE} that follows it. Times are relative to `now`.
 */
export function demoInstances(now: number = Date.now()): SimulatedInstanceSeed[] {
  const hoursAgo = (hours: number) => isoSeconds(now - hours * 3_600_000);
  const startTime = (hours: number) => new Date(now - hours * 3_600_000).toISOString();
  return [
    {
      id: "i-0a1b2c3d4e5f60718",
      region: "us-west-2",
      type: "t3.medium",
      state: "running",
      tags: { Name: "dev-box", owner: "platform", start_time: startTime(2) },
      launchTime: hoursAgo(2),
      availabilityZone: "us-west-2a",
      privateIpAddress: "172.31.21.47",
    },
    {
      id: "i-0b2c3d4e5f6071829",
      region: "us-west-2",
      type: "c5.xlarge",
      state: "stopped",
      tags: {
        Name: "game-server",
        start_time: "",
        [DEMO_DNS_TAG]: `game.${DEMO_DNS_ZONE}`,
        // Where the wake-up page sends the browser; the demo's zone is not on the internet.
        "workwork:url": `https://game.${DEMO_DNS_ZONE}/`,
      },
      launchTime: hoursAgo(30),
      availabilityZone: "us-west-2b",
      privateIpAddress: "172.31.37.112",
      ipv6Address: "2600:1f14:9c2:4b00:5d1e:71a0:3f6b:1c42",
      hibernationConfigured: true,
    },
    {
      id: "i-0c3d4e5f607182930",
      region: "us-west-2",
      type: "t2.nano",
      state: "running",
      // Idles at 0.2-3 % CPU in demo mode: the sweep stops it 30 min after its last use.
      tags: { Name: "demo", start_time: startTime(0.25), "workwork:idle_stop": "30m" },
      launchTime: hoursAgo(0.25),
      availabilityZone: "us-west-2c",
      privateIpAddress: "172.31.4.9",
    },
    {
      id: "i-0d4e5f60718293a4b",
      region: "eu-central-1",
      type: "m5.large",
      state: "stopped",
      tags: { Name: "build-runner", team: "ci" },
      launchTime: hoursAgo(72),
      availabilityZone: "eu-central-1a",
      privateIpAddress: "172.31.12.200",
    },
    {
      id: "i-0e5f60718293a4b5c",
      region: "eu-central-1",
      type: "t3.micro",
      state: "running",
      tags: { Name: "demo", start_time: startTime(5) },
      launchTime: hoursAgo(5),
      availabilityZone: "eu-central-1b",
      privateIpAddress: "172.31.40.18",
    },
  ];
}
