// The database and its -wal and -shm files hold personal data: musterd
// creates them 0600 whatever the umask.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "store/sqlite_db.h"
#include "support/temp_dir.h"

using namespace muster;

namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("a new database, its WAL and shared memory are 0600 under umask 022", "[store][files]") {
  mode_t old = ::umask(022);
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  {
    auto db = SqliteDb::Open(path, {});
    REQUIRE(db.ok());
    REQUIRE((*db)->Exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('Jo Bloggs');").ok());
    // The connection is open: the -wal holds the insert, the -shm its index.
    CHECK(ModeOf(path) == 0600);
    CHECK(ModeOf(path + "-wal") == 0600);
    CHECK(ModeOf(path + "-shm") == 0600);
  }
  ::umask(old);
}

TEST_CASE("an existing database keeps the mode its owner gave it", "[store][files]") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  { REQUIRE(SqliteDb::Open(path, {}).ok()); }
  REQUIRE(::chmod(path.c_str(), 0640) == 0);
  auto db = SqliteDb::Open(path, {});
  REQUIRE(db.ok());
  CHECK(ModeOf(path) == 0640);
}

TEST_CASE("a database in a missing directory names the path", "[store][files]") {
  testing::TempDir dir;
  auto db = SqliteDb::Open(dir.File("no/such/dir/muster.db"), {});
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().message().find("no/such/dir/muster.db") != std::string::npos);
}
