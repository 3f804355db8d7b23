/**
 * The service's version: `GET /healthz` answers it and the OpenAPI document
 * carries it as `info.version`. Raised by hand with each release.
 *
 * @module
 */

/** The version of this service's HTTP API and code. */
export const SERVICE_VERSION = "1.0.0";
