/**
 * CloudWatch's XML answers turned into typed objects: the GetMetricData
 * result and the error envelope. This module owns its configured parser; no
 * raw parser output leaves it.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 * @module
 */
import { XMLParser } from "fast-xml-parser";

/** A message CloudWatch attaches to a result or a whole answer. */
export interface MetricMessage {
  code: string;
  value: string;
}

/** One query's data points on one page, oldest first when asked `TimestampAscending`. */
export interface MetricDataResult {
  id: string;
  label: string | null;
  /** Ms since the epoch; `timestamps[i]` is the time of `values[i]`. */
  timestamps: number[];
  values: number[];
  /** `Complete`, `PartialData`, `InternalError` or `Forbidden`. */
  statusCode: string;
  messages: MetricMessage[];
}

/** One page of a GetMetricData answer. */
export interface MetricDataPage {
  requestId: string | null;
  results: MetricDataResult[];
  nextToken: string | null;
  messages: MetricMessage[];
}

/** CloudWatch's error envelope, read. */
export interface ErrorEnvelope {
  type: string | null;
  code: string;
  message: string;
  requestId: string | null;
}

/** Why an answer could not be read. */
export class CloudWatchXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CloudWatchXmlError";
  }
}

type Node = Record<string, unknown>;

const PARSER = new XMLParser({
  ignoreAttributes: true,
  // "007" must stay a string; the few numbers are converted below.
  parseTagValue: false,
  isArray: (name) => name === "member",
  // The XML five and numeric references only, no HTML entity names.
  htmlEntities: false,
});

/** Reads a 2xx GetMetricData answer. */
export function readGetMetricData(xml: string): MetricDataPage {
  const root = parseRoot(xml, "GetMetricDataResponse");
  const result = node(root["GetMetricDataResult"]);
  if (!result) {
    throw new CloudWatchXmlError(
      "Cannot parse CloudWatch response: GetMetricDataResult is missing",
    );
  }
  return {
    requestId: text(node(root["ResponseMetadata"])?.["RequestId"]),
    results: members(result["MetricDataResults"]).map(readResult),
    nextToken: text(result["NextToken"]) || null,
    messages: members(result["Messages"]).map(readMessage),
  };
}

/** Reads an error answer, or null when it is not CloudWatch's envelope. */
export function readErrorEnvelope(xml: string): ErrorEnvelope | null {
  let root: Node;
  try {
    root = parseRoot(xml, "ErrorResponse");
  } catch {
    return null;
  }
  const error = node(root["Error"]);
  const code = text(error?.["Code"]);
  if (!error || !code) return null;
  return {
    type: text(error["Type"]),
    code,
    message: text(error["Message"]) || code,
    requestId: text(root["RequestId"]),
  };
}

function readResult(member: unknown): MetricDataResult {
  const result = node(member) ?? {};
  const timestamps = members(result["Timestamps"]).map((item) => {
    const stamp = text(item) ?? "";
    const ms = Date.parse(stamp);
    if (Number.isNaN(ms)) {
      throw new CloudWatchXmlError(`Cannot parse CloudWatch response: timestamp "${stamp}"`);
    }
    return ms;
  });
  const values = members(result["Values"]).map((item) => {
    const raw = (text(item) ?? "").trim();
    const value = raw === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) {
      throw new CloudWatchXmlError(`Cannot parse CloudWatch response: value "${raw}"`);
    }
    return value;
  });
  if (timestamps.length !== values.length) {
    throw new CloudWatchXmlError(
      `Cannot parse CloudWatch response: ${timestamps.length} timestamps for ${values.length} values`,
    );
  }
  return {
    id: text(result["Id"]) ?? "",
    label: text(result["Label"]),
    timestamps,
    values,
    statusCode: text(result["StatusCode"]) ?? "Complete",
    messages: members(result["Messages"]).map(readMessage),
  };
}

function readMessage(member: unknown): MetricMessage {
  const message = node(member) ?? {};
  return { code: text(message["Code"]) ?? "", value: text(message["Value"]) ?? "" };
}

function parseRoot(xml: string, rootName: string): Node {
  // CloudWatch never sends a DTD; one here means the answer came from something else.
  if (xml.includes("<!DOCTYPE")) {
    throw new CloudWatchXmlError("Cannot parse CloudWatch response: it declares a DOCTYPE");
  }
  let document: Node;
  try {
    document = PARSER.parse(xml);
  } catch {
    throw new CloudWatchXmlError("Cannot parse CloudWatch response: it is not well-formed XML");
  }
  const roots = Object.keys(document).filter((key) => !key.startsWith("?"));
  if (roots.length !== 1 || roots[0] !== rootName) {
    throw new CloudWatchXmlError(
      roots.length === 0
        ? "Cannot parse CloudWatch response: it is not XML"
        : `Cannot parse CloudWatch response: root element is "${roots[0]}"`,
    );
  }
  // The parser accepts a document cut short; a complete answer ends with its root's end tag.
  if (!xml.trimEnd().endsWith(`</${rootName}>`)) {
    throw new CloudWatchXmlError("Cannot parse CloudWatch response: it is truncated");
  }
  return node(document[rootName]) ?? {};
}

function node(value: unknown): Node | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Node
    : null;
}

/** The `member` items of a list element; `<Values/>` and an absent list give []. */
function members(list: unknown): unknown[] {
  const items = node(list)?.["member"];
  return Array.isArray(items) ? items : [];
}

function text(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}
