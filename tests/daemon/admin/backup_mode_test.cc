// A backup copy holds the whole roster: it is 0600 whatever the umask, also
// when it replaces an older file.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "admin/backup.h"
#include "store/sqlite_roster_store.h"
#include "support/temp_dir.h"

using namespace muster;

TEST_CASE("a backup is written 0600 under umask 022, replacing an older copy",
          "[admin][backup][files]") {
  mode_t old = ::umask(022);
  testing::TempDir dir;
  {
    auto store = SqliteRosterStore::Open(dir.File("live.db"));
    REQUIRE(store.ok());
    REQUIRE((*store)->UpsertSkill({"first_aid", "First aid", 1, 3}).ok());
  }
  std::string dest = dir.File("copy.db");
  std::ofstream(dest) << "an older copy";
  REQUIRE(::chmod(dest.c_str(), 0644) == 0);
  auto info = BackupDatabase(dir.File("live.db"), dest);
  ::umask(old);
  REQUIRE(info.ok());
  struct stat st {};
  REQUIRE(::stat(dest.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(info->bytes > 0);
}
