/**
 * The request body as the routes that take options read it: nothing, a JSON
 * document, JSON that does not parse, or something else. Read once per
 * request (the key check and the options share it) and never by a regular
 * expression: the media type is compared as plain text.
 *
 * @module
 */
import type { Context } from "hono";
import { ApiError } from "./errors.ts";

/** What a request's body is. */
export type RequestBody =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "malformed" }
  | { kind: "other"; type: string };

/** Longest content type quoted back in an error title. */
const MAX_QUOTED_TYPE = 80;
const reads = new WeakMap<Request, Promise<RequestBody>>();

/**
 * Whether `contentType` is JSON: `application/json` or `application/<x>+json`,
 * parameters (`; charset=utf-8`) allowed, case-insensitive.
 */
export function isJsonType(contentType: string): boolean {
  const semicolon = contentType.indexOf(";");
  const type = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim()
    .toLowerCase();
  if (!type.startsWith("application/")) return false;
  return type === "application/json" ||
    (type.endsWith("+json") && type.length > "application/+json".length);
}

/**
 * The body of a POST or PUT, read once: `none` for other methods and for a
 * body that is empty or only white space (whatever its type: clients that
 * always send `Content-Type: application/json` send no body for no options).
 */
export function requestBody(c: Context): Promise<RequestBody> {
  let read = reads.get(c.req.raw);
  if (!read) {
    read = readBody(c);
    reads.set(c.req.raw, read);
  }
  return read;
}

async function readBody(c: Context): Promise<RequestBody> {
  if ((c.req.method !== "POST" && c.req.method !== "PUT") || c.req.raw.body === null) {
    return { kind: "none" };
  }
  // Through Hono, so its body limit applies and later reads share the text.
  const text = await c.req.text();
  if (text.trim() === "") return { kind: "none" };
  const type = c.req.header("content-type") ?? "";
  if (!isJsonType(type)) return { kind: "other", type };
  try {
    return { kind: "json", value: JSON.parse(text) };
  } catch {
    return { kind: "malformed" };
  }
}

/**
 * The fields of a body that may carry only options (and the key): none
 * without a body.
 *
 * @throws {ApiError} 422 `body` for JSON that does not parse or is not an
 * object; 415 `body` for a body of any other type
 */
export async function optionFields(c: Context): Promise<Record<string, unknown>> {
  const body = await requestBody(c);
  switch (body.kind) {
    case "none":
      return {};
    case "malformed":
      throw new ApiError(
        422,
        "body",
        "The JSON body does not parse: fix it, or send no body; nothing was done",
      );
    case "other": {
      const type = body.type === ""
        ? "no content type"
        : `"${body.type.slice(0, MAX_QUOTED_TYPE)}"`;
      throw new ApiError(
        415,
        "body",
        `Unsupported body with ${type}: send JSON (Content-Type: application/json) or no body`,
      );
    }
    case "json":
      if (typeof body.value !== "object" || body.value === null || Array.isArray(body.value)) {
        throw new ApiError(422, "body", "The JSON body must be an object of options");
      }
      return body.value as Record<string, unknown>;
  }
}
