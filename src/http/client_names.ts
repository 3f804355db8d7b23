/**
 * Names a client sent (a body field, a query parameter) as an error may echo
 * them: a long or odd name could be a key pasted in the wrong place, so only
 * short, plain ones go back, as the API_KEYS parser does.
 *
 * @module
 */

/** A name short and plain enough to echo: lower-case letters and `_`, at most 24. */
export const PLAIN_NAME_PATTERN = /^[a-z_]{1,24}$/;

/** Whether `name` may be echoed in an error's id and title. */
export function isPlainName(name: string): boolean {
  return PLAIN_NAME_PATTERN.test(name);
}

/**
 * How an error names `name`, which the client sent: the error's id (the name
 * itself, or `request`) and the name quoted (`"dryrun"`), or null when it is
 * not to be echoed (say {@linkcode oddName} instead).
 */
export function clientName(name: string): { id: string; quoted: string | null } {
  return isPlainName(name) ? { id: name, quoted: `"${name}"` } : { id: "request", quoted: null };
}

/** The words for a `what` whose name is not echoed. */
export function oddName(what: string): string {
  return `a ${what} with a long or odd name`;
}
