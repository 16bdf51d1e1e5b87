#!/usr/bin/env bash
# tests/images/make-images.sh remakes a test image that was made another way (foreign) or
# by an older recipe (stale), and --check says so without making anything. Works on an
# image name of its own, never on the images other suites use.
source "$(dirname "$0")/lib.sh" "$@"

new_project images
MAKE=$SRC_DIR/tests/images/make-images.sh
IMAGE="$P/busybox:latest"
EXTRA_IMAGES+=("$IMAGE")
make_images() { BOSS_TEST_BUSYBOX_IMAGE=$IMAGE "$MAKE" "$@"; }
recipe_of() { docker image inspect -f '{{index .Config.Labels "boss.test.recipe"}}' "$IMAGE" 2>/dev/null; }
want_recipe=$(sed -n 's/^BUSYBOX_RECIPE=\([0-9]*\).*/\1/p' "$MAKE")

# import_root LABEL_ARGS...: a one-file image under $IMAGE (no /tmp, no CMD), like an image
# someone tagged with the name by hand.
import_root() {
  mkdir -p "$DIR/root/bin"
  cp "$(command -v busybox)" "$DIR/root/bin/busybox"
  tar -C "$DIR/root" -c . | docker import "$@" - "$IMAGE" >/dev/null
}

section "missing: --check says so, then it is made"
expect_exit 1 make_images --check
expect_contains "$OUT" "$IMAGE: missing" "--check"
expect_exit 0 make_images
expect_contains "$OUT" "made $IMAGE" "make-images"
expect_eq "$(recipe_of)" "$want_recipe" "recipe label"
expect_exit 0 make_images --check
expect_contains "$OUT" "$IMAGE: ok" "--check"

section "a current image is kept"
id=$(docker image inspect -f '{{.Id}}' "$IMAGE")
expect_exit 0 make_images
expect_not_contains "$OUT" "made" "make-images"
expect_eq "$(docker image inspect -f '{{.Id}}' "$IMAGE")" "$id" "image id"

section "foreign: an image made another way under the name is remade"
import_root
foreign=$(docker image inspect -f '{{.Id}}' "$IMAGE")
expect_exit 1 make_images --check
expect_contains "$OUT" "$IMAGE: foreign" "--check"
expect_eq "$(docker image inspect -f '{{.Id}}' "$IMAGE")" "$foreign" "--check made nothing: image id"
expect_exit 0 make_images
expect_contains "$OUT" "$IMAGE: foreign" "make-images"
expect_contains "$OUT" "made $IMAGE" "make-images"
expect_eq "$(recipe_of)" "$want_recipe" "recipe label"
expect_ne "$(docker image inspect -f '{{.Id}}' "$IMAGE")" "$foreign" "image id"
expect_true "the foreign image is gone" bash -c "! docker image inspect '$foreign' >/dev/null 2>&1"
expect_exit 0 docker run --rm --network none "$IMAGE" test -d /tmp
expect_eq "$(docker image inspect -f '{{json .Config.Cmd}}' "$IMAGE")" '["/bin/sh"]' "CMD"

section "stale: an image of an older recipe is remade"
import_root -c "LABEL boss.test.recipe=0"
expect_exit 1 make_images --check
expect_contains "$OUT" "$IMAGE: stale (recipe 0" "--check"
expect_exit 0 make_images
expect_contains "$OUT" "made $IMAGE" "make-images"
expect_eq "$(recipe_of)" "$want_recipe" "recipe label"

finish
