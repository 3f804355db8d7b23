# Sourced by .ci/run before the tests (also runs alone: bash .ci/setup.d/openapi.sh).
# Proves the OpenAPI document serves client generators: dumps it
# (tests/openapi_dump.ts), validates it with Redocly's linter (its recommended
# rules: an error fails, a warning is printed), generates TypeScript types with
# openapi-typescript, and type-checks .ci/openapi/typed_usage.ts.txt against
# them. Pinned versions, run through npx (Node 20 or later), kept out of
# deno.json and deno.lock. A failure stops the CI run.

OPENAPI_REDOCLY="@redocly/cli@2.77.0"
OPENAPI_TYPESCRIPT="openapi-typescript@7.13.0"
OPENAPI_TSC="typescript@5.9.3"

openapi_checks() {
  local dir status=0
  if ! command -v npx >/dev/null; then
    echo "openapi: npx is not on PATH: cannot validate the OpenAPI document" >&2
    return 1
  fi
  dir="$(mktemp -d)"
  {
    echo "openapi: dump the document" &&
      deno run --frozen tests/openapi_dump.ts >"${dir}/openapi.json" &&
      echo "openapi: validate with ${OPENAPI_REDOCLY}" &&
      npx --yes "${OPENAPI_REDOCLY}" lint --format=summary "${dir}/openapi.json" &&
      echo "openapi: generate types with ${OPENAPI_TYPESCRIPT}" &&
      npx --yes -p "${OPENAPI_TSC}" -p "${OPENAPI_TYPESCRIPT}" \
        openapi-typescript "${dir}/openapi.json" -o "${dir}/openapi_types.ts" &&
      cp .ci/openapi/typed_usage.ts.txt "${dir}/typed_usage.ts" &&
      echo "openapi: deno check a typed client against them" &&
      deno check --no-config --no-lock "${dir}/typed_usage.ts"
  } || status=$?
  rm -rf "${dir}"
  if ((status != 0)); then
    echo "openapi: the OpenAPI document failed its checks (see above)" >&2
  fi
  return "${status}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -uo pipefail
  cd "$(dirname "${BASH_SOURCE[0]}")/../.." && openapi_checks
  exit $?
fi
openapi_checks
