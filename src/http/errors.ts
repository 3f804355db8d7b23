/**
 * The one place that turns errors into HTTP answers: `{"errors":[{id,title}]}`
 * with the status `behavior.md` gives. Handlers throw; nothing else builds an
 * error response.
 *
 * @module
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { describeFailure, type FailureKind } from "../domain/failures.ts";

/** The JSON body of every error answer. */
export interface ErrorBody {
  errors: { id: string; title: string }[];
}

/** An error with the HTTP answer it deserves. */
export class ApiError extends Error {
  /** HTTP status. */
  readonly status: ContentfulStatusCode;
  /** What the error is about: a field (`api_key`, `region`) or `aws`. */
  readonly id: string;
  /** Headers the answer carries, e.g. `Allow` or `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    id: string,
    title: string,
    headers: Record<string, string> = {},
  ) {
    super(title);
    this.name = "ApiError";
    this.status = status;
    this.id = id;
    this.headers = headers;
  }

  /** The title shown to the client. */
  get title(): string {
    return this.message;
  }

  /** The JSON answer for this error. */
  toResponse(): Response {
    const body: ErrorBody = { errors: [{ id: this.id, title: this.title }] };
    return new Response(JSON.stringify(body), {
      status: this.status,
      headers: { ...this.headers, "content-type": "application/json" },
    });
  }
}

/** The status each kind of failure is answered with (`behavior.md`'s table). */
const STATUS_OF: Record<FailureKind, ContentfulStatusCode> = {
  not_found: 404,
  conflict: 409,
  bad_filter: 422,
  tag_not_written: 502,
  credentials: 502,
  refused: 502,
  unreachable: 502,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

/** Maps any thrown value to the error answer the client gets. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    return new ApiError(
      error.status as ContentfulStatusCode,
      "request",
      error.message || "Bad request",
    );
  }
  const failure = describeFailure(error);
  const headers: Record<string, string> = failure.retryAfterSeconds === undefined
    ? {}
    : { "retry-after": String(failure.retryAfterSeconds) };
  return new ApiError(STATUS_OF[failure.kind], failure.field, failure.title, headers);
}
