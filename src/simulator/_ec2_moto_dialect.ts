/**
 * The simulator's answers in moto's dialect, as `moto_server` 5.2.1 writes
 * them (recorded in tests/_fixtures.ts): an XML declaration with "utf-8", the
 * namespace without its trailing slash, no whitespace between elements,
 * `requestId` last and always "request-id", no `<return>` on RebootInstances,
 * CreateTags and DeleteTags, the error root with a namespace, `text/xml` with
 * no charset, and an HTML page with HTTP 500 for an action it does not know.
 * DescribeInstances puts an instance's own fields after its subtrees, a
 * network interface first whose `privateIpAddress`, `privateDnsName` and
 * `association/publicDnsName` are not the instance's, leaves `dnsName` and
 * `ipAddress` out while stopped, and `tagSet` out when there is no tag.
 *
 * Private to the simulator (`src/ec2/_simulator_*.ts`, which move next to it).
 *
 * @module
 */
import {
  el,
  escapeXml,
  type InstanceDescription,
  instanceFacts,
  itemSet,
  renderCompact,
  reservationItem,
  type XmlElement,
} from "./_ec2_xml.ts";

type Children = readonly (XmlElement | undefined)[];

/** moto's namespace: EC2's, without the trailing slash. */
const MOTO_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15";
const MOTO_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
/** moto writes this text as every answer's requestId; its header carries a real one. */
export const MOTO_REQUEST_ID = "request-id";
/** moto's Content-Type for every EC2 answer. */
export const MOTO_CONTENT_TYPE = "text/xml";
/** moto's account. */
const MOTO_OWNER_ID = "123456789012";
/** Werkzeug's answer, HTTP 500 `text/html; charset=utf-8`, to an action moto does not know. */
export const MOTO_UNKNOWN_ACTION_PAGE = `<!doctype html>
<html lang=en>
<title>500 Internal Server Error</title>
<h1>Internal Server Error</h1>
<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>
`;

/** A success answer as moto writes it: `<return>` left out, requestId last. */
export function motoSuccessXml(action: string, body: Children): string {
  const root = `${action}Response`;
  const children = [...body, el("requestId", MOTO_REQUEST_ID)]
    .filter((child): child is XmlElement => child !== undefined && child.name !== "return")
    .map(renderCompact)
    .join("");
  return `${MOTO_DECLARATION}\n<${root} xmlns="${MOTO_XMLNS}">${children}</${root}>`;
}

/** moto's error envelope: EC2's, with a namespace on its root. */
export function motoErrorXml(code: string, message: string): string {
  return `${MOTO_DECLARATION}\n<Response xmlns="${MOTO_XMLNS}"><Errors><Error><Code>${
    escapeXml(code)
  }</Code><Message>${
    escapeXml(message)
  }</Message></Error></Errors><RequestID>${MOTO_REQUEST_ID}</RequestID></Response>`;
}

/** One `reservationSet` item as moto writes it. */
export function motoReservationItem(instance: InstanceDescription): Children {
  return reservationItem(instance, { ownerId: MOTO_OWNER_ID, instanceItem: motoInstanceItem });
}

function motoInstanceItem(i: InstanceDescription): Children {
  const running = i.publicIpAddress !== null;
  const suffix = i.volumeId.slice(-17);
  // moto's interface names its addresses after us-east-1, not the instance's region.
  const nicDns = (ip: string) => `ip-${ip.replaceAll(".", "-")}.ec2.internal`;
  const association = running
    ? el("association", [
      el("ipOwnerId", MOTO_OWNER_ID),
      el("publicDnsName", nicDns(i.publicIpAddress!)),
      el("publicIp", i.publicIpAddress),
    ])
    : el("association", []);
  return [
    el("architecture", "x86_64"),
    itemSet("blockDeviceMapping", [[
      el("deviceName", "/dev/sda1"),
      el("ebs", [
        el("attachTime", i.launchTime),
        el("deleteOnTermination", true),
        el("status", "attached"),
        el("volumeId", i.volumeId),
      ]),
    ]]),
    el("clientToken", "ABCDE"),
    el("ebsOptimized", false),
    el("hypervisor", "xen"),
    itemSet("networkInterfaceSet", [[
      association,
      el("attachment", [
        el("attachTime", i.launchTime),
        el("attachmentId", `eni-attach-${suffix}`),
        el("deleteOnTermination", false),
        el("deviceIndex", 0),
        el("status", "attached"),
        el("networkCardIndex", 0),
      ]),
      el("description", "Primary network interface"),
      itemSet("groupSet", [[el("groupId", i.securityGroupId), el("groupName", "default")]]),
      el("ipv6AddressesSet", []),
      el(
        "macAddress",
        `02:00:00:${suffix.slice(0, 2)}:${suffix.slice(2, 4)}:${suffix.slice(4, 6)}`,
      ),
      el("networkInterfaceId", `eni-${suffix}`),
      el("ownerId", MOTO_OWNER_ID),
      el("privateDnsName", nicDns(i.privateIpAddress)),
      el("privateIpAddress", i.privateIpAddress),
      itemSet("privateIpAddressesSet", [[
        running ? association : undefined,
        el("primary", true),
        el("privateIpAddress", i.privateIpAddress),
      ]]),
      el("sourceDestCheck", true),
      el("status", "in-use"),
      el("subnetId", i.subnetId),
      el("vpcId", i.vpcId),
      el("interfaceType", "interface"),
    ]]),
    el("rootDeviceName", "/dev/sda1"),
    el("rootDeviceType", "ebs"),
    el("groupSet", []),
    el("sourceDestCheck", true),
    el("sriovNetSupport", "simple"),
    el("stateReason", [el("code", i.stateReasonCode), el("message", i.stateReasonMessage)]),
    i.tags.length === 0
      ? undefined
      : itemSet("tagSet", i.tags.map(([key, value]) => [el("key", key), el("value", value)])),
    el("virtualizationType", "hvm"),
    el("hibernationOptions", []),
    el("metadataOptions", [
      el("state", "applied"),
      el("httpTokens", "optional"),
      el("httpPutResponseHopLimit", 1),
      el("httpEndpoint", "enabled"),
      el("httpProtocolIpv6", "disabled"),
      el("instanceMetadataTags", "disabled"),
    ]),
    ...instanceFacts(i, running),
    el("placement", [
      el("groupName", null),
      el("tenancy", "default"),
      el("availabilityZone", i.availabilityZone),
    ]),
    el("monitoring", [el("state", "disabled")]),
    el("subnetId", i.subnetId),
    el("vpcId", i.vpcId),
    el("privateIpAddress", i.privateIpAddress),
    running ? el("ipAddress", i.publicIpAddress) : undefined,
  ];
}
