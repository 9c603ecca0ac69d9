// FileSha256 against the FIPS 180-2 test vectors, including a file longer
// than the 1 MiB read buffer, and an unreadable path named in the error.
#include "digest/file_sha256.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "support/temp_dir.h"

using namespace muster;

namespace {

void Write(const std::string& path, const std::string& body) {
  std::ofstream out(path, std::ios::binary);
  out << body;
}

}  // namespace

TEST_CASE("FileSha256 hashes the whole file as lower-case hex", "[digest]") {
  testing::TempDir dir;
  Write(dir.File("abc"), "abc");
  CHECK(FileSha256(dir.File("abc")).value() ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Write(dir.File("empty"), "");
  CHECK(FileSha256(dir.File("empty")).value() ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("FileSha256 reads a file larger than its 1 MiB buffer to the end", "[digest]") {
  testing::TempDir dir;
  Write(dir.File("million"), std::string(1000000, 'a'));
  CHECK(FileSha256(dir.File("million")).value() ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  Write(dir.File("big"), std::string((1 << 20) + 1, 'a'));
  auto once = FileSha256(dir.File("big"));
  REQUIRE(once.ok());
  Write(dir.File("big"), std::string(1 << 20, 'a') + "b");
  CHECK(FileSha256(dir.File("big")).value() != *once);
}

TEST_CASE("FileSha256 of a missing file is an error naming the path", "[digest]") {
  testing::TempDir dir;
  auto sha = FileSha256(dir.File("absent"));
  REQUIRE_FALSE(sha.ok());
  CHECK_THAT(sha.status().message(), Catch::Contains(dir.File("absent")));
}
