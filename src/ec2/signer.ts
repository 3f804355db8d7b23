/**
 * SigV4 for EC2 requests: aws4fetch's `AwsV4Signer` builds the canonical
 * request and the string to sign; this module feeds it a signing key derived
 * once per day and region and imported once as a `CryptoKey`.
 *
 * `AwsClient.sign()` caches the derived key's bytes but imports them again
 * for every signature; on Deno each WebCrypto call costs ~40 µs of CPU, so
 * the import is a quarter of a signature's cost.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * @module
 */
import { AwsV4Signer } from "aws4fetch";

const ENCODER = new TextEncoder();
const HMAC_SHA256 = { name: "HMAC", hash: "SHA-256" } as const;
/** Keys kept: one per day and region in use; cleared whole when full. */
const MAX_SIGNING_KEYS = 64;
/**
 * Body hashes kept. The same bodies recur (a DescribeInstances of one id, a
 * StartInstances of one id); a CreateTags body carries the time and never
 * does. Cleared whole when full, so a stream of unique bodies costs nothing.
 */
const MAX_BODY_HASHES = 256;
const DATETIME_NOISE = /[:-]|\.\d{3}/g;

/** What one signature needs besides the credentials. */
export interface SignRequest {
  url: string;
  region: string;
  headers: Record<string, string>;
  body: string;
  /** `YYYYMMDDTHHMMSSZ`; the current time when absent. */
  datetime?: string;
  signal?: AbortSignal;
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
  readonly #keys = new Map<string, Promise<CryptoKey>>();
  readonly #bodyHashes = new Map<string, string>();

  constructor(credentials: SigningCredentials, service = "ec2") {
    this.#credentials = credentials;
    this.#service = service;
  }

  /** `request` signed: its headers plus `x-amz-date`, the session token and `authorization`. */
  async sign(request: SignRequest): Promise<Request> {
    const datetime = request.datetime ??
      new Date().toISOString().replace(DATETIME_NOISE, "");
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
    return new Request(request.url, {
      method: "POST",
      headers,
      body: request.body,
      signal: request.signal,
    });
  }

  /** kSigning for `date` and `region`, derived and imported once. */
  #signingKey(date: string, region: string): Promise<CryptoKey> {
    const id = `${date}/${region}`;
    let key = this.#keys.get(id);
    if (!key) {
      if (this.#keys.size >= MAX_SIGNING_KEYS) this.#keys.clear();
      key = deriveSigningKey(this.#credentials.secretAccessKey, date, region, this.#service);
      this.#keys.set(id, key);
      // A failed derivation is not kept: the next request tries again.
      key.catch(() => this.#keys.delete(id));
    }
    return key;
  }
}

/**
 * aws4fetch's signer with two things it would compute again looked up
 * instead: the body's SHA-256 and the signing key as a `CryptoKey` (a
 * WebCrypto call costs ~25–50 µs of CPU on Deno).
 */
class KeptStateSigner extends AwsV4Signer {
  readonly #hashes: Map<string, string>;
  readonly #key: Promise<CryptoKey>;

  constructor(
    hashes: Map<string, string>,
    key: Promise<CryptoKey>,
    init: ConstructorParameters<typeof AwsV4Signer>[0],
  ) {
    super(init);
    this.#hashes = hashes;
    this.#key = key;
  }

  /** The HMAC of aws4fetch's string to sign, with the kept key. */
  override async signature(): Promise<string> {
    const data = ENCODER.encode(await this.stringToSign());
    return hex(await crypto.subtle.sign("HMAC", await this.#key, data));
  }

  override async hexBodyHash(): Promise<string> {
    const body = this.body;
    if (typeof body !== "string") return super.hexBodyHash();
    let hash = this.#hashes.get(body);
    if (hash === undefined) {
      hash = await super.hexBodyHash();
      if (this.#hashes.size >= MAX_BODY_HASHES) this.#hashes.clear();
      this.#hashes.set(body, hash);
    }
    return hash;
  }
}

/**
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#derive-signing-key
 */
async function deriveSigningKey(
  secret: string,
  date: string,
  region: string,
  service: string,
): Promise<CryptoKey> {
  let key: BufferSource = ENCODER.encode(`AWS4${secret}`);
  for (const part of [date, region, service, "aws4_request"]) {
    key = await hmac(key, part);
  }
  return crypto.subtle.importKey("raw", key, HMAC_SHA256, false, ["sign"]);
}

async function hmac(key: BufferSource, data: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, HMAC_SHA256, false, ["sign"]);
  return crypto.subtle.sign("HMAC", cryptoKey, ENCODER.encode(data));
}

function hex(buffer: ArrayBuffer): string {
  let out = "";
  for (const byte of new Uint8Array(buffer)) out += byte.toString(16).padStart(2, "0");
  return out;
}
