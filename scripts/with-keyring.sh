#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring, so that
# keytar (behind CredentialVault) talks to a real Secret Service, as README.md#fresh-machine describes.
#   scripts/with-keyring.sh npm test
# The keyring lives in a throw-away XDG_DATA_HOME; the user's own keyrings are never touched.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi

if [ "${WITH_KEYRING_SESSION:-}" = 1 ]; then
  # Inside dbus-run-session: start the Secret Service and unlock a new login keyring.
  unset WITH_KEYRING_SESSION
  printf '%s' "$KEYRING_PW" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  unset KEYRING_PW
  exec "$@"
fi

for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found (apt-get install gnome-keyring dbus-x11)" >&2; exit 1; }
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/data" "$scratch/runtime"
chmod 700 "$scratch/runtime"
# gnome-keyring needs an existing HOME, or the Secret Service start times out (25 s).
if [ -z "${HOME:-}" ] || [ ! -d "$HOME" ]; then
  mkdir -p "$scratch/home"
  export HOME="$scratch/home"
fi
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime"
KEYRING_PW=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export KEYRING_PW WITH_KEYRING_SESSION=1

# Not exec: the EXIT trap removes the scratch directory afterwards.
dbus-run-session -- "$0" "$@"
