# Sourced by ./learn and ./run-tests: make sure .venv holds the course and what the caller
# needs. ./learn needs only the grader (`learn`); ./run-tests sets `extras="dev,site,torch"`
# first, for the linters, the site builder, the browser tests and the torch lessons.
#
# torch is pinned in constraints.txt to a version with a CPU build at hand, so that a
# machine without a GPU never downloads the CUDA wheels. To use another torch, install
# it into .venv yourself; the pin only applies when this script installs.
venv="$here/.venv"
extras="${extras:-}"
stamp="$venv/.installed${extras:+-${extras//,/-}}"
inputs=("$here/pyproject.toml" "$here/constraints.txt")
needs_install() {
  [ ! -x "$venv/bin/learn" ] && return 0
  [ ! -e "$stamp" ] && return 0
  for f in "${inputs[@]}"; do [ "$f" -nt "$stamp" ] && return 0; done
  return 1
}
if needs_install; then
  if [ -n "$extras" ]; then
    echo "Setting up the course's own tools in .venv ($extras; first run only)..." >&2
  else
    echo "Setting up the course in .venv (first run only; a few minutes)..." >&2
  fi
  python="${PYTHON:-python3}"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  log="$venv/install.log"
  if ! "$venv/bin/python" -m pip install -c "$here/constraints.txt" -e "$here${extras:+[$extras]}" \
      >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "Set-up failed; the whole log is in $log" >&2
    exit 2
  fi
  touch "$stamp"
  if [ -z "$extras" ]; then
    echo "Set up. Commands below say \`learn ...\`: type ./learn, or run" >&2
    echo "\`source .venv/bin/activate\` once per terminal to type learn alone." >&2
  fi
fi
