/**
 * The request body of CloudWatch's Query API: `Action`, `Version` and the
 * parameters, form-encoded, lists flattened the way the `awsQuery` protocol
 * wants them (`Name.member.1`, `Name.member.2`…).
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/making-api-requests.html
 * @module
 */

/** The API version every CloudWatch request names. */
export const CLOUDWATCH_API_VERSION = "2010-08-01";

/** A parameter value: lists become `Name.member.N`, records become `Name.Key`. */
export type MemberQueryValue =
  | string
  | number
  | boolean
  | undefined
  | readonly MemberQueryValue[]
  | { readonly [key: string]: MemberQueryValue };

/** The parameters of one call, before flattening. */
export type MemberQueryParams = { readonly [key: string]: MemberQueryValue };

/**
 * Flattens `params` into the form body of a CloudWatch Query request, with
 * `Action` and `Version` first. Lists are 1-based under `member`, empty lists
 * are left out: `{ Ids: ["a"] }` becomes `Ids.member.1=a`.
 */
export function encodeMemberQuery(action: string, params: MemberQueryParams = {}): string {
  const form = new URLSearchParams();
  form.append("Action", action);
  form.append("Version", CLOUDWATCH_API_VERSION);
  for (const [name, value] of Object.entries(params)) append(form, name, value);
  return form.toString();
}

function append(form: URLSearchParams, name: string, value: MemberQueryValue) {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => append(form, `${name}.member.${index + 1}`, item));
  } else if (typeof value === "object") {
    for (const [key, item] of Object.entries(value)) append(form, `${name}.${key}`, item);
  } else {
    form.append(name, String(value));
  }
}
