/**
 * Route53's REST-XML bodies: the one change-batch document this client sends,
 * and its answers turned into typed objects. No raw parser output leaves it.
 *
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_Operations_Amazon_Route_53.html
 * @module
 */
import { XMLParser } from "fast-xml-parser";
import { Route53Error, Route53TransportError } from "./_route53_errors.ts";

/** The namespace of every Route53 document. */
export const ROUTE53_NAMESPACE = "https://route53.amazonaws.com/doc/2013-04-01/";

/** A hosted zone as ListHostedZonesByName lists it. */
export interface HostedZone {
  /** `Z…`, without the `/hostedzone/` prefix Route53 puts before it. */
  id: string;
  /** The zone's name as Route53 spells it, with its final dot: `example.com.`. */
  name: string;
  privateZone: boolean;
  recordCount: number | null;
}

/** One page of ListHostedZonesByName. */
export interface HostedZonePage {
  zones: HostedZone[];
  isTruncated: boolean;
  nextDnsName: string | null;
  nextHostedZoneId: string | null;
  requestId: string | null;
}

/** A simple (non-alias, non-routing-policy) record set: a name, a type and its values. */
export interface RecordSet {
  name: string;
  type: string;
  ttl: number | null;
  values: string[];
  /** Set for weighted, latency… record sets; this service writes none. */
  setIdentifier: string | null;
  /** Set for alias records, which have no values. */
  aliasTarget: string | null;
}

/** One page of ListResourceRecordSets. */
export interface RecordSetPage {
  recordSets: RecordSet[];
  isTruncated: boolean;
  nextRecordName: string | null;
  nextRecordType: string | null;
  requestId: string | null;
}

/** The status of a submitted change batch. */
export interface ChangeInfo {
  /** `C…`, without the `/change/` prefix. */
  id: string;
  /** `PENDING` until every Route53 name server has the change, then `INSYNC`. */
  status: string;
  submittedAt: string | null;
  requestId: string | null;
}

/** One change of a batch. */
export interface RecordChange {
  action: "UPSERT" | "DELETE" | "CREATE";
  name: string;
  type: string;
  ttl: number;
  values: readonly string[];
}

type Node = Record<string, unknown>;

const PARSER = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ["HostedZone", "ResourceRecordSet", "ResourceRecord"].includes(name),
  // Numeric character references decoded, no HTML entity names (see src/ec2/xml.ts).
  htmlEntities: {} as unknown as boolean,
});

const XML_SPECIALS = /[<>&'"]/g;
const XML_ESCAPES: Record<string, string> = {
  "<": "&lt;",
  ">": "&gt;",
  "&": "&amp;",
  "'": "&apos;",
  '"': "&quot;",
};

/** `value` escaped for XML text. */
export function escapeXml(value: string): string {
  return value.replace(XML_SPECIALS, (c) => XML_ESCAPES[c]);
}

/** The `ChangeResourceRecordSetsRequest` document for `changes`. */
export function changeBatchXml(changes: readonly RecordChange[], comment?: string): string {
  const items = changes.map((change) =>
    "<Change>" +
    `<Action>${change.action}</Action>` +
    "<ResourceRecordSet>" +
    `<Name>${escapeXml(change.name)}</Name>` +
    `<Type>${escapeXml(change.type)}</Type>` +
    `<TTL>${change.ttl}</TTL>` +
    "<ResourceRecords>" +
    change.values.map((value) =>
      `<ResourceRecord><Value>${escapeXml(value)}</Value></ResourceRecord>`
    )
      .join("") +
    "</ResourceRecords>" +
    "</ResourceRecordSet>" +
    "</Change>"
  ).join("");
  return `<?xml version="1.0" encoding="UTF-8"?>` +
    `<ChangeResourceRecordSetsRequest xmlns="${ROUTE53_NAMESPACE}">` +
    "<ChangeBatch>" +
    (comment === undefined ? "" : `<Comment>${escapeXml(comment)}</Comment>`) +
    `<Changes>${items}</Changes>` +
    "</ChangeBatch>" +
    "</ChangeResourceRecordSetsRequest>";
}

/** The root element named `root` of `xml`, or a protocol error. */
function rootOf(xml: string, root: string, status: number): Node {
  let doc: Node;
  try {
    doc = PARSER.parse(xml) as Node;
  } catch (cause) {
    throw new Route53TransportError("protocol", "Cannot parse Route53 response: not XML", {
      status,
      cause,
    });
  }
  const node = doc[root];
  if (node === undefined || typeof node !== "object" || node === null) {
    const found = Object.keys(doc).find((key) => key !== "?xml") ?? "none";
    throw new Route53TransportError(
      "protocol",
      `Cannot parse Route53 response: root element is "${found}", expected "${root}"`,
      { status },
    );
  }
  return node as Node;
}

function text(node: unknown): string | null {
  if (typeof node === "string") return node;
  if (typeof node === "number" || typeof node === "boolean") return String(node);
  return null;
}

function child(node: unknown, name: string): unknown {
  return typeof node === "object" && node !== null ? (node as Node)[name] : undefined;
}

function list(node: unknown, name: string): unknown[] {
  const value = child(node, name);
  return Array.isArray(value) ? value : [];
}

/** `/hostedzone/Z123` → `Z123`; `/change/C1` → `C1`. */
function lastSegment(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}

function requestIdFrom(response: Response): string | null {
  return response.headers.get("x-amzn-requestid");
}

/** An error answer as a {@linkcode Route53Error}, or a protocol error when it is not one. */
export function readError(xml: string, status: number, requestId: string | null): Error {
  let root: Node;
  try {
    root = rootOf(xml, "ErrorResponse", status);
  } catch (error) {
    if (error instanceof Route53TransportError) {
      return new Route53TransportError(
        "protocol",
        `Route53 answered HTTP ${status} without its error envelope`,
        { status },
      );
    }
    throw error;
  }
  const error = child(root, "Error");
  const code = text(child(error, "Code"));
  if (!code) {
    return new Route53TransportError(
      "protocol",
      `Route53 answered HTTP ${status} with an error envelope that has no code`,
      { status },
    );
  }
  return new Route53Error(code, text(child(error, "Message")) ?? code, {
    status,
    type: text(child(error, "Type")),
    requestId: text(child(root, "RequestId")) ?? requestId,
  });
}

/** A ListHostedZonesByName answer. */
export function readHostedZonePage(xml: string, response: Response): HostedZonePage {
  const root = rootOf(xml, "ListHostedZonesByNameResponse", response.status);
  const zones = list(child(root, "HostedZones"), "HostedZone").map((zone): HostedZone => {
    const count = text(child(zone, "ResourceRecordSetCount"));
    return {
      id: lastSegment(text(child(zone, "Id")) ?? ""),
      name: text(child(zone, "Name")) ?? "",
      privateZone: text(child(child(zone, "Config"), "PrivateZone")) === "true",
      recordCount: count === null ? null : Number(count),
    };
  });
  const nextId = text(child(root, "NextHostedZoneId"));
  return {
    zones,
    isTruncated: text(child(root, "IsTruncated")) === "true",
    nextDnsName: text(child(root, "NextDNSName")),
    nextHostedZoneId: nextId === null ? null : lastSegment(nextId),
    requestId: requestIdFrom(response),
  };
}

/** A ListResourceRecordSets answer. */
export function readRecordSetPage(xml: string, response: Response): RecordSetPage {
  const root = rootOf(xml, "ListResourceRecordSetsResponse", response.status);
  const recordSets = list(child(root, "ResourceRecordSets"), "ResourceRecordSet").map(
    (set): RecordSet => {
      const ttl = text(child(set, "TTL"));
      return {
        name: text(child(set, "Name")) ?? "",
        type: text(child(set, "Type")) ?? "",
        ttl: ttl === null ? null : Number(ttl),
        values: list(child(set, "ResourceRecords"), "ResourceRecord")
          .map((record) => text(child(record, "Value")) ?? ""),
        setIdentifier: text(child(set, "SetIdentifier")),
        aliasTarget: text(child(child(set, "AliasTarget"), "DNSName")),
      };
    },
  );
  return {
    recordSets,
    isTruncated: text(child(root, "IsTruncated")) === "true",
    nextRecordName: text(child(root, "NextRecordName")),
    nextRecordType: text(child(root, "NextRecordType")),
    requestId: requestIdFrom(response),
  };
}

/** A ChangeResourceRecordSets or GetChange answer. */
export function readChangeInfo(
  xml: string,
  response: Response,
  root: "ChangeResourceRecordSetsResponse" | "GetChangeResponse",
): ChangeInfo {
  const info = child(rootOf(xml, root, response.status), "ChangeInfo");
  const id = text(child(info, "Id"));
  const status = text(child(info, "Status"));
  if (!id || !status) {
    throw new Route53TransportError(
      "protocol",
      `Cannot parse Route53 response: "${root}" has no change id or status`,
      { status: response.status },
    );
  }
  return {
    id: lastSegment(id),
    status,
    submittedAt: text(child(info, "SubmittedAt")),
    requestId: requestIdFrom(response),
  };
}
