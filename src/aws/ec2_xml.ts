/**
 * EC2's XML answers turned into typed objects. This module owns the one
 * configured parser; no raw parser output leaves it.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html
 * @module
 */
import { XMLParser } from "fast-xml-parser";
import { Ec2Error, Ec2TransportError } from "./ec2_errors.ts";
import type { Instance, InstancePage, StateChange } from "./ec2_types.ts";

/**
 * An element's content as the parser gives it with `preserveOrder`: its child
 * elements (name to content) and its text (`#text`), in document order.
 */
type Content = Entry[];
type Entry = Record<string, Content | string>;

const UTF8 = new TextDecoder();

const PARSER = new XMLParser({
  ignoreAttributes: true,
  // The default builds each element's path as a string for callbacks none of ours read.
  jPath: false,
  // The default turns "007" into 7 and account 012345678901 into 12345678901.
  parseTagValue: false,
  // Tag values may start or end with spaces; keep them as EC2 sent them.
  trimValues: false,
  // Content as ordered lists, as the parser builds it: without this it copies
  // the whole tree into objects keyed by name, a third of its time.
  preserveOrder: true,
  // Decodes numeric character references (&#233;) besides the XML five. An
  // object, not `true`: `true` also adds ~250 HTML entity names (&nbsp;, which
  // XML does not have), merged into a new map on every parse. The
  // parser takes an object as the named entities to add and still decodes
  // numeric references (fast-xml-parser 5.12 OrderedObjParser.js, lines
  // 95-99); its types admit only a boolean.
  htmlEntities: {} as unknown as boolean,
});

/**
 * The elements of a DescribeInstances answer that {@linkcode readInstance} and
 * {@linkcode readDescribeInstances} read. Everything else is cut out of the
 * text before parsing: a real instance is ~5 KB of XML, of which this service
 * reads ~0.5 KB, and fast-xml-parser's cost grows with every element it sees.
 */
const READ_ELEMENTS = [
  "requestId",
  "nextToken",
  "instanceId",
  "name",
  "instanceType",
  "launchTime",
  "dnsName",
  "ipAddress",
  "ipv6Address",
  "privateIpAddress",
  "availabilityZone",
  "key",
  "value",
];
/**
 * Subtrees of an instance never read. None of them nests inside itself, so the
 * first closing tag after an opening one closes it; a `privateIpAddress` or a
 * `name` inside them would otherwise be mistaken for the instance's own.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html
 */
const UNREAD_SUBTREE_NAMES = [
  "networkInterfaceSet",
  "blockDeviceMapping",
  "groupSet",
  "productCodes",
  "elasticGpuAssociationSet",
  "elasticInferenceAcceleratorAssociationSet",
  "licenseSet",
  "iamInstanceProfile",
  "stateReason",
  "monitoring",
  "metadataOptions",
  "cpuOptions",
  "capacityReservationSpecification",
  "hibernationOptions",
  "enclaveOptions",
  "privateDnsNameOptions",
  "maintenanceOptions",
  "networkPerformanceOptions",
  "operator",
].join("|");
// Runs of text without "<" are taken whole, and a second start tag of the same
// name ends the try: many unclosed start tags cost linear time, not quadratic.
const UNREAD_SUBTREES = new RegExp(
  `<(${UNREAD_SUBTREE_NAMES})>[^<]*(?:<(?!/?\\1>)[^<]*)*</\\1>`,
  "g",
);
/** The start tag of an unread subtree; see {@linkcode textWithoutUnreadElements}. */
const UNREAD_SUBTREE_START = new RegExp(`<(?:${UNREAD_SUBTREE_NAMES})>`);
/** A leaf element (text only, no attributes) or an empty one that is not read. */
const UNREAD_LEAVES = new RegExp(
  `<(?!(?:${READ_ELEMENTS.join("|")})[/>])([\\w.:-]+)(?:>[^<]*</\\1>|/>)`,
  "g",
);
/**
 * Whitespace between elements: before an opening tag or after a closing one it
 * is never an element's own text, so cutting it cannot change a value.
 */
// Each run starts right after a ">": a long run of spaces inside a value is
// then tried once, not from each of its characters (which would be quadratic).
const SPACE_BETWEEN_ELEMENTS = /(?<=>)\s+(?=<[^/!?])|(?<=<\/[\w.:-]+>)\s+/g;

/**
 * All three in one pass: one scan of a 5 MB answer, one new string. The
 * leaves' back reference becomes `\\2`: the subtrees' name is group 1.
 */
const UNREAD = new RegExp(
  [
    UNREAD_SUBTREES.source,
    UNREAD_LEAVES.source.replace("\\1", "\\2"),
    SPACE_BETWEEN_ELEMENTS.source,
  ]
    .join("|"),
  "g",
);

/**
 * The code of the {@linkcode Ec2Error} for an answer that says
 * `<return>false</return>`: this service's own, not one of EC2's.
 */
export const RETURN_FALSE_CODE = "ReturnFalse";

/** The answer of a call whose result is `<return>true</return>` on AWS. */
export interface ReturnResult {
  requestId: string | null;
}

/** The answer of StartInstances or StopInstances. */
export interface StateChangeResult {
  requestId: string | null;
  changes: StateChange[];
}

/**
 * Reads a DescribeInstances answer: every instance of every reservation. The
 * text may be whole or cut by {@linkcode textWithoutUnreadElements}: the
 * result is the same, cut text is read in a tenth of the time.
 */
export function readDescribeInstances(xml: string): InstancePage {
  const root = parseRoot(xml, "DescribeInstancesResponse");
  const instances = items(root, "reservationSet")
    .flatMap((reservation) => items(reservation, "instancesSet"))
    // An item without its id describes no instance (and is cut to nothing anyway).
    .filter((item) => child(item, "instanceId"))
    .map(readInstance);
  return {
    requestId: leaf(root, "requestId"),
    instances,
    nextToken: leaf(root, "nextToken") || null,
  };
}

/** Reads a StartInstances or StopInstances answer. */
export function readStateChanges(action: string, xml: string): StateChangeResult {
  const root = parseRoot(xml, `${action}Response`);
  const changes = items(root, "instancesSet").map((item) => ({
    instanceId: leaf(item, "instanceId") ?? "",
    currentState: leaf(item, "currentState", "name") ?? "",
    previousState: leaf(item, "previousState", "name") ?? "",
  }));
  return { requestId: leaf(root, "requestId"), changes };
}

/**
 * Reads the answer of RebootInstances, CreateTags, DeleteTags. AWS sends
 * `<return>true</return>`; the AWS SDKs never read it (these calls have no
 * output in their models: botocore, aws-sdk-js-v3 `CreateTagsCommandOutput`)
 * and moto leaves it out, so a 2xx answer with the right root is success. Only
 * a `<return>` that is there and is not `true` (botocore reads a boolean as
 * `text == "true"`) says the call was not done.
 */
export function readReturn(action: string, xml: string): ReturnResult {
  const root = parseRoot(xml, `${action}Response`);
  const requestId = leaf(root, "requestId");
  const returned = leaf(root, "return");
  const value = returned?.trim();
  if (value !== undefined && value !== "true") {
    // The value is not echoed unless it is "false": it could be anything, of any length.
    const said = value === "false" ? 'return "false"' : 'a return other than "true"';
    throw new Ec2Error(RETURN_FALSE_CODE, `EC2 answered ${action} with ${said}: it was not done`, {
      status: 200,
      requestId,
    });
  }
  return { requestId };
}

/**
 * Reads an answer with a non-2xx status: EC2's error envelope becomes an
 * {@linkcode Ec2Error}; anything else an {@linkcode Ec2TransportError}.
 *
 * As the AWS SDKs read it: the root's name and namespace are not checked
 * (EC2 sends `<Response>`, moto `<Response xmlns=…>`), the error is
 * `Errors/Error` (EC2) or a direct `Error` child (the Query protocol's
 * `<ErrorResponse>`, which botocore also reads), and `RequestID` may be absent.
 * What it needs is a `Code`: without one the answer is not an EC2 error.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
export function readError(
  xml: string,
  status: number,
): Ec2Error | Ec2TransportError {
  let root: Content;
  try {
    root = parseRoot(xml);
  } catch (error) {
    if (!(error instanceof Ec2TransportError)) throw error;
    return new Ec2TransportError(
      "protocol",
      `EC2 answered HTTP ${status} without its error envelope`,
      { status },
    );
  }
  const error = items(root, "Errors", "Error")[0] ?? child(root, "Error");
  const code = error && leaf(error, "Code")?.trim();
  if (!code) {
    return new Ec2TransportError(
      "protocol",
      child(root, "Errors") || error
        ? `EC2 answered HTTP ${status} with an empty error envelope`
        : `EC2 answered HTTP ${status} without its error envelope`,
      { status },
    );
  }
  return new Ec2Error(code, leaf(error, "Message") ?? code, {
    status,
    requestId: leaf(root, "RequestID") ?? leaf(root, "RequestId"),
  });
}

function readInstance(item: Content): Instance {
  const tags: Record<string, string> = {};
  for (const tag of items(item, "tagSet")) {
    const key = leaf(tag, "key");
    if (key !== null) tags[key] = leaf(tag, "value") ?? "";
  }
  return {
    id: leaf(item, "instanceId") ?? "",
    state: leaf(item, "instanceState", "name") ?? "",
    type: leaf(item, "instanceType") ?? "",
    launchTime: leaf(item, "launchTime"),
    publicDnsName: leaf(item, "dnsName") || null,
    publicIpAddress: leaf(item, "ipAddress") || null,
    ipv6Address: leaf(item, "ipv6Address") || null,
    privateIpAddress: leaf(item, "privateIpAddress") || null,
    availabilityZone: leaf(item, "placement", "availabilityZone") || null,
    tags,
  };
}

/**
 * `xml` less the elements {@linkcode READ_ELEMENTS} never needs, with native
 * string search: parsing what is left takes a tenth of the time, and the
 * parsed values are the same. A malformed subtree that is cut goes unnoticed;
 * the answer as a whole is still checked by the parser.
 */
export function withoutUnreadElements(xml: string): string {
  return xml.replace(UNREAD, "");
}

/**
 * The whole body as text. Decoded here, not by `response.text()`: on Deno that
 * takes several times as long, with the same result.
 */
export async function wholeText(response: Response): Promise<string> {
  return UTF8.decode(await response.arrayBuffer());
}

/**
 * Bytes decoded and cut at a time. A string of up to 64 KiB is made in V8's
 * young generation, whose memory is reused; decoding a 5.9 MB answer whole
 * makes a string in the large-object space, whose fresh pages cost more CPU
 * than the decoding itself (docs/performance.md).
 */
const CUT_CHUNK_BYTES = 64 * 1024;
/**
 * How much text may wait unsettled for the rest of an element. Real unread
 * subtrees are a few KB; a longer one (or text with no end tag) is settled as
 * it stands, less its unread leaves, so hostile input cannot make each piece
 * cut again all that came before.
 */
const MAX_UNSETTLED_CHARS = 256 * 1024;

/**
 * The text of an answer's body, less what {@linkcode withoutUnreadElements}
 * cuts, decoded and cut piece by piece as the body arrives: the whole answer
 * never exists as one string or one buffer, only what is kept.
 *
 * Each piece is cut together with what the piece before left unsettled, and
 * is settled up to its last end tag, or, when an unread subtree is still open
 * (every closed one is already cut), up to the last end tag before it. An
 * unread leaf whose end tag has not arrived yet is always after the last end
 * tag, since a complete one is already cut; and whitespace after a cut
 * element still follows an end tag, as it did in the whole text.
 *
 * The result is `withoutUnreadElements` of the whole text, except where a
 * cut element had no end tag before it in its parent (whitespace after it may
 * then be kept) and where more than {@linkcode MAX_UNSETTLED_CHARS} wait for
 * an end tag (an unread subtree that long is kept, less its unread leaves).
 * Neither changes a value read: whitespace between elements is none, and
 * values are read from an instance's own children, never from a subtree's.
 */
export async function textWithoutUnreadElements(response: Response): Promise<string> {
  // EC2 sends a Content-Length. When it is small (an answer about one
  // instance) and counts the text itself, not compressed bytes, the body is
  // read whole: fewer promises.
  const length = response.headers.get("content-length");
  if (
    length !== null && Number(length) <= CUT_CHUNK_BYTES &&
    !response.headers.has("content-encoding")
  ) {
    return withoutUnreadElements(await wholeText(response));
  }
  if (!response.body) return "";
  const decoder = new TextDecoder();
  const kept: string[] = [];
  let open = "";
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const bytes = read.value;
    for (let start = 0; start < bytes.length; start += CUT_CHUNK_BYTES) {
      const chunk = bytes.subarray(start, start + CUT_CHUNK_BYTES);
      const cut = withoutUnreadElements(open + decoder.decode(chunk, { stream: true }));
      const settled = settledLength(cut);
      kept.push(cut.slice(0, settled));
      open = cut.slice(settled);
    }
  }
  kept.push(withoutUnreadElements(open + decoder.decode()));
  return kept.join("");
}

/** How much of a cut piece no later text can change; see {@linkcode textWithoutUnreadElements}. */
function settledLength(cut: string): number {
  let lastEndTag = cut.lastIndexOf("</");
  if (lastEndTag > 0 && !cut.includes(">", lastEndTag)) {
    lastEndTag = cut.lastIndexOf("</", lastEndTag - 1);
  }
  const openSubtree = cut.search(UNREAD_SUBTREE_START);
  if (openSubtree !== -1 && cut.length - openSubtree <= MAX_UNSETTLED_CHARS) {
    lastEndTag = cut.lastIndexOf("</", openSubtree);
  }
  const settled = Math.max(0, lastEndTag);
  return cut.length - settled > MAX_UNSETTLED_CHARS ? cut.length : settled;
}

/**
 * The content of the document's one root element, which must be called
 * `rootName` when one is given. Its namespace is not checked (EC2 writes
 * `http://ec2.amazonaws.com/doc/2016-11-15/`, moto the same without the
 * trailing slash; the SDKs strip it unread), nor is an XML declaration needed.
 */
function parseRoot(xml: string, rootName?: string): Content {
  // EC2 never sends a DTD; one here means the answer came from something else.
  if (xml.includes("<!DOCTYPE")) {
    throw new Ec2TransportError(
      "protocol",
      "Cannot parse EC2 response: it declares a DOCTYPE",
    );
  }
  let document: Content;
  try {
    document = PARSER.parse(xml);
  } catch (cause) {
    throw new Ec2TransportError(
      "protocol",
      "Cannot parse EC2 response: it is not well-formed XML",
      { cause },
    );
  }
  const roots = document.flatMap(Object.keys).filter((key) => !/^[?#:]/.test(key));
  const name = rootName ?? roots[0];
  const root = name === undefined ? undefined : child(document, name);
  if (!root || roots.length > 1) {
    throw new Ec2TransportError(
      "protocol",
      roots.length > 1
        ? `Cannot parse EC2 response: it has ${roots.length} root elements`
        : roots.length
        ? `Cannot parse EC2 response: root element is "${roots[0]}"`
        : "Cannot parse EC2 response: it is not XML",
    );
  }
  // The parser accepts a document cut short; a complete answer ends with its root's end tag.
  if (!xml.trimEnd().endsWith(`</${name}>`)) {
    throw new Ec2TransportError(
      "protocol",
      "Cannot parse EC2 response: it is truncated",
    );
  }
  return root;
}

/** The content of the first child element called `name`. */
function child(content: Content | undefined, name: string): Content | undefined {
  if (!content) return undefined;
  for (const entry of content) {
    const found = entry[name];
    if (Array.isArray(found)) return found;
  }
  return undefined;
}

/**
 * The contents of the `<item>`s (or other `itemName`) of the child set
 * `setName`. An item with no element in it (`<item/>`, or one whose every
 * element was cut as unread) describes nothing and is left out.
 */
function items(content: Content, setName: string, itemName = "item"): Content[] {
  const set = child(content, setName) ?? [];
  const found: Content[] = [];
  for (const entry of set) {
    const item = entry[itemName];
    if (Array.isArray(item) && item.some((piece) => !("#text" in piece))) found.push(item);
  }
  return found;
}

/**
 * The text of the element at `path` below `content`: `<dnsName/>` gives `""`,
 * an absent element null.
 */
function leaf(content: Content, ...path: string[]): string | null {
  let element: Content | undefined = content;
  for (const name of path) element = child(element, name);
  if (!element) return null;
  let text = "";
  for (const entry of element) {
    const piece = entry["#text"];
    if (typeof piece === "string") text += piece;
  }
  return text;
}
