/**
 * An in-memory Cloudflare DNS (API v4) for tests and demo mode: zones, DNS
 * records, bearer-token checks, and Cloudflare's `{ success, errors,
 * messages, result }` envelope with its error codes.
 *
 * @module
 */

/** A zone to start with. */
export interface FakeCloudflareZoneSeed {
  name: string;
  id?: string;
}

/** A fault the next matching request answers with. */
export interface CloudflareFault {
  method?: string;
  status: number;
  code: number;
  message: string;
  times?: number;
}

/** A record as the fake keeps it. */
export interface FakeCloudflareRecord {
  id: string;
  zone_id: string;
  zone_name: string;
  type: string;
  name: string;
  content: string;
  ttl: number;
  proxied: boolean;
}

/** Options of {@linkcode CloudflareDnsSimulator}. */
export interface CloudflareDnsSimulatorOptions {
  /** The one token it accepts. */
  token: string;
  zones?: FakeCloudflareZoneSeed[];
}

class Refusal extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const BASE_PATH = "/client/v4";

/** The fake Cloudflare API; hand `fetch` to the client, with base URL `https://api.cloudflare.com/client/v4`. */
export class CloudflareDnsSimulator {
  readonly #token: string;
  readonly #zones = new Map<string, { id: string; name: string }>();
  readonly #records = new Map<string, FakeCloudflareRecord>();
  readonly #faults: CloudflareFault[] = [];
  #sequence = 0;
  /** `METHOD path` of each request answered, for tests to count calls. */
  readonly calls: string[] = [];

  constructor(options: CloudflareDnsSimulatorOptions) {
    this.#token = options.token;
    for (const zone of options.zones ?? []) this.addZone(zone);
  }

  /** Adds a zone; answers its id. */
  addZone(seed: FakeCloudflareZoneSeed): string {
    const id = seed.id ?? this.#newId();
    this.#zones.set(id, { id, name: seed.name.toLowerCase().replace(/\.$/, "") });
    return id;
  }

  /** Every record, for tests to look at. */
  records(): FakeCloudflareRecord[] {
    return [...this.#records.values()].map((record) => ({ ...record }));
  }

  /** Makes the next matching request(s) fail. */
  fail(fault: CloudflareFault): void {
    this.#faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** Answers one request. */
  fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const path = url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : "";
    this.calls.push(`${request.method} ${path}`);
    try {
      if (request.headers.get("authorization") !== `Bearer ${this.#token}`) {
        throw new Refusal(403, 10000, "Authentication error");
      }
      const index = this.#faults.findIndex((f) => !f.method || f.method === request.method);
      if (index >= 0) {
        const fault = this.#faults[index];
        fault.times = (fault.times ?? 1) - 1;
        if (fault.times <= 0) this.#faults.splice(index, 1);
        throw new Refusal(fault.status, fault.code, fault.message);
      }
      const body = request.method === "POST" || request.method === "PATCH"
        ? await readJson(request)
        : undefined;
      return success(this.#route(request.method, path, url.searchParams, body));
    } catch (error) {
      if (error instanceof Refusal) {
        return Response.json(
          {
            success: false,
            errors: [{ code: error.code, message: error.message }],
            messages: [],
            result: null,
          },
          { status: error.status },
        );
      }
      throw error;
    }
  };

  #route(method: string, path: string, query: URLSearchParams, body: unknown): unknown {
    if (method === "GET" && path === "/zones") {
      const name = query.get("name");
      return [...this.#zones.values()]
        .filter((zone) => name === null || zone.name === name.toLowerCase())
        .map((zone) => ({ id: zone.id, name: zone.name, status: "active" }));
    }
    const match = path.match(/^\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/);
    if (!match) throw new Refusal(404, 7000, "No route for that URI");
    const zone = this.#zones.get(match[1]);
    if (!zone) {
      throw new Refusal(
        404,
        7003,
        "Could not route to /zones, perhaps your object identifier is invalid?",
      );
    }
    const recordId = match[2];
    if (recordId === undefined) {
      if (method === "GET") return this.#list(zone.id, query);
      if (method === "POST") return this.#create(zone, body);
      throw new Refusal(405, 10405, `Method ${method} not allowed`);
    }
    const record = this.#records.get(recordId);
    if (!record || record.zone_id !== zone.id) {
      throw new Refusal(404, 81044, "Record does not exist.");
    }
    if (method === "GET") return record;
    if (method === "DELETE") {
      this.#records.delete(recordId);
      return { id: recordId };
    }
    if (method === "PATCH") {
      const change = fields(body);
      const next = { ...record, ...pick(change, ["content", "ttl", "proxied", "name"]) };
      check(next);
      this.#records.set(recordId, next);
      return next;
    }
    throw new Refusal(405, 10405, `Method ${method} not allowed`);
  }

  #list(zoneId: string, query: URLSearchParams): FakeCloudflareRecord[] {
    const type = query.get("type");
    const name = query.get("name")?.toLowerCase();
    const perPage = Math.min(Number(query.get("per_page") ?? 100) || 100, 5000);
    const page = Math.max(Number(query.get("page") ?? 1) || 1, 1);
    return [...this.#records.values()]
      .filter((r) =>
        r.zone_id === zoneId && (!type || r.type === type) && (!name || r.name === name)
      )
      .slice((page - 1) * perPage, page * perPage);
  }

  #create(zone: { id: string; name: string }, body: unknown): FakeCloudflareRecord {
    const input = fields(body);
    const record: FakeCloudflareRecord = {
      id: this.#newId(),
      zone_id: zone.id,
      zone_name: zone.name,
      type: String(input.type ?? ""),
      name: String(input.name ?? "").toLowerCase().replace(/\.$/, ""),
      content: String(input.content ?? ""),
      ttl: input.ttl === undefined ? 1 : Number(input.ttl),
      proxied: input.proxied === true,
    };
    if (record.name !== zone.name && !record.name.endsWith(`.${zone.name}`)) {
      throw new Refusal(400, 9004, "DNS record name is not in this zone.");
    }
    check(record);
    const duplicate = [...this.#records.values()].some((r) =>
      r.zone_id === zone.id && r.type === record.type && r.name === record.name &&
      r.content === record.content
    );
    if (duplicate) throw new Refusal(400, 81058, "An identical record already exists.");
    this.#records.set(record.id, record);
    return record;
  }

  #newId(): string {
    return (++this.#sequence).toString(16).padStart(32, "0");
  }
}

function check(record: FakeCloudflareRecord): void {
  if (!["A", "AAAA", "CNAME", "TXT", "MX"].includes(record.type)) {
    throw new Refusal(400, 9000, `Invalid DNS record type: "${record.type}"`);
  }
  if (record.type === "A" && !IPV4.test(record.content)) {
    throw new Refusal(400, 9005, "Content for A record must be a valid IPv4 address.");
  }
  if (record.type === "AAAA" && !URL.canParse(`http://[${record.content}]/`)) {
    throw new Refusal(400, 9006, "Content for AAAA record must be a valid IPv6 address.");
  }
  if (
    !Number.isInteger(record.ttl) || (record.ttl !== 1 && (record.ttl < 60 || record.ttl > 86400))
  ) {
    throw new Refusal(
      400,
      9021,
      "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic.",
    );
  }
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new Refusal(400, 9207, "Request body is invalid.");
  }
}

function fields(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new Refusal(400, 9207, "Request body is invalid.");
  }
  return body as Record<string, unknown>;
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]]));
}

function success(result: unknown): Response {
  return Response.json({
    success: true,
    errors: [],
    messages: [],
    result,
    ...(Array.isArray(result)
      ? {
        result_info: {
          page: 1,
          per_page: result.length,
          count: result.length,
          total_count: result.length,
        },
      }
      : {}),
  }, { headers: { "cf-ray": "8f0c5a5e1b2c3d4e-AMS" } });
}
