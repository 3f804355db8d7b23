/**
 * What demo mode serves in place of AWS: the built-in EC2 simulator and the
 * instances it starts with. Only the builds that offer a demo import this
 * (the Deno adapter, the demo Workers bundle, tests and benchmarks), so the
 * production Workers bundle carries none of it.
 *
 * @module
 */
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
}

/** Makes the demo's fake AWS; {@linkcode createService} calls it only when demo mode is on. */
export type DemoFactory = () => Demo;

/** The demo every build that offers one serves: the simulator, on the demo's instances. */
export function createDemo(): Demo {
  const seeds = demoInstances();
  return {
    seeds,
    simulator: new Ec2Simulator({ instances: seeds }),
    route53: new Route53Simulator({ zones: [{ name: DEMO_DNS_ZONE }] }),
  };
}
