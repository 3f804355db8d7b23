# Sourced by .ci/run before the tests: the dashboard's browser test drives
# Debian's Chromium (tests/e2e/dashboard_browser_test.ts), so install it when missing.
if [[ ! -x /usr/bin/chromium ]]; then
  if command -v apt-get >/dev/null; then
    apt_sudo=()
    if [[ "$(id -u)" -ne 0 ]] && command -v sudo >/dev/null; then apt_sudo=(sudo); fi
    "${apt_sudo[@]}" apt-get update && "${apt_sudo[@]}" apt-get install -y chromium ||
      echo "Could not install chromium: the browser test will be skipped" >&2
  else
    echo "No apt-get to install chromium: the browser test will be skipped" >&2
  fi
fi
