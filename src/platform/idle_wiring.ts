/**
 * The parts idle stops and warnings add to the composition: the CloudWatch
 * client (on AWS, or in demo mode on the simulated CloudWatch that the EC2
 * simulator feeds through a `RunLog`), and the signer of warning links.
 *
 * @module
 */
import { CloudWatchClient, type Fetch } from "../aws/cloudwatch.ts";
import type { AwsCredentials, CredentialSource } from "../aws/credentials.ts";
import type { Config } from "../config/settings.ts";
import { IDLE_STOP_TAG } from "../domain/idle.ts";
import { LinkSigner } from "../domain/links.ts";
import { CloudWatchSimulator, idleCpu, RunLog } from "../simulator/cloudwatch.ts";
import type { SimulatedInstanceSeed } from "../simulator/ec2.ts";

/** What {@linkcode idleWiring} hands the composition root. */
export interface IdleWiring {
  /** For the EC2 simulator: tells the simulated CloudWatch when instances run. */
  onStateChange?: (region: string, instanceId: string, state: string, at: number) => void;
  /** The simulated CloudWatch in demo mode, null otherwise. */
  simulator: CloudWatchSimulator | null;
  /** Signs warning links; null without both `LINK_SECRET` and `PUBLIC_URL`. */
  links: LinkSigner | null;
  /**
   * A CloudWatch client signing with the current credentials (a source's are
   * read anew each time, so refreshed ones are used); null without any.
   */
  cloudwatch(
    credentials: AwsCredentials | CredentialSource | null | undefined,
  ): Promise<CloudWatchClient | null>;
}

/**
 * Wires idle stops for `config`. In demo mode the demo's instances tagged
 * `workwork:idle_stop` idle at 0.2–3 % CPU; the others look busy.
 */
export function idleWiring(
  config: Pick<Config, "linkSecret" | "publicUrl" | "cloudWatchEndpoint" | "timeoutMs">,
  options: { demo: readonly SimulatedInstanceSeed[] | null; now: () => Date; fetch?: Fetch },
): IdleWiring {
  const runLog = options.demo ? new RunLog() : null;
  const simulator = runLog &&
    new CloudWatchSimulator({ history: runLog.history, now: () => options.now().getTime() });
  for (const seed of options.demo ?? []) {
    if (seed.tags?.[IDLE_STOP_TAG]) simulator!.setCpu(seed.id, idleCpu);
  }
  return {
    onStateChange: runLog
      ? (region, id, state, at) => runLog.changed(region, id, state, at)
      : undefined,
    simulator,
    links: config.linkSecret && config.publicUrl
      ? new LinkSigner(config.linkSecret, config.publicUrl)
      : null,
    async cloudwatch(credentials) {
      if (!credentials) return null;
      const fixed = "accessKeyId" in credentials
        ? credentials
        : credentials.fixed ?? await credentials.credentials();
      return new CloudWatchClient({
        credentials: fixed,
        fetch: simulator?.fetch ?? options.fetch,
        endpoint: simulator ? undefined : config.cloudWatchEndpoint,
        timeoutMs: config.timeoutMs,
      });
    },
  };
}
