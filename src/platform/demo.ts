/**
 * What demo mode serves in place of AWS: the built-in EC2 simulator, the
 * instances it starts with, and a simulated CloudWatch that the EC2 simulator
 * feeds (through a `RunLog`) whenever an instance changes state. Only the
 * builds that offer a demo import this (the Deno adapter, the demo Workers
 * bundle, tests and benchmarks), so the production Workers bundle carries
 * none of it.
 *
 * @module
 */
import { IDLE_STOP_TAG } from "../domain/idle.ts";
import { CloudWatchSimulator, idleCpu, RunLog } from "../simulator/cloudwatch.ts";
import {
  DEMO_DNS_ZONE,
  demoInstances,
  Ec2Simulator,
  type SimulatedInstanceSeed,
} from "../simulator/ec2.ts";
import { Route53Simulator } from "../simulator/route53.ts";

/** The demo's fake AWS, made fresh for one service. */
export interface Demo {
  /** The instances the demo starts with. */
  seeds: readonly SimulatedInstanceSeed[];
  /** The EC2 simulator answering in EC2's place; its state lives in this process. */
  simulator: Ec2Simulator;
  /** The Route53 simulator serving the zone `demo.workwork.test`, where demo names follow instances. */
  route53: Route53Simulator;
  /**
   * CloudWatch for the demo's instances: busy CPU while they run, idle CPU
   * (0.2–3 %) for those tagged `workwork:idle_stop`, nothing while stopped.
   */
  cloudwatch: CloudWatchSimulator;
}

/** What a demo is made with. */
export interface DemoOptions {
  /** The clock of the simulators. */
  now: () => Date;
}

/** Makes the demo's fake AWS; {@linkcode createService} calls it only when demo mode is on. */
export type DemoFactory = (options: DemoOptions) => Demo;

/** The demo every build that offers one serves: the simulators, on the demo's instances. */
export function createDemo(options: DemoOptions = { now: () => new Date() }): Demo {
  const now = () => options.now().getTime();
  const seeds = demoInstances(now());
  const runLog = new RunLog();
  const cloudwatch = new CloudWatchSimulator({ history: runLog.history, now });
  for (const seed of seeds) {
    if (seed.tags?.[IDLE_STOP_TAG]) cloudwatch.setCpu(seed.id, idleCpu);
  }
  const simulator = new Ec2Simulator({
    instances: seeds,
    now,
    onStateChange: (region, id, state, at) => runLog.changed(region, id, state, at),
  });
  return {
    seeds,
    simulator,
    cloudwatch,
    route53: new Route53Simulator({ zones: [{ name: DEMO_DNS_ZONE }] }),
  };
}
