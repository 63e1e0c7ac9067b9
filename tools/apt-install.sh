#!/usr/bin/env bash
# apt-install.sh PACKAGE...: install Debian packages quietly, with sudo when
# not root. Exits 1, saying so, where there is no apt-get or no way to
# become root; the caller says what the packages were for.
set -euo pipefail

command -v apt-get >/dev/null 2>&1 || { echo "apt-get not found: install $* by hand" >&2; exit 1; }
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "not root and no sudo: install $* by hand" >&2; exit 1; }
  sudo="sudo"
fi
echo "Installing $* (Debian packages)..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
