/**
 * The parts idle stops and warnings add to the composition: the CloudWatch
 * client (on AWS, or in demo mode on the demo's simulated CloudWatch, see
 * `demo.ts`), and the signer of warning links.
 *
 * @module
 */
import { CloudWatchClient, type Fetch } from "../aws/cloudwatch.ts";
import type { AwsCredentials, CredentialSource } from "../aws/credentials.ts";
import type { Config } from "../config/settings.ts";
import { LinkSigner } from "../domain/links.ts";
// A type only: the production bundle carries no simulator (demo.ts makes it).
import type { CloudWatchSimulator } from "../simulator/cloudwatch.ts";

/** What {@linkcode idleWiring} hands the composition root. */
export interface IdleWiring {
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

/** Wires idle stops for `config`; in demo mode on the demo's simulated CloudWatch. */
export function idleWiring(
  config: Pick<Config, "linkSecret" | "publicUrl" | "cloudWatchEndpoint" | "timeoutMs">,
  options: { simulator: CloudWatchSimulator | null; fetch?: Fetch },
): IdleWiring {
  const simulator = options.simulator;
  return {
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
