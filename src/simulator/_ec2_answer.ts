/**
 * The simulator's answers: what EC2 would send back (status, body, headers),
 * and the one table that maps EC2's error codes to HTTP statuses.
 *
 * @module
 */

import { type SimulatedEc2Error } from "./_ec2_errors.ts";
import { errorXml, successXml, type XmlElement } from "./_ec2_xml.ts";
import { MOTO_CONTENT_TYPE, motoErrorXml, motoSuccessXml } from "./_ec2_moto_dialect.ts";

/**
 * How the simulator writes its answers: as AWS's EC2 does (`"ec2"`), or as
 * moto's server does (`"moto"`; see `src/simulator/_moto_dialect.ts`).
 */
export type Dialect = "ec2" | "moto";

const XML_CONTENT_TYPE = "text/xml;charset=UTF-8";

/**
 * HTTP status of the error codes that are not 400.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
const ERROR_STATUS: Readonly<Record<string, number>> = {
  AuthFailure: 401,
  UnauthorizedOperation: 403,
  DryRunOperation: 412,
  RequestLimitExceeded: 503,
  Unavailable: 503,
  ServiceUnavailable: 503,
  InternalError: 500,
  InternalFailure: 500,
  InsufficientInstanceCapacity: 500,
};
const CLIENT_ERROR_STATUS = 400;

/** One answer, before it becomes a `Response`. */
export interface Answer {
  status: number;
  body: string;
  /** The `content-type` header, or null for none. */
  contentType: string | null;
  /** The `x-amzn-requestid` header, or null for an answer that is not EC2's own. */
  requestId: string | null;
}

/** A 200 with EC2's success envelope around `body`, in `dialect`. */
export function successAnswer(
  action: string,
  requestId: string,
  body: readonly (XmlElement | undefined)[],
  dialect: Dialect = "ec2",
): Answer {
  return {
    status: 200,
    body: dialect === "moto" ? motoSuccessXml(action, body) : successXml(action, requestId, body),
    contentType: dialect === "moto" ? MOTO_CONTENT_TYPE : XML_CONTENT_TYPE,
    requestId,
  };
}

/** How {@linkcode errorAnswer} writes an error. */
export interface ErrorAnswerOptions {
  /** The HTTP status; default from EC2's table of codes. */
  status?: number;
  /** Default `"ec2"`. */
  dialect?: Dialect;
}

/** EC2's error envelope for `error`. */
export function errorAnswer(
  error: SimulatedEc2Error,
  requestId: string,
  { status, dialect = "ec2" }: ErrorAnswerOptions = {},
): Answer {
  return {
    status: status ?? ERROR_STATUS[error.code] ?? CLIENT_ERROR_STATUS,
    body: dialect === "moto"
      ? motoErrorXml(error.code, error.message)
      : errorXml(error.code, error.message, requestId),
    contentType: dialect === "moto" ? MOTO_CONTENT_TYPE : XML_CONTENT_TYPE,
    requestId,
  };
}

/** `answer` as a `Response` with the headers EC2 sends, dated `now`. */
export function toResponse(answer: Answer, now: number): Response {
  const headers = new Headers({
    "date": new Date(now).toUTCString(),
    "server": "AmazonEC2",
  });
  if (answer.contentType !== null) {
    headers.set("content-type", answer.contentType);
  }
  if (answer.requestId !== null) {
    headers.set("x-amzn-requestid", answer.requestId);
    headers.set("cache-control", "no-cache, no-store");
  }
  return new Response(answer.body, { status: answer.status, headers });
}
