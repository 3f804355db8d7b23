/**
 * The simulator's XML: EC2's success and error envelopes and the shapes of
 * the items it answers with. The simulator decides the facts; this module
 * only writes them down the way EC2 does.
 *
 * @module
 */

/** The namespace of every EC2 success answer for API version 2016-11-15. */
const EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/";
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
/** The owner of every simulated reservation; the leading zero is on purpose. */
const OWNER_ID = "012345678901";

/** EC2's numeric code for each state name. */
const STATE_CODES: Readonly<Record<string, number>> = {
  "pending": 0,
  "running": 16,
  "shutting-down": 32,
  "terminated": 48,
  "stopping": 64,
  "stopped": 80,
};

/** An XML element; text content is escaped when rendered, never before. */
export interface XmlElement {
  readonly name: string;
  readonly content: string | readonly XmlElement[];
}

/** Child lists may hold `undefined` for elements that are left out. */
type Children = readonly (XmlElement | undefined)[];

/**
 * An element with text (escaped when rendered) or child elements; `null` and
 * `""` give an empty element such as `<dnsName/>`.
 */
export function el(
  name: string,
  content: string | number | boolean | null | Children,
): XmlElement {
  if (content === null) return { name, content: "" };
  if (typeof content === "object") {
    return { name, content: content.filter((child) => child !== undefined) };
  }
  return { name, content: String(content) };
}

/** A list the way EC2 writes one: `<name><item>…</item></name>`, or `<name/>`. */
export function itemSet(name: string, items: readonly Children[]): XmlElement {
  return el(name, items.map((children) => el("item", children)));
}

/** `s` with the five XML special characters escaped. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/**
 * A success answer: `<{action}Response xmlns=…>` with `requestId` first,
 * indented by four spaces as EC2 writes it.
 */
export function successXml(
  action: string,
  requestId: string,
  body: Children,
): string {
  const root = `${action}Response`;
  const children = [el("requestId", requestId), ...body]
    .filter((child) => child !== undefined)
    .map((child) => render(child, 1));
  return `${XML_DECLARATION}\n<${root} xmlns="${EC2_XMLNS}">\n${children.join("\n")}\n</${root}>`;
}

/**
 * EC2's error envelope; note `RequestID`, unlike `requestId` in successes.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
export function errorXml(
  code: string,
  message: string,
  requestId: string,
): string {
  return `${XML_DECLARATION}\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${
    escapeXml(message)
  }</Message></Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`;
}

/** `element` on one line, with no whitespace between elements, as moto writes XML. */
export function renderCompact(element: XmlElement): string {
  const { name, content } = element;
  if (content.length === 0) return `<${name}/>`;
  const inner = typeof content === "string"
    ? escapeXml(content)
    : content.map(renderCompact).join("");
  return `<${name}>${inner}</${name}>`;
}

function render(element: XmlElement, depth: number): string {
  const pad = "    ".repeat(depth);
  const { name, content } = element;
  if (content.length === 0) return `${pad}<${name}/>`;
  if (typeof content === "string") {
    return `${pad}<${name}>${escapeXml(content)}</${name}>`;
  }
  const inner = content.map((child) => render(child, depth + 1)).join("\n");
  return `${pad}<${name}>\n${inner}\n${pad}</${name}>`;
}

/** `<{name}><code>…</code><name>…</name></{name}>` for a state name. */
export function stateXml(name: string, state: string): XmlElement {
  return el(name, [el("code", STATE_CODES[state]), el("name", state)]);
}

/** One item of a StartInstances or StopInstances answer. */
export function stateChangeItem(
  instanceId: string,
  current: string,
  previous: string,
): Children {
  return [
    el("instanceId", instanceId),
    stateXml("currentState", current),
    stateXml("previousState", previous),
  ];
}

/** Everything DescribeInstances says about one instance, already resolved. */
export interface InstanceDescription {
  id: string;
  reservationId: string;
  imageId: string;
  state: string;
  /** Why the instance last changed state, e.g. `User initiated (… GMT)`; "" when none. */
  reason: string;
  /** EC2's `stateReason` code, e.g. `Client.UserInitiatedShutdown`, or null. */
  stateReasonCode: string | null;
  stateReasonMessage: string | null;
  type: string;
  launchTime: string;
  availabilityZone: string;
  privateIpAddress: string;
  privateDnsName: string;
  /** Public IPv4, or null when the instance has none (stopped). */
  publicIpAddress: string | null;
  /** Public DNS name, or "" when the instance has no public IP. */
  publicDnsName: string;
  /** IPv6 address, or null when it has none. */
  ipv6Address: string | null;
  subnetId: string;
  vpcId: string;
  securityGroupId: string;
  volumeId: string;
  hibernationConfigured: boolean;
  tags: ReadonlyArray<readonly [string, string]>;
}

/**
 * One `reservationSet` item holding one instance, with the fields a real
 * answer carries, so answers are real-sized; `dialect` gives another
 * account and instance layout (moto's).
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html
 */
export function reservationItem(
  instance: InstanceDescription,
  dialect: { ownerId: string; instanceItem: (i: InstanceDescription) => Children } = {
    ownerId: OWNER_ID,
    instanceItem,
  },
): Children {
  return [
    el("reservationId", instance.reservationId),
    el("ownerId", dialect.ownerId),
    el("groupSet", []),
    itemSet("instancesSet", [dialect.instanceItem(instance)]),
  ];
}

/**
 * An instance's own fields from `instanceId` to `launchTime`, in the order
 * both dialects write them; `dnsName` left out when `withDnsName` is false
 * (moto, while the instance is stopped).
 */
export function instanceFacts(i: InstanceDescription, withDnsName = true): Children {
  return [
    el("instanceId", i.id),
    el("imageId", i.imageId),
    stateXml("instanceState", i.state),
    el("privateDnsName", i.privateDnsName),
    withDnsName ? el("dnsName", i.publicDnsName) : undefined,
    el("reason", i.reason),
    el("amiLaunchIndex", 0),
    el("productCodes", []),
    el("instanceType", i.type),
    el("launchTime", i.launchTime),
  ];
}

function instanceItem(i: InstanceDescription): Children {
  return [
    ...instanceFacts(i),
    el("placement", [
      el("availabilityZone", i.availabilityZone),
      el("groupName", null),
      el("tenancy", "default"),
    ]),
    el("monitoring", [el("state", "disabled")]),
    el("subnetId", i.subnetId),
    el("vpcId", i.vpcId),
    el("privateIpAddress", i.privateIpAddress),
    i.publicIpAddress === null ? undefined : el("ipAddress", i.publicIpAddress),
    i.ipv6Address === null ? undefined : el("ipv6Address", i.ipv6Address),
    el("sourceDestCheck", true),
    itemSet("groupSet", [[
      el("groupId", i.securityGroupId),
      el("groupName", "default"),
    ]]),
    i.stateReasonCode === null ? undefined : el("stateReason", [
      el("code", i.stateReasonCode),
      el("message", i.stateReasonMessage),
    ]),
    el("architecture", "x86_64"),
    el("rootDeviceType", "ebs"),
    el("rootDeviceName", "/dev/xvda"),
    itemSet("blockDeviceMapping", [[
      el("deviceName", "/dev/xvda"),
      el("ebs", [
        el("volumeId", i.volumeId),
        el("status", "attached"),
        el("attachTime", i.launchTime),
        el("deleteOnTermination", true),
      ]),
    ]]),
    el("virtualizationType", "hvm"),
    el("clientToken", null),
    itemSet("tagSet", i.tags.map(([key, value]) => [el("key", key), el("value", value)])),
    el("hypervisor", "xen"),
    el("ebsOptimized", false),
    el("enaSupport", true),
    el("cpuOptions", [el("coreCount", 1), el("threadsPerCore", 2)]),
    el("hibernationOptions", [el("configured", i.hibernationConfigured)]),
    el("metadataOptions", [
      el("state", "applied"),
      el("httpTokens", "required"),
      el("httpPutResponseHopLimit", 2),
      el("httpEndpoint", "enabled"),
    ]),
    el("platformDetails", "Linux/UNIX"),
    el("usageOperation", "RunInstances"),
  ];
}
