/**
 * The EC2 Query protocol's request body: parameters flattened into
 * `application/x-www-form-urlencoded`.
 *
 * @module
 */

/** The API version every request names. */
export const EC2_API_VERSION = "2016-11-15";

/** A parameter value: lists become `Name.1`, `Name.2`…, records become `Name.Key`. */
export type QueryValue =
  | string
  | number
  | boolean
  | undefined
  | readonly QueryValue[]
  | { readonly [key: string]: QueryValue };

/** The parameters of one EC2 call, before flattening. */
export type QueryParams = { readonly [key: string]: QueryValue };

/**
 * Flattens `params` into the form body of an EC2 Query request, with `Action`
 * and `Version` first. Lists are 1-based and empty lists are left out, as the
 * Query protocol wants: `{ InstanceId: ["i-1"] }` becomes `InstanceId.1=i-1`.
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html
 */
export function encodeQuery(action: string, params: QueryParams = {}): string {
  const form = new URLSearchParams();
  form.append("Action", action);
  form.append("Version", EC2_API_VERSION);
  for (const [name, value] of Object.entries(params)) {
    appendValue(form, name, value);
  }
  return form.toString();
}

function appendValue(form: URLSearchParams, name: string, value: QueryValue) {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => appendValue(form, `${name}.${index + 1}`, item));
  } else if (typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      appendValue(form, `${name}.${key}`, item);
    }
  } else {
    form.append(name, String(value));
  }
}
