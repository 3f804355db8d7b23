/**
 * moto's server (`moto_server`, Python, `pip install 'moto[server]'`): an EC2
 * written independently of this project, for the interop suite. Starts it on
 * 127.0.0.1 and a free port, and speaks to it directly with signed requests,
 * so the suite can check what the service says against what moto says.
 *
 * Needs --allow-run=moto_server and --allow-net=127.0.0.1.
 */
import { Ec2Signer } from "../../src/aws/signer.ts";
import { encodeQuery, type QueryParams } from "../../src/aws/query.ts";

/** Set by `.ci/setup.d/moto.sh` once moto is installed: a moto that will not start then fails the suite. */
export const REQUIRE_MOTO_VARIABLE = "WORKWORK_REQUIRE_MOTO";
const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";
const BANNER = /Running on (http:\/\/127\.0\.0\.1:\d+)/;
const START_TIMEOUT_MS = 30_000;

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:PORT`, with no trailing slash. */
  base: string;
  stop(): Promise<void>;
}

/** One raw answer of moto: status, content type and body text. */
export interface MotoAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

/**
 * Why a test file that starts moto itself should skip, or null when it may run:
 * the permission is missing or `moto_server --help` does not run. With
 * {@linkcode REQUIRE_MOTO_VARIABLE} set (CI), never a reason: the test runs and fails.
 */
export async function motoUnavailable(): Promise<string | null> {
  if (
    Deno.permissions.querySync({ name: "env", variable: REQUIRE_MOTO_VARIABLE }).state ===
      "granted" &&
    Deno.env.get(REQUIRE_MOTO_VARIABLE)
  ) return null;
  const run = await Deno.permissions.query({ name: "run", command: "moto_server" });
  if (run.state !== "granted") return "it needs moto_server on PATH and --allow-run=moto_server";
  try {
    const probe = await new Deno.Command("moto_server", {
      args: ["--help"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return probe.success ? null : "moto_server --help failed (pip install 'moto[server]')";
  } catch {
    return "moto_server is not installed (pip install 'moto[server]')";
  }
}

/** Starts `moto_server` for a test that was not skipped; throws when it cannot. */
export async function startMotoOrThrow(): Promise<MotoServer> {
  const moto = await startMoto();
  if (typeof moto === "string") throw new Error(`Cannot start moto_server: ${moto}`);
  return moto;
}

/**
 * Starts `moto_server`, or says why it cannot: the permission is missing, the
 * command is not on PATH, or it exited before its banner (a pyenv shim for a
 * package that is not installed does that).
 */
export async function startMoto(): Promise<MotoServer | string> {
  const run = await Deno.permissions.query({ name: "run", command: "moto_server" });
  // Deno resolves an allowed command on PATH when it starts: one not found there is not granted.
  if (run.state !== "granted") return "it needs moto_server on PATH and --allow-run=moto_server";
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("moto_server", {
      args: ["-H", "127.0.0.1", "-p", "0"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "moto_server is not on PATH";
    throw error;
  }
  // Werkzeug prints its banner on stderr; stdout is drained so it never blocks.
  const stdout = child.stdout.pipeTo(new WritableStream());
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), START_TIMEOUT_MS);
  while (!BANNER.test(log)) {
    const { value, done } = await reader.read();
    if (done) {
      clearTimeout(timer);
      await child.status;
      await stdout;
      return `moto_server exited before serving: ${log.trim().slice(0, 300)}`;
    }
    log += value;
  }
  clearTimeout(timer);
  const drained = (async () => {
    while (!(await reader.read()).done);
  })();
  return {
    base: log.match(BANNER)![1],
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await drained;
      await stdout;
    },
  };
}

/**
 * Signed EC2 Query calls straight to an endpoint (moto, or the simulator's
 * `fetch`), bypassing the service and its client: raw answers.
 */
export class RawEc2 {
  readonly #signer: Ec2Signer;
  readonly #fetch: (url: string, init: RequestInit) => Promise<Response>;
  constructor(
    readonly base: string,
    credentials: { accessKeyId: string; secretAccessKey: string },
    send: (url: string, init: RequestInit) => Promise<Response> = fetch,
  ) {
    this.#signer = new Ec2Signer(credentials);
    this.#fetch = send;
  }

  /** Sends `action` signed for `region` and answers the raw answer. */
  async call(action: string, params: QueryParams, region: string): Promise<MotoAnswer> {
    const url = `${this.base}/`;
    const body = encodeQuery(action, params);
    const headers = await this.#signer.sign({
      url,
      region,
      headers: { "content-type": FORM_CONTENT_TYPE },
      body,
    });
    const response = await this.#fetch(url, { method: "POST", headers, body });
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      text: await response.text(),
    };
  }

  /** Launches one instance with `tags` and answers its id. */
  async runInstance(
    region: string,
    imageId: string,
    tags: Record<string, string>,
    extra: QueryParams = {},
  ): Promise<string> {
    const answer = await this.call("RunInstances", {
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: "t3.micro",
      TagSpecification: [{
        ResourceType: "instance",
        Tag: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }],
      ...extra,
    }, region);
    const id = answer.text.match(/<instanceId>(i-[0-9a-f]+)<\/instanceId>/)?.[1];
    if (answer.status !== 200 || !id) {
      throw new Error(
        `moto did not launch an instance: ${answer.status} ${answer.text.slice(0, 300)}`,
      );
    }
    return id;
  }

  /** The id of one image moto knows (its default set has a few hundred). */
  async anyImageId(region: string): Promise<string> {
    const answer = await this.call("DescribeImages", { Owner: ["amazon"] }, region);
    const id = answer.text.match(/<imageId>(ami-[0-9a-f]+)<\/imageId>/)?.[1];
    if (!id) throw new Error(`moto described no image: ${answer.text.slice(0, 300)}`);
    return id;
  }

  /**
   * What moto's own DescribeInstances says about `id`, read from its XML
   * with patterns of this suite, not with the service's parser: the read
   * body's five keys.
   */
  async describe(region: string, id: string): Promise<MotoInstance> {
    const answer = await this.call("DescribeInstances", { InstanceId: [id] }, region);
    if (answer.status !== 200) throw new Error(`moto: ${answer.status} ${answer.text}`);
    return motoInstance(answer.text);
  }
}

/** The read body's five keys, as moto's XML gives them. */
export interface MotoInstance {
  public_dns_name: string | null;
  public_ip_address: string | null;
  state: string;
  tags: Record<string, string>;
  type: string;
}

const XML_ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&apos;": "'",
};

function unescape(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|apos);/g, (entity) => XML_ENTITIES[entity]);
}

/**
 * The five keys from moto's answer about one instance. `dnsName`,
 * `ipAddress`, `instanceType` and `instanceState` occur once per instance in
 * moto's answer (its network interface says `publicDnsName` and `publicIp`);
 * the instance's `tagSet` is the only one holding `<key>`s.
 */
export function motoInstance(xml: string): MotoInstance {
  const one = (pattern: RegExp) => {
    const found = xml.match(pattern);
    return found ? unescape(found[1]) : null;
  };
  const tags: Record<string, string> = {};
  const tagSet = xml.match(/<tagSet>(.*?)<\/tagSet>/s)?.[1] ?? "";
  // An empty value is written `<value/>`.
  const items = tagSet.matchAll(/<key>(.*?)<\/key>(?:<value>(.*?)<\/value>|<value\/>)/gs);
  for (const [, key, value] of items) tags[unescape(key)] = unescape(value ?? "");
  return {
    public_dns_name: one(/<dnsName>([^<]+)<\/dnsName>/),
    public_ip_address: one(/<ipAddress>([^<]+)<\/ipAddress>/),
    state: one(/<instanceState><code>\d+<\/code><name>([^<]+)<\/name>/) ?? "",
    tags,
    type: one(/<instanceType>([^<]+)<\/instanceType>/) ?? "",
  };
}

/** `xml`'s elements in order, text left out: the shape two answers share. */
export function skeleton(xml: string): string {
  return xml.replace(/>[^<]+</g, "><").replace(/^[^<]+|[^>]+$/g, "");
}
