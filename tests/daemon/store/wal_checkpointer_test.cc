#include "store/wal_checkpointer.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "store/sqlite_db.h"
#include "support/temp_dir.h"

namespace muster {
namespace {

constexpr int kThresholdPages = 64;

// Commits `commits` transactions of about 16 KiB each (4 pages of 4 KiB).
void WriteCommits(SqliteDb& db, int commits) {
  auto st = db.Prepare("INSERT INTO t (payload) VALUES (?1)");
  REQUIRE(st.ok());
  const std::string payload(16 * 1024, 'x');
  for (int i = 0; i < commits; ++i) {
    SqliteStatement::AutoReset reset(**st);
    (*st)->BindText(1, payload);
    REQUIRE((*st)->Run().ok());
  }
}

// A connection to a new database at path with the table WriteCommits fills.
std::unique_ptr<SqliteDb> OpenWriter(const std::string& path) {
  auto db = SqliteDb::Open(path, SqliteDbOptions());
  REQUIRE(db.ok());
  REQUIRE((*db)->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)").ok());
  return std::move(db).value();
}

uintmax_t FileSize(const std::string& path) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

TEST_CASE("WalCheckpointer copies the WAL into the database off the writing thread",
          "[store][wal]") {
  testing::TempDir dir;
  const std::string path = dir.File("wal.db");
  auto writer = OpenWriter(path);
  auto checkpointer = WalCheckpointer::Start(path, kThresholdPages);
  REQUIRE(checkpointer.ok());
  WalCheckpointer& c = **checkpointer;
  writer->SetWalHook([&c](int pages) { c.OnCommit(pages); });

  // ~100 times the threshold in pages. With SQLite's automatic checkpoint
  // off (the hook turns it off), only the checkpointer keeps the WAL short.
  const int commits = 1600;
  uintmax_t biggest_wal = 0;
  for (int round = 0; round < 32; ++round) {
    WriteCommits(*writer, commits / 32);
    // Give the checkpointer's thread a moment, as a busy writer's pauses do.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    biggest_wal = std::max(biggest_wal, FileSize(path + "-wal"));
  }
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (c.checkpoints() == 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(c.checkpoints() > 0);
  // Most of ~25 MiB of rows reached the database file itself...
  CHECK(FileSize(path) > 15u * 1024 * 1024);
  // ...and the WAL was restarted from its beginning rather than growing to
  // hold everything (~25 MiB without checkpoints). On an idle machine it
  // stays near the threshold (256 KiB); on a loaded one the checkpointer's
  // thread may wait for a core through several rounds, so the bound is half
  // of what was written, which only a checkpointer that never ran exceeds.
  INFO("largest WAL " << biggest_wal << " bytes");
  CHECK(biggest_wal < uintmax_t{commits} * 16 * 1024 / 2);

  // Stopping it first and closing the writer last leaves no WAL behind.
  writer->SetWalHook(nullptr);
  checkpointer->reset();
  writer.reset();
  CHECK(FileSize(path + "-wal") == 0);
  auto reader = SqliteDb::Open(path, SqliteDbOptions());
  REQUIRE(reader.ok());
  CHECK(*(*reader)->QueryInt64("SELECT count(*) FROM t") == commits);
}

TEST_CASE("below the threshold the WalCheckpointer stays idle", "[store][wal]") {
  testing::TempDir dir;
  const std::string path = dir.File("wal.db");
  auto writer = OpenWriter(path);
  auto checkpointer = WalCheckpointer::Start(path, kThresholdPages);
  REQUIRE(checkpointer.ok());
  WalCheckpointer& c = **checkpointer;
  writer->SetWalHook([&c](int pages) { c.OnCommit(pages); });
  WriteCommits(*writer, 5);  // ~20 pages
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(c.checkpoints() == 0);
  writer->SetWalHook(nullptr);
}

TEST_CASE("a WAL hook turns SQLite's automatic checkpoint off", "[store][wal]") {
  // What the checkpointer replaces: with a hook that checkpoints nothing the
  // WAL holds every commit, far past SQLite's own 1000-page threshold.
  testing::TempDir dir;
  const std::string path = dir.File("wal.db");
  auto writer = OpenWriter(path);
  writer->SetWalHook([](int) {});
  WriteCommits(*writer, 1600);
  CHECK(FileSize(path + "-wal") > 20u * 1024 * 1024);
  // Removing the hook turns it back on: the next commit past 1000 pages
  // checkpoints, and the WAL starts again from its beginning after that.
  writer->SetWalHook(nullptr);
  WriteCommits(*writer, 1);
  auto pages = writer->QueryInt64("PRAGMA wal_autocheckpoint");
  REQUIRE(pages.ok());
  CHECK(*pages == 1000);
}

TEST_CASE("a WAL that grew big is cut back to journal_size_limit once it restarts",
          "[store][wal]") {
  testing::TempDir dir;
  const std::string path = dir.File("limit.db");
  SqliteDbOptions options;
  options.journal_size_limit = 1024 * 1024;
  auto db = SqliteDb::Open(path, options);
  REQUIRE(db.ok());
  SqliteDb& writer = **db;
  REQUIRE(writer.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)").ok());
  writer.SetWalHook([](int) {});  // no automatic checkpoints, as with WalCheckpointer
  // ~4 MiB in one transaction: the WAL has to hold all of it.
  REQUIRE(writer.Exec("BEGIN").ok());
  WriteCommits(writer, 256);
  REQUIRE(writer.Exec("COMMIT").ok());
  CHECK(FileSize(path + "-wal") > 4u * 1024 * 1024);
  REQUIRE(writer.CheckpointPassive().ok());
  WriteCommits(writer, 1);  // restarts the WAL from its beginning
  CHECK(FileSize(path + "-wal") <= 1024u * 1024);
  writer.SetWalHook(nullptr);
}

}  // namespace muster
