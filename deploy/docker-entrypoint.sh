#!/bin/sh
# Entrypoint of the musterd container image (deploy/Dockerfile).
#
# A container's port is meant to be published, so musterd here listens on
# 0.0.0.0:7070 -- and therefore only with TLS and bearer tokens. The image
# carries no configuration of its own: mount a directory at /etc/muster with
#   musterd.toml   with [tls] cert and key, and at least one [[auth.tokens]]
#   the certificate and key files it names
# (docs/operations.md, "Docker"). Without that the container refuses to
# start and says what is missing. MUSTER_LOOPBACK_ONLY=1 instead serves on
# 127.0.0.1 inside the container, reachable only with `docker exec` (for a
# first look; nothing outside the container can connect).
#
# Never passes --allow-remote-plaintext, and refuses a configuration that
# sets server.allow_remote_plaintext. Extra arguments are passed to musterd.
#
# Environment (the defaults are the image's paths; tests point them elsewhere):
#   MUSTER_CONFIG         the configuration file [/etc/muster/musterd.toml]
#   MUSTER_DB             the database [/var/lib/muster/muster.db]
#   MUSTERD               the daemon binary [/usr/local/bin/musterd]
#   MUSTER_LOOPBACK_ONLY  1: listen on 127.0.0.1:7070 only [unset]
set -eu

config=${MUSTER_CONFIG:-/etc/muster/musterd.toml}
db=${MUSTER_DB:-/var/lib/muster/muster.db}
musterd=${MUSTERD:-/usr/local/bin/musterd}

refuse() {
  echo "muster container: $1" >&2
  echo "muster container: see docs/operations.md (Docker): mount a directory with musterd.toml," \
    "the TLS certificate and key, and [[auth.tokens]] at /etc/muster, or set" \
    "MUSTER_LOOPBACK_ONLY=1 to serve inside the container only" >&2
  exit 78 # EX_CONFIG
}

# The value of KEY in [SECTION] of the TOML file, quotes removed ("" if
# absent). Plain `key = value` lines only: what deploy/musterd.toml uses.
value_of() {
  awk -v want_section="$1" -v want_key="$2" '
    /^[ \t]*\[/ {
      line = $0
      gsub(/^[ \t]*\[+[ \t]*|[ \t]*\]+[ \t]*(#.*)?$/, "", line)
      section = line
      next
    }
    section == want_section {
      line = $0
      sub(/^[ \t]*/, "", line)
      if (index(line, want_key) != 1) next
      rest = substr(line, length(want_key) + 1)
      if (rest !~ /^[ \t]*=/) next
      sub(/^[ \t]*=[ \t]*/, "", rest)
      sub(/[ \t]*(#.*)?$/, "", rest)
      gsub(/^"|"$/, "", rest)
      print rest
      exit
    }' "$config"
}

for arg in "$@"; do
  case "$arg" in
    --allow-remote-plaintext*) refuse "--allow-remote-plaintext is not accepted in the container" ;;
    --config | --config=*) refuse "the configuration is $config (set MUSTER_CONFIG to move it)" ;;
    --listen | --listen=*) refuse "the container sets the gRPC address (publish 7070 with -p)" ;;
  esac
done

if [ -r "$config" ]; then
  case "$(value_of server allow_remote_plaintext)" in
    true) refuse "$config sets server.allow_remote_plaintext = true; remove it" ;;
  esac
fi

if [ "${MUSTER_LOOPBACK_ONLY:-}" = "1" ]; then
  echo "muster container: MUSTER_LOOPBACK_ONLY=1: gRPC on 127.0.0.1:7070 inside the container" \
    "only; use docker exec ... musterctl" >&2
  if [ -r "$config" ]; then
    exec "$musterd" --config "$config" --db "$db" --listen 127.0.0.1:7070 "$@"
  fi
  exec "$musterd" --db "$db" --listen 127.0.0.1:7070 "$@"
fi

[ -e "$config" ] || refuse "no configuration at $config"
[ -r "$config" ] || refuse "cannot read $config (the image runs as user muster)"

if [ -z "$(value_of tls cert)" ] || [ -z "$(value_of tls key)" ]; then
  refuse "$config has no [tls] cert and key: a published port must not carry plaintext"
fi
grep -Eq '^[[:space:]]*\[\[[[:space:]]*auth\.tokens[[:space:]]*\]\]' "$config" ||
  refuse "$config has no [[auth.tokens]]: without tokens every caller would be admin"

exec "$musterd" --config "$config" --db "$db" --listen 0.0.0.0:7070 "$@"
