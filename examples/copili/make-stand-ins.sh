#!/usr/bin/env bash
# Stand-ins for the images of copili's example, made offline from boss-test/busybox
# (tests/images/make-images.sh): boss-example/exit-container exits with $EXIT_CODE (0 when
# unset), boss-example/hello-world prints a greeting.
set -euo pipefail
base=${BOSS_TEST_BUSYBOX_IMAGE:-boss-test/busybox:latest}
make() {  # make TAG CMD-JSON
  local id
  id=$(docker create "$base")
  docker commit --change "CMD $2" --change 'ENV EXIT_CODE=0' --change 'LABEL boss.test=1' "$id" "$1" >/dev/null
  docker rm -f "$id" >/dev/null
}
make boss-example/exit-container:latest '["sh", "-c", "echo exiting with $EXIT_CODE; exit $EXIT_CODE"]'
make boss-example/hello-world:latest '["echo", "Hello from boss-example/hello-world!"]'
