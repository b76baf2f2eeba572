#!/usr/bin/env bash
# Deploys examples/hello with a real `git push`, as a user would, then asks it for its greeting.
#   examples/push-hello.sh            uses $SORTIE_HOME (default ~/.sortie)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
sortie=$(command -v sortie || true)
for candidate in /usr/local/bin/sortie "$HOME/.local/bin/sortie"; do
  [ -n "$sortie" ] || { [ -x "$candidate" ] && sortie=$candidate; } || true
done
[ -n "$sortie" ] || { echo "push-hello.sh: sortie is not installed; run ./install.sh first" >&2; exit 1; }

home=${SORTIE_HOME:-$HOME/.sortie}
repo="$home/apps/hello/repo.git"
if [ ! -d "$repo" ]; then
  "$sortie" apps create hello
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/hello" "$work/hello"
rm -rf "$work/hello/target"
cd "$work/hello"
git init -q -b main
git add -A
git -c user.name="Sortie example" -c user.email=example@sortie.invalid commit -q -m "hello, deployed by examples/push-hello.sh"
git remote add production "$repo"
# --force: this is a fresh repository each run, so its history is new to the app's repo
echo "\$ git push --force production main"
git push --force production main

url=$("$sortie" url hello)
echo
echo "\$ curl $url"
curl -sS --max-time 10 "$url"
