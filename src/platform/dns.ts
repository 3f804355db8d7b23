/**
 * Which DNS provider names follow instances with: Cloudflare when
 * `CLOUDFLARE_API_TOKEN` is set, Route53 otherwise (signed with the EC2
 * client's credentials, at `AWS_ENDPOINT_URL_ROUTE_53`, then
 * `AWS_ENDPOINT_URL`), and in demo mode the built-in Route53 simulator.
 *
 * @module
 */
import type { AwsCredentials } from "../aws/ec2.ts";
import { Route53Client } from "../aws/route53.ts";
import { CloudflareDnsClient } from "../cloudflare/dns.ts";
import type { Config } from "../config/settings.ts";
import { cloudflareDnsProvider, route53DnsProvider } from "../domain/dns.ts";
import type { DnsSettings } from "../domain/dns_follow.ts";

/** How DNS calls are sent: the global `fetch`'s shape. */
export type DnsFetch = (url: string, init: RequestInit) => Promise<Response>;

/** What {@linkcode dnsSettings} builds the provider from. */
export interface DnsSources {
  /** The EC2 client's credentials (fixed, or the chain's provider); null: none. */
  credentials: AwsCredentials | (() => Promise<AwsCredentials>) | null;
  /** Outbound fetch; the global one when absent. */
  fetch?: DnsFetch;
  /** Demo mode's Route53 (its fetch): used whatever the other settings say. */
  demoRoute53?: DnsFetch;
  /** The demo's credentials, which the simulator checks the shape of. */
  demoCredentials?: AwsCredentials;
}

/** The provider and TTL, or null when there is none to write with (no token, no credentials). */
export function dnsSettings(
  config: Pick<Config, "dnsTtl" | "cloudflareApiToken" | "route53Endpoint" | "timeoutMs">,
  sources: DnsSources,
): DnsSettings | null {
  const ttl = config.dnsTtl;
  const timeoutMs = config.timeoutMs;
  if (sources.demoRoute53 && sources.demoCredentials) {
    const client = new Route53Client({
      credentials: sources.demoCredentials,
      fetch: sources.demoRoute53,
      timeoutMs,
    });
    return { provider: route53DnsProvider(client), ttl };
  }
  if (config.cloudflareApiToken) {
    const client = new CloudflareDnsClient({
      token: config.cloudflareApiToken,
      fetch: sources.fetch,
      timeoutMs,
    });
    return { provider: cloudflareDnsProvider(client), ttl };
  }
  if (!sources.credentials) return null;
  const client = new Route53Client({
    credentials: sources.credentials,
    fetch: sources.fetch,
    endpoint: config.route53Endpoint,
    timeoutMs,
  });
  return { provider: route53DnsProvider(client), ttl };
}
