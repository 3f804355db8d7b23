/**
 * The one error the chat endpoints throw for a request that is not Slack's or
 * Discord's: a bad signature, a body of the wrong shape, or one too large.
 * The route turns it into the platform's error form with {@linkcode ChatRequestError.status}.
 *
 * @module
 */

/** What was wrong with the request, which decides the status. */
export type ChatRequestProblem = "signature" | "payload" | "too_large";

const STATUS: Record<ChatRequestProblem, 400 | 401 | 413> = {
  signature: 401,
  payload: 400,
  too_large: 413,
};

/**
 * The largest body a chat endpoint reads: Slack's interaction payloads carry the
 * whole message they came from, Discord's the resolved users and the message, and
 * both stay far below this.
 */
export const CHAT_BODY_LIMIT_BYTES = 128 * 1024;

/**
 * A request the chat endpoints refuse. The message names what is wrong and
 * never quotes a secret, a signature or the body.
 */
export class ChatRequestError extends Error {
  /** What was wrong. */
  readonly problem: ChatRequestProblem;
  /** The HTTP status to answer with: 401, 400 or 413. */
  readonly status: 400 | 401 | 413;

  constructor(problem: ChatRequestProblem, message: string) {
    super(message);
    this.name = "ChatRequestError";
    this.problem = problem;
    this.status = STATUS[problem];
  }
}

/**
 * Reads a request's body as bytes, refusing it as soon as it passes
 * `limitBytes`, so an oversized body is never held whole.
 *
 * @throws {ChatRequestError} `too_large` past the limit
 */
export async function readChatBody(
  request: Request,
  limitBytes: number = CHAT_BODY_LIMIT_BYTES,
): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(limitBytes: number): ChatRequestError {
  return new ChatRequestError("too_large", `Request body is larger than ${limitBytes} bytes`);
}

/** Hex digits to bytes, or null when `hex` is not an even run of hex digits. */
export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
