# What the engine suites add to tests/integration/lib.sh: the rig's hosts (rig.sh up must
# have run; ctest's fixture does it), and a cleanup that also removes the test project's
# containers, networks and volumes from every rig engine.
#
#   source "$SRC_DIR/tests/engines/lib_rig.sh"   (after lib.sh)
#   on 2 docker ps                                 the docker CLI against rig engine 2
RIG=${BOSS_RIG_DIR:-/run/boss-rig}
if ! bash "$SRC_DIR/tests/engines/rig.sh" status; then
  fail "the engine rig is not up (run tests/engines/rig.sh up as root)"
  finish
fi
# shellcheck disable=SC1091
source "$RIG/env"
export PATH="$RIG_BIN:$PATH"  # the ssh that knows the rig's host

on() {  # on N CMD...: CMD with DOCKER_HOST at rig engine N's socket
  local n=$1
  shift
  local sock="RIG_E${n}_SOCK"
  DOCKER_HOST=${!sock} "$@"
}

rig_cleanup() {
  [[ -n $P ]] || return 0
  local n ids
  for n in 1 2 3; do
    ids=$(on "$n" docker ps -aq --filter "label=boss.project=$P")
    [[ -n $ids ]] && on "$n" docker rm -f $ids >/dev/null 2>&1
    ids=$(on "$n" docker network ls -q --filter "label=boss.project=$P")
    [[ -n $ids ]] && on "$n" docker network rm $ids >/dev/null 2>&1
    ids=$(on "$n" docker volume ls -q --filter "label=boss.project=$P")
    [[ -n $ids ]] && on "$n" docker volume rm -f $ids >/dev/null 2>&1
  done
  return 0
}
eval "lib_cleanup() $(declare -f cleanup | tail -n +2)"
cleanup() {
  rig_cleanup
  lib_cleanup
}
