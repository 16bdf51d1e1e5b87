#!/usr/bin/env bash
# cmake/revision.cmake: in a git checkout it names the commit (and ", modified" when
# tracked files differ); in the same sources unpacked from a tarball (git archive), or
# from a tarball unpacked inside another repository, it says they are not a checkout.
set -uo pipefail
SRC=${1:?usage: revision.sh SOURCE_DIR}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0
check() {  # check WHAT GOT WANT
  if [[ $2 == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected '$3', got '$2'"; failures=$((failures + 1)); fi
}
revision_of() {  # revision_of DIR: what the header says for DIR
  cmake -DSOURCE_DIR="$1" -DOUT="$T/rev.h" -DGIT="$(command -v git)" -P "$SRC/cmake/revision.cmake" &&
    sed -n 's/^#define BOSS_REVISION "\(.*\)"$/\1/p' "$T/rev.h"
}
git init -q "$T/repo"
git -C "$T/repo" -c user.name=t -c user.email=t@t commit -q --allow-empty -m one
echo a >"$T/repo/file" && git -C "$T/repo" add file &&
  git -C "$T/repo" -c user.name=t -c user.email=t@t commit -q -m two
commit=$(git -C "$T/repo" rev-parse --short=12 HEAD)
check "a checkout" "$(revision_of "$T/repo")" "git $commit"
echo b >"$T/repo/file"
check "a checkout with changes" "$(revision_of "$T/repo")" "git $commit, modified"
mkdir "$T/repo/tarball"
git -C "$T/repo" archive HEAD | tar -x -C "$T/repo/tarball"
check "a tarball inside another repository" "$(revision_of "$T/repo/tarball")" "not built from a git checkout"
mkdir "$T/plain"
git -C "$T/repo" archive HEAD | tar -x -C "$T/plain"
check "a tarball" "$(revision_of "$T/plain")" "not built from a git checkout"
touch -d '2000-01-01' "$T/rev.h"
before=$(stat -c %Y "$T/rev.h")
revision_of "$T/plain" >/dev/null
check "an unchanged revision leaves the header alone" "$(stat -c %Y "$T/rev.h")" "$before"
((failures == 0)) && echo "revision: all checks passed" || { echo "revision: $failures check(s) FAILED"; exit 1; }
