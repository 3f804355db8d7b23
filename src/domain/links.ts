/**
 * Signed instance links: a URL that lets whoever holds it do one thing to one
 * instance until a time, with no API key (the "keep 1 h", "keep 4 h" and
 * "stop now" links of a warning; `start` for a wake page). The token is a
 * signed token (`signed_token.ts`) with purpose {@linkcode LINK_PURPOSE},
 * signed with a key derived from `LINK_SECRET`; its subject names the action,
 * the region and the instance: `keep_1h us-west-2 i-0abc…`.
 *
 * @module
 */
import { derivedSigningKey, signToken, verifyToken } from "./signed_token.ts";

/** What a link may do. */
export const LINK_ACTIONS = ["keep_1h", "keep_4h", "stop", "start"] as const;
/** One of {@linkcode LINK_ACTIONS}. */
export type LinkAction = typeof LINK_ACTIONS[number];
/** How long each `keep_*` action holds the instance. */
export const KEEP_MS: Readonly<Record<string, number>> = {
  keep_1h: 3_600_000,
  keep_4h: 4 * 3_600_000,
};
/** The path links live under: `<PUBLIC_URL>link/<token>`. */
export const LINK_PATH_PREFIX = "link/";
/** The wake-up page's path: `<PUBLIC_URL>wake/<region>/<id>`. */
export const WAKE_PATH_PREFIX = "wake/";
/** A link token passes for nothing else, and nothing else for a link. */
export const LINK_PURPOSE = "instance-link";
const LINK_LABEL = "workwork instance link v1";
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
const INSTANCE_PATTERN = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** What a link names. */
export interface InstanceLink {
  action: LinkAction;
  region: string;
  instanceId: string;
  /** Ms since the epoch. */
  expires: number;
}

/** Why a link was refused, or what it names. */
export type LinkCheck =
  | { valid: true; link: InstanceLink }
  | { valid: false; reason: "malformed" | "forged" | "expired" };

/** Signs and checks links with one secret. */
export class LinkSigner {
  readonly #key: Promise<CryptoKey>;
  readonly #base: string;

  /** `publicUrl` ends with `/`; `secret` is `LINK_SECRET`, never logged. */
  constructor(secret: string, publicUrl: string) {
    this.#key = derivedSigningKey(secret, LINK_LABEL);
    this.#base = publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`;
  }

  /** The token of `link`. */
  async token(link: InstanceLink): Promise<string> {
    return await signToken({
      subject: `${link.action} ${link.region} ${link.instanceId}`,
      purpose: LINK_PURPOSE,
      expires: link.expires,
    }, await this.#key);
  }

  /** The full URL of `link`: `<PUBLIC_URL>link/<token>`. */
  async url(link: InstanceLink): Promise<string> {
    return `${this.#base}${LINK_PATH_PREFIX}${await this.token(link)}`;
  }

  /**
   * The wake-up page of a `start` link: `<PUBLIC_URL>wake/<region>/<id>#link=<token>`. The
   * token is in the fragment, which browsers never send, so it stays out of request logs.
   */
  async wakeUrl(link: Omit<InstanceLink, "action">): Promise<string> {
    const token = await this.token({ ...link, action: "start" });
    return `${this.#base}${WAKE_PATH_PREFIX}${link.region}/${link.instanceId}#link=${token}`;
  }

  /** Checks `token` at `now` (ms); never throws for what a client sent. */
  async check(token: string, now: number): Promise<LinkCheck> {
    const result = await verifyToken(token, await this.#key, LINK_PURPOSE, now);
    if (!result.valid) {
      return { valid: false, reason: result.reason === "wrong purpose" ? "forged" : result.reason };
    }
    const [action, region, instanceId, ...rest] = result.claims.subject.split(" ");
    if (
      rest.length > 0 || !(LINK_ACTIONS as readonly string[]).includes(action) ||
      !REGION_PATTERN.test(region ?? "") || !INSTANCE_PATTERN.test(instanceId ?? "")
    ) {
      return { valid: false, reason: "malformed" };
    }
    return {
      valid: true,
      link: { action: action as LinkAction, region, instanceId, expires: result.claims.expires },
    };
  }
}
