#include "engine/image_ref.h"

#include <doctest/doctest.h>

#include "core/errors.h"

using namespace boss;

TEST_SUITE("engine") {

TEST_CASE("engine: image references") {
  CHECK(parse_image_ref("busybox") == ImageRef{"busybox", "latest", ""});
  CHECK(parse_image_ref("postgres:16") == ImageRef{"postgres", "16", ""});
  CHECK(parse_image_ref("boss-test/busybox:latest") ==
        ImageRef{"boss-test/busybox", "latest", ""});
  CHECK(parse_image_ref("localhost:5000/team/app") ==
        ImageRef{"localhost:5000/team/app", "latest", ""});
  CHECK(parse_image_ref("localhost:5000/team/app:1.2") ==
        ImageRef{"localhost:5000/team/app", "1.2", ""});
  CHECK(parse_image_ref("alpine@sha256:0123abcd") == ImageRef{"alpine", "", "sha256:0123abcd"});
  CHECK(parse_image_ref("alpine:3.19@sha256:0123abcd") ==
        ImageRef{"alpine", "", "sha256:0123abcd"});
}

TEST_CASE("engine: the pull API tag is the digest when there is one") {
  CHECK(parse_image_ref("alpine@sha256:0123abcd").api_tag() == "sha256:0123abcd");
  CHECK(parse_image_ref("alpine:3").api_tag() == "3");
  CHECK(parse_image_ref("alpine").api_tag() == "latest");
}

TEST_CASE("engine: invalid image references") {
  CHECK_THROWS_AS(parse_image_ref(""), EngineError);
  CHECK_THROWS_AS(parse_image_ref("alpine:"), EngineError);
  CHECK_THROWS_AS(parse_image_ref(":tag"), EngineError);
}

}  // TEST_SUITE
