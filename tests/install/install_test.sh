#!/usr/bin/env bash
# Installs the build tree into a temporary DESTDIR under a non-default prefix
# and checks what an operator gets: every installed file where the install
# layout (CMakeLists.txt, docs/operations.md) says, nothing outside the
# prefix, a systemd unit whose ExecStartPre/ExecStart name the installed
# musterd, and that command line (with the installed example config in place
# of /etc/muster/musterd.toml) passing musterd --check-config.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR   (run by ctest as "install: ...")
set -euo pipefail
build=$1
source=$2
prefix=/opt/muster-install-test

dest=$(mktemp -d "${TMPDIR:-/tmp}/muster-install-XXXXXX")
trap 'rm -rf "$dest"' EXIT
root=$dest$prefix
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

if ! DESTDIR=$dest cmake --install "$build" --prefix "$prefix" >"$dest/install.log" 2>&1; then
  cat "$dest/install.log" >&2
  echo "FAIL: cmake --install failed" >&2
  exit 1
fi

# Programs.
for prog in musterd musterctl; do
  [ -x "$root/bin/$prog" ] || fail "bin/$prog not installed (or not executable)"
done

# Data files: installed byte for byte from deploy/.
for f in musterd.toml skills-default.csv; do
  if [ ! -f "$root/share/muster/$f" ]; then
    fail "share/muster/$f not installed"
  elif ! cmp -s "$source/deploy/$f" "$root/share/muster/$f"; then
    fail "share/muster/$f differs from deploy/$f"
  fi
done

# Docs: the README, the licence and every docs/*.md.
docs=(README.md LICENSE)
for f in "$source"/docs/*.md; do docs+=("$(basename "$f")"); done
for f in "${docs[@]}"; do
  [ -f "$root/share/doc/muster/$f" ] || fail "share/doc/muster/$f not installed"
done

# Nothing lands outside the prefix (a rule with an absolute destination
# would write into the real /etc or /usr on a real install).
stray=$(find "$dest" -path "$root" -prune -o -path "$dest/install.log" -prune -o -type f -print)
[ -z "$stray" ] || fail "installed outside $prefix: $stray"

# The systemd unit.
unit=$root/lib/systemd/system/musterd.service
if [ ! -f "$unit" ]; then
  fail "lib/systemd/system/musterd.service not installed"
else
  for key in ExecStartPre ExecStart; do
    line=$(sed -n "s/^$key=//p" "$unit")
    read -r -a cmd <<<"$line"
    if [ "${#cmd[@]}" -eq 0 ]; then
      fail "the unit has no $key="
      continue
    fi
    [ "${cmd[0]}" = "$prefix/bin/musterd" ] ||
      fail "the unit's $key runs ${cmd[0]}, not the installed $prefix/bin/musterd"
    [ -x "$dest${cmd[0]}" ] || fail "the unit's $key names ${cmd[0]}, which is not installed"
  done
  doc=$(sed -n 's|^Documentation=file://||p' "$unit")
  [ -f "$dest$doc" ] || fail "the unit's Documentation= names $doc, which is not installed"

  # Run the unit's own check (ExecStartPre) against the installed example
  # config, from an empty working directory like the unit's StateDirectory.
  read -r -a cmd <<<"$(sed -n 's/^ExecStartPre=//p' "$unit")"
  if [ "${#cmd[@]}" -gt 0 ]; then
    args=()
    for a in "${cmd[@]:1}"; do
      [ "$a" = /etc/muster/musterd.toml ] && a=$root/share/muster/musterd.toml
      args+=("$a")
    done
    case " ${args[*]} " in
      *" --check-config "*) ;;
      *) fail "the unit's ExecStartPre does not run --check-config: ${cmd[*]}" ;;
    esac
    mkdir "$dest/state"
    if ! out=$(cd "$dest/state" && "$dest${cmd[0]}" "${args[@]}" 2>&1); then
      fail "the installed musterd rejects the installed example config: $out"
    fi
    [ -z "$(ls -A "$dest/state")" ] || fail "--check-config wrote files: $(ls -A "$dest/state")"
  fi
fi

"$root/bin/musterctl" --help >/dev/null || fail "the installed musterctl --help failed"

if [ "$failures" -ne 0 ]; then
  echo "installed tree:" >&2
  (cd "$dest" && find . -type f | sort) >&2
  exit 1
fi
echo "install layout ok under $prefix"
