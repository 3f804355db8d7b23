/**
 * Small fake STS, IMDS and container-credential servers on 127.0.0.1 (port
 * 0), for the credential chain's tests. Each records what it was asked and
 * answers what the test set. Needs --allow-net=127.0.0.1.
 */

/** One request the fake servers saw. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  form: URLSearchParams;
}

/** Temporary credentials as the fakes hand them out. */
export interface FakeKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** The running fakes. */
export interface FakeAws {
  /** `http://127.0.0.1:<port>`. */
  base: string;
  seen: SeenRequest[];
  /** What STS answers next; an error code answers a 403 ErrorResponse. */
  sts: { keys: FakeKeys } | { errorCode: string; message: string };
  /** What IMDS and the container endpoint answer; null: 404 / no token. */
  metadata: FakeKeys | null;
  /** Held STS answers: resolved by the test, to see concurrent callers wait on one. */
  stsGate: Promise<void> | null;
  close(): Promise<void>;
}

/** Whether the tests may open sockets on 127.0.0.1. */
export async function mayServe(): Promise<boolean> {
  return (await Deno.permissions.query({ name: "net", host: "127.0.0.1" })).state === "granted";
}

/** Starts the fakes. */
export function startFakeAws(initial: FakeKeys): FakeAws {
  const fake: FakeAws = {
    base: "",
    seen: [],
    sts: { keys: initial },
    metadata: initial,
    stsGate: null,
    close: () => server.shutdown(),
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const url = new URL(request.url);
    const body = await request.text();
    fake.seen.push({
      method: request.method,
      path: url.pathname,
      headers: request.headers,
      form: new URLSearchParams(body),
    });
    if (request.method === "POST" && url.pathname === "/") return await sts(fake, body);
    return metadata(fake, request, url.pathname);
  });
  fake.base = `http://127.0.0.1:${server.addr.port}`;
  return fake;
}

async function sts(fake: FakeAws, body: string): Promise<Response> {
  if (fake.stsGate) await fake.stsGate;
  const action = new URLSearchParams(body).get("Action");
  const answer = fake.sts;
  if ("errorCode" in answer) {
    return new Response(
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${answer.errorCode}</Code><Message>${answer.message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
      { status: 403, headers: { "content-type": "text/xml" } },
    );
  }
  const { keys } = answer;
  return new Response(
    `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result><Credentials><AccessKeyId>${keys.accessKeyId}</AccessKeyId><SecretAccessKey>${keys.secretAccessKey}</SecretAccessKey><SessionToken>${keys.sessionToken}</SessionToken><Expiration>${keys.expiration.toISOString()}</Expiration></Credentials></${action}Result><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></${action}Response>`,
    { headers: { "content-type": "text/xml" } },
  );
}

const ROLE = "workwork-role";

function metadata(fake: FakeAws, request: Request, path: string): Response {
  const keys = fake.metadata;
  if (path === "/latest/api/token") {
    if (request.method !== "PUT" || !request.headers.get("x-aws-ec2-metadata-token-ttl-seconds")) {
      return new Response("", { status: 400 });
    }
    return keys ? new Response("imds-session-token") : new Response("", { status: 404 });
  }
  const json = (value: FakeKeys) =>
    Response.json({
      Code: "Success",
      Type: "AWS-HMAC",
      AccessKeyId: value.accessKeyId,
      SecretAccessKey: value.secretAccessKey,
      Token: value.sessionToken,
      Expiration: value.expiration.toISOString(),
    });
  if (path.startsWith("/latest/meta-data/iam/security-credentials/")) {
    // IMDSv2 only: no session token, no answer, as an instance with IMDSv1 off.
    if (request.headers.get("x-aws-ec2-metadata-token") !== "imds-session-token") {
      return new Response("", { status: 401 });
    }
    if (!keys) return new Response("", { status: 404 });
    const rest = path.slice("/latest/meta-data/iam/security-credentials/".length);
    return rest === ""
      ? new Response(`${ROLE}\n`)
      : rest === ROLE
      ? json(keys)
      : new Response("", { status: 404 });
  }
  if (path === "/container-credentials") {
    return keys ? json(keys) : new Response("", { status: 500 });
  }
  return new Response("", { status: 404 });
}
