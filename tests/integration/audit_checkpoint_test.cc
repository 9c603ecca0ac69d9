// End to end: rows cut off the end of the audit log are found by
// `musterctl audit verify`, through the head checkpoint musterd keeps beside
// its database.
#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "support/process.h"
#include "support/temp_dir.h"

using namespace muster::testing;

namespace {

CommandResult Ctl(const std::string& dir, const std::string& server,
                  std::vector<std::string> args) {
  std::vector<std::string> argv = {MUSTERCTL_PATH, "--server", server};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, dir);
}

}  // namespace

TEST_CASE("audit verify finds the newest records deleted by hand", "[integration]") {
  TempDir dir;
  const std::string db = dir.File("muster.db"), work = dir.path().string();
  MusterdProcess d(MUSTERD_PATH, db, work);
  for (const char* code : {"first_aid", "driver_4x4", "boat"}) {
    REQUIRE(Ctl(work, d.address(), {"skill", "add", code, "--name", code}).exit_code == 0);
  }
  CommandResult r = Ctl(work, d.address(), {"audit", "verify"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // The checkpoint lives beside the database, readable by its owner only.
  struct stat st {};
  REQUIRE(::stat((db + ".audit-head").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // Someone with the database file drops the guard trigger and deletes the
  // newest records: the chain that is left is consistent.
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
  sqlite3_busy_timeout(handle, 10000);
  int rc = sqlite3_exec(handle,
                        "DROP TRIGGER audit_log_no_delete;"
                        "DELETE FROM audit_log WHERE id > 2;",
                        nullptr, nullptr, nullptr);
  sqlite3_close(handle);
  REQUIRE(rc == SQLITE_OK);
  r = Ctl(work, d.address(), {"audit", "verify"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("cut off the end"));
  // A later write does not hide it.
  REQUIRE(Ctl(work, d.address(), {"skill", "add", "rope", "--name", "Rope"}).exit_code == 0);
  r = Ctl(work, d.address(), {"audit", "verify"});
  CHECK(r.exit_code == 1);
}
