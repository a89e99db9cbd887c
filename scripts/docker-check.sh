#!/usr/bin/env bash
# No container engine runs on our machines, so CI checks what the Dockerfile does, outside one:
# the same files copied into an /app-like folder, the same pip install command (read from the
# Dockerfile), the same entry point (`claimwatch run`, stopped with SIGTERM as `docker stop`
# does) and the same HEALTHCHECK command. No network beyond the package index is touched: the
# daemon runs on a config without feeds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
app="$root/app"
mkdir -p "$app"
cp -r pyproject.toml README.md pipeline config "$app/"
python3 -m venv "$root/venv"
export PATH="$root/venv/bin:$PATH"

# The install command of the Dockerfile's RUN line, up to the first '&&'.
install=$(grep -E '^RUN python -m pip install' Dockerfile | sed -E 's/^RUN //; s/ *&&.*$//; s/ *\\$//')
[ -n "$install" ] || { echo "docker-check: no pip install line in Dockerfile" >&2; exit 1; }
echo "docker-check: $install"
(cd "$app" && eval "$install" >/dev/null)

# The CMD and HEALTHCHECK, as the image runs them.
cmd=$(grep -E '^CMD ' Dockerfile | sed -E 's/^CMD //' | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')
health=$(grep -A1 -E '^HEALTHCHECK' Dockerfile | grep -E 'CMD' | sed -E 's/.*CMD //' | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')
[ "$cmd" = "claimwatch run" ] || { echo "docker-check: unexpected CMD: $cmd" >&2; exit 1; }

mkdir -p "$app/storage"
sed -e '/^\[\[feeds\]\]/,$d' "$app/config/claimwatch.toml" > "$app/config/nofeeds.toml"
export CLAIMWATCH_CONFIG="$app/config/nofeeds.toml"
cd "$root"
if $health; then echo "docker-check: healthcheck passed before the daemon ran" >&2; exit 1; fi
$cmd & pid=$!
for _ in $(seq 1 60); do
  if $health 2>/dev/null; then break; fi
  sleep 1
done
$health || { echo "docker-check: healthcheck failed while the daemon runs" >&2; kill $pid; exit 1; }
kill -TERM $pid
start=$(date +%s)
wait $pid
took=$(( $(date +%s) - start ))

# `docker stop` right after `docker run`: SIGTERM as soon as the process catches it, which the
# installed entry point (pipeline.entry) does before it imports the rest; a clean stop, exit 0.
grep -q "from pipeline.entry import main" "$(command -v claimwatch)" \
  || { echo "docker-check: the claimwatch script does not start at pipeline.entry" >&2; exit 1; }
catches_sigterm() {  # bit 15 of the SigCgt mask
  local mask
  mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$mask" ] && (( (16#$mask >> 14) & 1 ))
}
$cmd > "$root/early.log" 2>&1 & early=$!
for _ in $(seq 1 3000); do catches_sigterm $early && break; sleep 0.01; done
kill -TERM $early
status=0; wait $early || status=$?
if [ $status -ne 0 ] || grep -q Traceback "$root/early.log"; then
  echo "docker-check: an early SIGTERM ended 'claimwatch run' with $status:" >&2
  cat "$root/early.log" >&2; exit 1
fi
# The offline demo from the installed package (sample site and templates are package data).
claimwatch -q demo --database "$app/storage/demo.db" > "$root/demo.md"
grep -q "## Contradictions" "$root/demo.md" \
  || { echo "docker-check: the demo printed no contradiction" >&2; exit 1; }
grep -q "^Atom feed of flags: " "$root/demo.md" \
  || { echo "docker-check: the demo wrote no Atom feed" >&2; exit 1; }
# Any alert: the poll cycle stores articles in the order their pages arrive, so which alert
# comes first (a contradiction or a development) varies from run to run.
grep -q "^  title: claimwatch: " "$root/demo.md" \
  || { echo "docker-check: the demo's local webhook got no alert" >&2; exit 1; }
echo "docker-check: ok (install, '$cmd', '$health', SIGTERM exit in ${took}s, early SIGTERM exit 0)"
