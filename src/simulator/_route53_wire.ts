/**
 * The Route53 simulator's wire format: the change batch it reads, the
 * documents and error envelope it writes, Route53's name order.
 *
 * @module
 */
import { XMLParser } from "fast-xml-parser";

const NAMESPACE = "https://route53.amazonaws.com/doc/2013-04-01/";
const MAX_ITEMS = 100;
const TYPES = new Set(["A", "AAAA", "CNAME", "TXT", "MX", "NS", "SOA", "SRV", "CAA", "PTR"]);
const PARSER = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => ["Change", "ResourceRecord"].includes(name),
});

/** A refusal, answered in Route53's error envelope. */
export class SimulatedRoute53Error extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
  }
}

/** A record set as the simulator keeps it. */
export interface SimulatedRecordSet {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

/** One change of a batch, read. */
export interface ParsedChange {
  action: "CREATE" | "UPSERT" | "DELETE";
  set: SimulatedRecordSet;
}

/** The changes of a `ChangeResourceRecordSetsRequest`, checked as Route53 checks them. */
export function parseChanges(body: string): ParsedChange[] {
  let doc: Record<string, unknown>;
  try {
    doc = PARSER.parse(body);
  } catch {
    throw new SimulatedRoute53Error("InvalidInput", "Could not parse the request body as XML", 400);
  }
  // deno-lint-ignore no-explicit-any
  const changes = (doc as any)?.ChangeResourceRecordSetsRequest?.ChangeBatch?.Changes?.Change;
  if (!Array.isArray(changes) || changes.length === 0) {
    throw new SimulatedRoute53Error(
      "InvalidInput",
      "1 validation error detected: Value null at 'changeBatch.changes' failed to satisfy constraint: Member must not be null",
      400,
    );
  }
  return changes.map((change) => {
    const action = change?.Action;
    const set = change?.ResourceRecordSet;
    if (!["CREATE", "UPSERT", "DELETE"].includes(action)) {
      throw new SimulatedRoute53Error("InvalidInput", `Invalid action: "${action}"`, 400);
    }
    const type = String(set?.Type ?? "");
    if (!TYPES.has(type)) {
      throw new SimulatedRoute53Error("InvalidInput", `Invalid type: "${type}"`, 400);
    }
    const ttl = Number(set?.TTL);
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 2147483647) {
      throw new SimulatedRoute53Error("InvalidInput", `Invalid TTL: "${set?.TTL}"`, 400);
    }
    const values = (set?.ResourceRecords?.ResourceRecord ?? []).map((r: { Value?: unknown }) =>
      String(r?.Value ?? "")
    );
    if (values.length === 0) {
      throw new SimulatedRoute53Error("InvalidInput", "ResourceRecords must not be empty", 400);
    }
    for (const value of values) checkValue(type, value);
    return { action, set: { name: fqdn(String(set?.Name ?? "")), type, ttl, values } };
  });
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function checkValue(type: string, value: string): void {
  const bad = (type === "A" && !IPV4.test(value)) ||
    (type === "AAAA" && !(value.includes(":") && URL.canParse(`http://[${value}]/`)));
  if (bad) {
    throw new SimulatedRoute53Error(
      "InvalidChangeBatch",
      `[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv${
        type === "A" ? 4 : 6
      }Address (Value is not a valid IPv${
        type === "A" ? 4 : 6
      } address) encountered with '${value}'']`,
      400,
    );
  }
}

/** Refuses a request not signed with SigV4 for `us-east-1` and `route53`. */
export function checkSignature(request: Request): void {
  const authorization = request.headers.get("authorization");
  if (!authorization) {
    throw new SimulatedRoute53Error(
      "MissingAuthenticationToken",
      "Missing Authentication Token",
      403,
    );
  }
  if (!authorization.includes("/us-east-1/route53/aws4_request")) {
    throw new SimulatedRoute53Error(
      "SignatureDoesNotMatch",
      "Credential should be scoped to a valid region and to the service 'route53'",
      403,
    );
  }
}

/** The `maxitems` parameter, at most 100 as Route53 allows. */
export function maxItemsOf(params: URLSearchParams): number {
  const raw = params.get("maxitems");
  if (raw === null) return MAX_ITEMS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new SimulatedRoute53Error("InvalidInput", `Invalid maxitems: "${raw}"`, 400);
  }
  return Math.min(value, MAX_ITEMS);
}

/** One `ResourceRecordSet` element. */
export function recordSetXml(set: SimulatedRecordSet): string {
  return `<ResourceRecordSet><Name>${escape(set.name)}</Name><Type>${set.type}</Type>` +
    `<TTL>${set.ttl}</TTL><ResourceRecords>` +
    set.values.map((value) => `<ResourceRecord><Value>${escape(value)}</Value></ResourceRecord>`)
      .join("") +
    "</ResourceRecords></ResourceRecordSet>";
}

/** A 200 answer with the document `root` in Route53's namespace. */
export function xmlResponse(root: string, inner: string): Response {
  return new Response(
    `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NAMESPACE}">${inner}</${root}>`,
    {
      headers: { "content-type": "text/xml", "x-amzn-requestid": crypto.randomUUID() },
    },
  );
}

/** An answer in Route53's error envelope. */
export function errorResponse(code: string, message: string, status: number): Response {
  const requestId = crypto.randomUUID();
  return new Response(
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${NAMESPACE}"><Error>` +
      `<Type>${status >= 500 ? "Receiver" : "Sender"}</Type><Code>${code}</Code>` +
      `<Message>${
        escape(message)
      }</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    { status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId } },
  );
}

/** `Example.com` → `example.com.`. */
export function fqdn(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

/** Route53 orders names by their labels read right to left. */
export function sortKey(name: string): string {
  return name.split(".").filter(Boolean).reverse().join("\u0000");
}

/** Code-unit order, as Route53 compares labels. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether two value lists hold the same values in any order. */
export function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}

/** `value` escaped for XML text. */
export function escape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
