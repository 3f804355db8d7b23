# Sourced by .ci/run before the tests: tests/e2e/wrangler_test.ts runs `wrangler deploy --dry-run`
# on the built bundle with the wrangler docs/deploy.md names. wrangler wants Node >= 22.12; when the
# machine's node is older (or missing), Node 22 comes from npm into the same directory, whose
# node_modules/.bin the test puts first on wrangler's PATH. Exports WRANGLER, the wrangler to run;
# should the install fail, WRANGLER stays unset and the test fails in CI (CI=true) saying so.
WRANGLER_VERSION="4.116.0"
WRANGLER_NODE="node@22"

wrangler_dir="${XDG_CACHE_HOME:-${HOME}/.cache}/workwork/wrangler-${WRANGLER_VERSION}"
wrangler_bin="${wrangler_dir}/node_modules/.bin"
wrangler_packages=("wrangler@${WRANGLER_VERSION}")
if ! PATH="${wrangler_bin}:${PATH}" node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  process.exit(major > 22 || (major === 22 && minor >= 12) ? 0 : 1);
' 2>/dev/null; then
  wrangler_packages+=("${WRANGLER_NODE}")
fi
if [[ ${#wrangler_packages[@]} -gt 1 || ! -x "${wrangler_bin}/wrangler" ]]; then
  echo "npm install ${wrangler_packages[*]} into ${wrangler_dir}"
  npm install --no-audit --no-fund --prefix "${wrangler_dir}" "${wrangler_packages[@]}" ||
    echo "Could not install ${wrangler_packages[*]}: tests/e2e/wrangler_test.ts will fail" >&2
fi
if [[ -x "${wrangler_bin}/wrangler" ]]; then
  export WRANGLER="${wrangler_bin}/wrangler"
  PATH="${wrangler_bin}:${PATH}" node --version
fi
unset wrangler_dir wrangler_bin wrangler_packages
