# Sourced by .ci/run before the tests: the interop suite (tests/moto_test.ts) runs
# the service against moto's EC2 server, so install moto[server] with pip when
# it is missing (a moto_server shim without the package counts as missing).
# Without pip the suite is skipped with a message; once moto is installed here,
# WORKWORK_REQUIRE_MOTO makes a moto that does not start fail the suite instead.
moto_works() {
  moto_server --help >/dev/null 2>&1
}
moto_pip=()
if ! moto_works; then
  if python3 -m pip --version >/dev/null 2>&1; then
    moto_pip=(python3 -m pip)
  elif command -v pip3 >/dev/null; then
    moto_pip=(pip3)
  fi
  if ((${#moto_pip[@]})); then
    "${moto_pip[@]}" install --quiet --disable-pip-version-check 'moto[server]'
    # New console scripts: pyenv needs its shims rebuilt; a user install lands in ~/.local/bin.
    if command -v pyenv >/dev/null; then pyenv rehash; fi
    if command -v python3 >/dev/null; then
      PATH="${PATH}:$(python3 -m site --user-base)/bin"
    fi
    hash -r
  else
    echo "No pip to install moto: the moto interop suite will be skipped" >&2
  fi
fi
if moto_works; then
  export WORKWORK_REQUIRE_MOTO=1
elif ((${#moto_pip[@]})); then
  echo "moto[server] was installed but moto_server does not start" >&2
  false
fi
