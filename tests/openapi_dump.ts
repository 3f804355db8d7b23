/**
 * Prints the OpenAPI document the service serves at `GET /openapi.json`, as
 * JSON, for the validators and client generators `.ci/setup.d/openapi.sh`
 * runs: `deno run --frozen tests/openapi_dump.ts > openapi.json`. Needs no
 * permission.
 *
 * @module
 */
import { OPENAPI_DOCUMENT } from "../src/http/openapi.ts";

if (import.meta.main) console.log(JSON.stringify(OPENAPI_DOCUMENT, null, 2));
