/**
 * What demo mode serves in place of AWS: the built-in EC2 simulator and the
 * instances it starts with. Only the builds that offer a demo import this
 * (the Deno adapter, the demo Workers bundle, tests and benchmarks), so the
 * production Workers bundle carries none of it.
 *
 * @module
 */
import { demoInstances, Ec2Simulator, type SimulatedInstanceSeed } from "../simulator/ec2.ts";

/** The demo's fake AWS, made fresh for one service. */
export interface Demo {
  /** The instances the demo starts with. */
  seeds: readonly SimulatedInstanceSeed[];
  /** The EC2 simulator answering in EC2's place; its state lives in this process. */
  simulator: Ec2Simulator;
}

/** Makes the demo's fake AWS; {@linkcode createService} calls it only when demo mode is on. */
export type DemoFactory = () => Demo;

/** The demo every build that offers one serves: the simulator, on the demo's instances. */
export function createDemo(): Demo {
  const seeds = demoInstances();
  return { seeds, simulator: new Ec2Simulator({ instances: seeds }) };
}
