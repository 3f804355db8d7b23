/**
 * An in-memory Route53 that speaks its REST-XML wire format: signed requests
 * in, Route53's documents and error envelope out. Hosted zones (public and
 * private), simple record sets, and change batches that go from `PENDING` to
 * `INSYNC` as the injected clock passes `syncMs`. It backs demo mode and the
 * tests of the Route53 client and the DNS reconciler.
 *
 * Platform-neutral and timer-free, as the EC2 simulator is.
 *
 * @example
 * ```ts
 * const route53 = new Route53Simulator({ zones: [{ name: "example.com" }] });
 * const client = new Route53Client({ credentials, fetch: route53.fetch });
 * ```
 *
 * @module
 */
import {
  checkSignature,
  compare,
  errorResponse,
  escape,
  fqdn,
  maxItemsOf,
  parseChanges,
  recordSetXml,
  sameValues,
  type SimulatedRecordSet,
  SimulatedRoute53Error,
  sortKey,
  xmlResponse,
} from "./_route53_wire.ts";

export type { SimulatedRecordSet } from "./_route53_wire.ts";

const DEFAULT_SYNC_MS = 2_000;

/** A hosted zone to start with. */
export interface SimulatedZoneSeed {
  /** `example.com`, with or without the final dot. */
  name: string;
  /** `Z…`; made up from the name when absent. */
  id?: string;
  privateZone?: boolean;
}

/** A fault the next matching request answers with, instead of doing its work. */
export interface Route53Fault {
  /** Which calls it hits: `GET` (reads) or `POST` (changes); both when absent. */
  method?: "GET" | "POST";
  code: string;
  message: string;
  status: number;
  /** How many requests it answers; 1 when absent. */
  times?: number;
}

/** Options of {@linkcode Route53Simulator}. */
export interface Route53SimulatorOptions {
  zones?: SimulatedZoneSeed[];
  /** The clock; `Date.now` when absent. */
  now?: () => number;
  /** How long a change stays `PENDING`. Default 2 s. */
  syncMs?: number;
}

interface Zone {
  id: string;
  name: string;
  privateZone: boolean;
  records: Map<string, SimulatedRecordSet>;
}

/** The fake Route53. `fetch` is a fetch function to hand to the client. */
export class Route53Simulator {
  readonly #zones = new Map<string, Zone>();
  readonly #changes = new Map<string, number>();
  readonly #faults: Route53Fault[] = [];
  readonly #now: () => number;
  readonly #syncMs: number;
  #sequence = 0;
  /** Requests answered, by operation, for tests to count calls. */
  readonly calls: string[] = [];

  constructor(options: Route53SimulatorOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#syncMs = options.syncMs ?? DEFAULT_SYNC_MS;
    for (const zone of options.zones ?? []) this.createZone(zone);
  }

  /** Adds a hosted zone, as CreateHostedZone would; answers its id. */
  createZone(seed: SimulatedZoneSeed): string {
    const name = fqdn(seed.name);
    const id = seed.id ??
      `Z${(++this.#sequence).toString().padStart(4, "0")}${
        name.replace(/[^a-z0-9]/g, "").toUpperCase().slice(0, 12)
      }`;
    const zone: Zone = { id, name, privateZone: seed.privateZone ?? false, records: new Map() };
    zone.records.set(`${name}|SOA`, {
      name,
      type: "SOA",
      ttl: 900,
      values: [`ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`],
    });
    zone.records.set(`${name}|NS`, {
      name,
      type: "NS",
      ttl: 172800,
      values: ["ns-1.awsdns-01.org.", "ns-2.awsdns-02.com."],
    });
    this.#zones.set(id, zone);
    return id;
  }

  /** The record set of `name` and `type` in any zone, or undefined: what a resolver would find. */
  record(name: string, type: string): SimulatedRecordSet | undefined {
    for (const zone of this.#zones.values()) {
      if (zone.privateZone) continue;
      const set = zone.records.get(`${fqdn(name)}|${type}`);
      if (set) return structuredClone(set);
    }
    return undefined;
  }

  /** Makes the next matching request(s) fail with `fault`. */
  fail(fault: Route53Fault): void {
    this.#faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** Answers one Route53 request. */
  fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = request.method === "POST" ? await request.text() : "";
    try {
      checkSignature(request);
      const fault = this.#takeFault(request.method);
      if (fault) throw new SimulatedRoute53Error(fault.code, fault.message, fault.status);
      return this.#route(request.method, new URL(request.url), body);
    } catch (error) {
      if (error instanceof SimulatedRoute53Error) {
        return errorResponse(error.code, error.message, error.status);
      }
      throw error;
    }
  };

  #takeFault(method: string): Route53Fault | undefined {
    const index = this.#faults.findIndex((fault) => !fault.method || fault.method === method);
    if (index < 0) return undefined;
    const fault = this.#faults[index];
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.#faults.splice(index, 1);
    return fault;
  }

  #route(method: string, url: URL, body: string): Response {
    const path = url.pathname.replace(/^\/2013-04-01/, "");
    let match: RegExpMatchArray | null;
    if (method === "GET" && path === "/hostedzonesbyname") {
      this.calls.push("ListHostedZonesByName");
      return this.#listZones(url.searchParams);
    }
    if ((match = path.match(/^\/hostedzone\/([^/]+)\/rrset\/?$/))) {
      const zone = this.#zone(decodeURIComponent(match[1]));
      if (method === "GET") {
        this.calls.push("ListResourceRecordSets");
        return this.#listRecords(zone, url.searchParams);
      }
      if (method === "POST") {
        this.calls.push("ChangeResourceRecordSets");
        return this.#change(zone, body);
      }
    }
    if (method === "GET" && (match = path.match(/^\/change\/([^/]+)$/))) {
      this.calls.push("GetChange");
      const id = decodeURIComponent(match[1]);
      const submitted = this.#changes.get(id);
      if (submitted === undefined) {
        throw new SimulatedRoute53Error(
          "NoSuchChange",
          `A change with the specified change ID does not exist: ${id}`,
          404,
        );
      }
      return xmlResponse("GetChangeResponse", this.#changeInfo(id, submitted));
    }
    throw new SimulatedRoute53Error(
      "InvalidAction",
      `Unknown operation: ${method} ${url.pathname}`,
      400,
    );
  }

  #zone(id: string): Zone {
    const zone = this.#zones.get(id.replace(/^\/?hostedzone\//, ""));
    if (!zone) {
      throw new SimulatedRoute53Error(
        "NoSuchHostedZone",
        `No hosted zone found with ID: ${id}`,
        404,
      );
    }
    return zone;
  }

  #listZones(params: URLSearchParams): Response {
    const maxItems = maxItemsOf(params);
    const dnsName = params.get("dnsname");
    const zoneId = params.get("hostedzoneid");
    if (zoneId !== null && dnsName === null) {
      throw new SimulatedRoute53Error(
        "InvalidInput",
        "The hosted zone ID requires a DNS name",
        400,
      );
    }
    const sorted = [...this.#zones.values()].sort((a, b) =>
      compare(sortKey(a.name), sortKey(b.name)) || compare(a.id, b.id)
    );
    const start = dnsName === null ? 0 : sorted.findIndex((zone) => {
      const order = compare(sortKey(zone.name), sortKey(fqdn(dnsName)));
      return order > 0 || (order === 0 && (zoneId === null || zone.id >= zoneId));
    });
    const from = start < 0 ? sorted.length : start;
    const page = sorted.slice(from, from + maxItems);
    const next = sorted[from + maxItems];
    const zones = page.map((zone) =>
      `<HostedZone><Id>/hostedzone/${zone.id}</Id><Name>${zone.name}</Name>` +
      `<CallerReference>${zone.id}</CallerReference>` +
      `<Config><PrivateZone>${zone.privateZone}</PrivateZone></Config>` +
      `<ResourceRecordSetCount>${zone.records.size}</ResourceRecordSetCount></HostedZone>`
    ).join("");
    return xmlResponse(
      "ListHostedZonesByNameResponse",
      `<HostedZones>${zones}</HostedZones>` +
        (dnsName === null ? "" : `<DNSName>${escape(dnsName)}</DNSName>`) +
        `<IsTruncated>${next !== undefined}</IsTruncated>` +
        (next === undefined
          ? ""
          : `<NextDNSName>${next.name}</NextDNSName><NextHostedZoneId>${next.id}</NextHostedZoneId>`) +
        `<MaxItems>${maxItems}</MaxItems>`,
    );
  }

  #listRecords(zone: Zone, params: URLSearchParams): Response {
    const maxItems = maxItemsOf(params);
    const name = params.get("name");
    const type = params.get("type");
    if (type !== null && name === null) {
      throw new SimulatedRoute53Error("InvalidInput", "The type requires a name", 400);
    }
    const sorted = [...zone.records.values()].sort((a, b) =>
      compare(sortKey(a.name), sortKey(b.name)) || compare(a.type, b.type)
    );
    const start = name === null ? 0 : sorted.findIndex((set) => {
      const order = compare(sortKey(set.name), sortKey(fqdn(name)));
      return order > 0 || (order === 0 && (type === null || set.type >= type));
    });
    const from = start < 0 ? sorted.length : start;
    const page = sorted.slice(from, from + maxItems);
    const next = sorted[from + maxItems];
    return xmlResponse(
      "ListResourceRecordSetsResponse",
      `<ResourceRecordSets>${page.map(recordSetXml).join("")}</ResourceRecordSets>` +
        `<IsTruncated>${next !== undefined}</IsTruncated>` +
        (next === undefined
          ? ""
          : `<NextRecordName>${
            escape(next.name)
          }</NextRecordName><NextRecordType>${next.type}</NextRecordType>`) +
        `<MaxItems>${maxItems}</MaxItems>`,
    );
  }

  #change(zone: Zone, body: string): Response {
    const changes = parseChanges(body);
    // All or nothing, as Route53: every change is checked against a copy first.
    const records = new Map(zone.records);
    const problems: string[] = [];
    for (const change of changes) {
      const set = change.set;
      if (set.name !== zone.name && !set.name.endsWith(`.${zone.name}`)) {
        problems.push(
          `RRSet with DNS name ${set.name} is not permitted in zone ${zone.name}`,
        );
        continue;
      }
      const key = `${set.name}|${set.type}`;
      const current = records.get(key);
      if (change.action === "DELETE") {
        if (!current) {
          problems.push(
            `Tried to delete resource record set [name='${set.name}', type='${set.type}'] but it was not found`,
          );
        } else if (current.ttl !== set.ttl || !sameValues(current.values, set.values)) {
          problems.push(
            `Tried to delete resource record set [name='${set.name}', type='${set.type}'] but the values provided do not match the current values`,
          );
        } else records.delete(key);
      } else if (change.action === "CREATE" && current) {
        problems.push(
          `Tried to create resource record set [name='${set.name}', type='${set.type}'] but it already exists`,
        );
      } else records.set(key, set);
    }
    if (problems.length > 0) {
      throw new SimulatedRoute53Error("InvalidChangeBatch", `[${problems.join(", ")}]`, 400);
    }
    zone.records.clear();
    for (const [key, set] of records) zone.records.set(key, set);
    const id = `C${(++this.#sequence).toString(36).toUpperCase().padStart(12, "0")}`;
    this.#changes.set(id, this.#now());
    return xmlResponse(
      "ChangeResourceRecordSetsResponse",
      this.#changeInfo(id, this.#changes.get(id)!),
    );
  }

  #changeInfo(id: string, submitted: number): string {
    const status = this.#now() - submitted >= this.#syncMs ? "INSYNC" : "PENDING";
    return `<ChangeInfo><Id>/change/${id}</Id><Status>${status}</Status>` +
      `<SubmittedAt>${new Date(submitted).toISOString()}</SubmittedAt></ChangeInfo>`;
  }
}
