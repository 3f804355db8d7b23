/**
 * SigV4 for EC2 requests: aws4fetch's `AwsV4Signer` builds the canonical
 * request and the string to sign; this module feeds it a signing key derived
 * once per day and region, body hashes it has seen, and SHA-256 and HMAC
 * computed synchronously by `@noble/hashes`.
 *
 * `AwsClient.sign()` makes four WebCrypto calls per signature (body hash,
 * canonical-request hash, key import, HMAC); on Deno each is an async op that
 * costs several times what `@noble/hashes` takes to hash and sign
 * synchronously (figures in docs/performance.md).
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * @module
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { AwsV4Signer } from "aws4fetch";

const ENCODER = new TextEncoder();
/** Keys kept: one per day and region in use; cleared whole when full. */
const MAX_SIGNING_KEYS = 64;
/**
 * Body hashes kept. The same bodies recur (a DescribeInstances of one id, a
 * StartInstances of one id); a CreateTags body carries the time and never
 * does. Cleared whole when full, so a stream of unique bodies costs nothing.
 */
const MAX_BODY_HASHES = 256;
const DATETIME_NOISE = /[:-]|\.\d{3}/g;

/** `date` as SigV4 writes it, `YYYYMMDDTHHMMSSZ`. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(DATETIME_NOISE, "");
}

/** What one signature needs besides the credentials. */
export interface SignRequest {
  url: string;
  region: string;
  headers: Record<string, string>;
  body: string;
  /** `YYYYMMDDTHHMMSSZ`; the current time when absent. */
  datetime?: string;
}

/** Credentials to sign with. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Signs EC2 requests with one set of credentials, keeping derived keys across requests. */
export class Ec2Signer {
  readonly #credentials: SigningCredentials;
  readonly #service: string;
  readonly #keys = new Map<string, Uint8Array>();
  readonly #bodyHashes = new Map<string, string>();

  constructor(credentials: SigningCredentials, service = "ec2") {
    this.#credentials = credentials;
    this.#service = service;
  }

  /**
   * The headers to send `request` with: its own plus `x-amz-date`, the session
   * token and `authorization`. The caller hands them to `fetch(url, init)`: a
   * `Request` made first costs Deno more per call (its body becomes a stream
   * to read back; docs/performance.md).
   */
  async sign(request: SignRequest): Promise<Headers> {
    const datetime = request.datetime ?? amzDate(new Date());
    const signer = new KeptStateSigner(
      this.#bodyHashes,
      this.#signingKey(datetime.slice(0, 8), request.region),
      {
        method: "POST",
        url: request.url,
        headers: request.headers,
        body: request.body,
        accessKeyId: this.#credentials.accessKeyId,
        secretAccessKey: this.#credentials.secretAccessKey,
        sessionToken: this.#credentials.sessionToken,
        service: this.#service,
        region: request.region,
        datetime,
      },
    );
    // aws4fetch builds the canonical request, the string to sign and the authorization header.
    const { headers } = await signer.sign();
    return headers;
  }

  /** kSigning for `date` and `region`, derived once. */
  #signingKey(date: string, region: string): Uint8Array {
    const id = `${date}/${region}`;
    let key = this.#keys.get(id);
    if (!key) {
      if (this.#keys.size >= MAX_SIGNING_KEYS) this.#keys.clear();
      key = deriveSigningKey(this.#credentials.secretAccessKey, date, region, this.#service);
      this.#keys.set(id, key);
    }
    return key;
  }
}

/**
 * aws4fetch's signer with its three hashes computed synchronously by
 * `@noble/hashes` instead of WebCrypto, and two of them looked up when known:
 * the body's SHA-256 and the signing key. aws4fetch still builds the
 * canonical request, the credential scope and the `Authorization` header.
 */
class KeptStateSigner extends AwsV4Signer {
  readonly #hashes: Map<string, string>;
  readonly #key: Uint8Array;

  constructor(
    hashes: Map<string, string>,
    key: Uint8Array,
    init: ConstructorParameters<typeof AwsV4Signer>[0],
  ) {
    super(init);
    this.#hashes = hashes;
    this.#key = key;
  }

  /** The HMAC of the string to sign, with the kept key. */
  override async signature(): Promise<string> {
    return hex(hmac(sha256, this.#key, ENCODER.encode(await this.stringToSign())));
  }

  /** As aws4fetch's, with the canonical request's hash computed here. */
  override async stringToSign(): Promise<string> {
    return [
      "AWS4-HMAC-SHA256",
      this.datetime,
      this.credentialString,
      hex(sha256(ENCODER.encode(await this.canonicalString()))),
    ].join("\n");
  }

  override hexBodyHash(): Promise<string> {
    const body = this.body;
    if (typeof body !== "string") return super.hexBodyHash();
    let hash = this.#hashes.get(body);
    if (hash === undefined) {
      hash = hex(sha256(ENCODER.encode(body)));
      if (this.#hashes.size >= MAX_BODY_HASHES) this.#hashes.clear();
      this.#hashes.set(body, hash);
    }
    return Promise.resolve(hash);
  }
}

/**
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#derive-signing-key
 */
function deriveSigningKey(
  secret: string,
  date: string,
  region: string,
  service: string,
): Uint8Array {
  let key: Uint8Array = ENCODER.encode(`AWS4${secret}`);
  for (const part of [date, region, service, "aws4_request"]) {
    key = hmac(sha256, key, ENCODER.encode(part));
  }
  return key;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += HEX[byte];
  return out;
}
