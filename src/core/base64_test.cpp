#include "core/base64.h"

#include <doctest/doctest.h>

namespace boss {

TEST_CASE("base64: RFC 4648 vectors, padded") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64: the URL alphabet swaps + and / for - and _") {
  const std::string bytes = "\xfb\xff\xbf";
  CHECK(base64_encode(bytes) == "+/+/");
  CHECK(base64_encode(bytes, Base64Alphabet::url) == "-_-_");
}

TEST_CASE("base64: decoding takes either alphabet, with or without padding, and refuses junk") {
  CHECK(base64_decode("Zm9vYmE=") == "fooba");
  CHECK(base64_decode("Zm9vYmE") == "fooba");
  CHECK(base64_decode("Zm9vYg==") == "foob");
  CHECK(base64_decode("-_-_") == std::string("\xfb\xff\xbf"));
  CHECK(base64_decode("+/+/") == std::string("\xfb\xff\xbf"));
  CHECK(base64_decode("YWxpY2U6czNjcmV0") == "alice:s3cret");
  CHECK_FALSE(base64_decode("Zm9v!").has_value());
  CHECK_FALSE(base64_decode("Z").has_value());
}

}  // namespace boss
