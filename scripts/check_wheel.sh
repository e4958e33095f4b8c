#!/usr/bin/env bash
# Proves the wheel is all a server needs: installs dist/rapport-*.whl into a fresh virtual
# environment, then, with a PATH holding only that environment (no node, no npm, no source
# tree), runs `rapport demo` and `rapport serve` on a free port and fetches the sign-in page, a
# stylesheet and a script. `make check-wheel` builds the wheel first; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
PYTHON=${PYTHON:-python3}
PIP=${PIP:-.venv/bin/pip}  # the project's pip installs into the new environment (--python)
[ -x "$PIP" ] || { echo "No $PIP: run \`make setup\` first (or set PIP=/path/to/pip)."; exit 1; }
PIP=$(realpath "$PIP")
wheel=$(ls -t dist/rapport-*.whl 2>/dev/null | head -n1 || true)
[ -n "$wheel" ] || { echo "No wheel in dist/: run \`make dist\` first."; exit 1; }
wheel=$(realpath "$wheel")

# The sdist must carry the same files (the wheel is built from it by `python -m build`).
sdist=$(ls -t dist/rapport-*.tar.gz 2>/dev/null | head -n1 || true)
if [ -n "$sdist" ]; then
  "$PYTHON" - "$sdist" <<'PY'
import sys
import tarfile

names = tarfile.open(sys.argv[1]).getnames()
needed = ("web/static/vendor/bootstrap.min.css", "web/static/vendor/htmx.min.js",
          "locale/nl/LC_MESSAGES/messages.po", "web/templates/base.html")
missing = [n for n in needed if not any(name.endswith("src/rapport/" + n) for name in names)]
sys.exit(f"check-wheel: the sdist lacks {missing}" if missing else 0)
PY
fi

work=$(mktemp -d)
rm=$(command -v rm)  # kept: PATH shrinks to the new environment below
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  "$rm" -rf "$work"
}
trap cleanup EXIT

echo "check-wheel: installing $(basename "$wheel") and its dependencies into a fresh virtual environment"
# --without-pip and --no-compile: bootstrapping pip and byte-compiling every dependency would
# double the time and prove nothing about the wheel.
"$PYTHON" -m venv --without-pip "$work/venv"
"$PIP" --python "$work/venv/bin/python" install --quiet --no-compile "$wheel" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

# From here on: only the new environment on PATH, run from an empty directory (no .env, no src).
cd "$work"
export PATH="$work/venv/bin"
if command -v node >/dev/null || command -v npm >/dev/null; then
  echo "check-wheel: node or npm is still on PATH"; exit 1
fi
export RAPPORT_DATA_DIR="$work/data" RAPPORT_ENV=dev
unset RAPPORT_DATABASE_URL RAPPORT_BASE_URL RAPPORT_SECRET_KEY RAPPORT_HOST RAPPORT_PORT
port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export RAPPORT_PORT=$port

echo "check-wheel: installed ($((SECONDS - started)) s); rapport demo and rapport serve on port $port"
rapport demo > demo.log
demo_output=$(<demo.log)
if [[ $demo_output != *"http://127.0.0.1:$port/login"* ]]; then
  echo "$demo_output"; echo "check-wheel: rapport demo did not print where it serves"; exit 1
fi

rapport serve > serve.log 2>&1 &
server_pid=$!

python - "$port" <<'PY' || { echo "$(<serve.log)"; exit 1; }
"""Wait for the server, then fetch a page, a stylesheet and a script."""
import sys
import time
import urllib.error
import urllib.request

base = f"http://127.0.0.1:{sys.argv[1]}"
checks = [  # path, Accept-Language, content type, a marker in the body
    ("/login", "en", "text/html", b"<form"),
    ("/login", "nl", "text/html", "Meld u aan bij Rapport".encode()),  # the .po file shipped
    ("/static/vendor/bootstrap.min.css", "en", "text/css", b"Bootstrap"),
    ("/static/rapport.css", "en", "text/css", b""),
    ("/static/vendor/htmx.min.js", "en", "javascript", b"htmx"),
]
deadline = time.monotonic() + 60
while True:
    try:
        urllib.request.urlopen(base + "/healthz", timeout=2)
        break
    except urllib.error.HTTPError:
        break  # it answers (503 while degraded is still an answer)
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("check-wheel: the server did not answer within 60 s")
        time.sleep(0.3)
for path, language, content_type, marker in checks:
    request = urllib.request.Request(base + path, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        got = response.headers.get("content-type", "")
        if response.status != 200 or content_type not in got or marker not in body:
            sys.exit(f"check-wheel: {path} answered {response.status} {got} ({len(body)} bytes)")
        print(f"check-wheel: {path} ({language}) 200 {got} {len(body)} bytes")
PY
echo "check-wheel: the wheel runs without node or the source tree ($((SECONDS - started)) s)"
