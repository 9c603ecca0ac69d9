#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "audit/audit_log.h"
#include "support/temp_dir.h"

using namespace muster;

namespace {

AuditEntry Entry(std::string actor, std::string action, std::string target = "") {
  AuditEntry e;
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.target = std::move(target);
  e.outcome = "OK";
  e.request_id = "req-" + e.actor;
  return e;
}

// Tampers as an attacker with file access would: raw SQL, triggers dropped.
void Tamper(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db,
                        ("DROP TRIGGER IF EXISTS audit_log_no_update;"
                         "DROP TRIGGER IF EXISTS audit_log_no_delete;" +
                         sql)
                            .c_str(),
                        nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

int RawExec(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

}  // namespace

TEST_CASE("audit log appends a chain that verifies, and lists with filters") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  auto log = AuditLog::Open(path);
  REQUIRE(log.ok());
  auto v = (*log)->Verify();
  REQUIRE(v.ok());
  CHECK(v->ok);
  CHECK(v->rows_checked == 0);

  auto first = (*log)->Append(Entry("alice", "RosterService/UpsertReservist", "external_id=R1"));
  REQUIRE(first.ok());
  CHECK(first->id == 1);
  CHECK(first->prev_hash == std::string(64, '0'));
  auto second = (*log)->Append(Entry("bob", "ActivationService/CreateActivation"));
  REQUIRE(second.ok());
  CHECK(second->prev_hash == first->hash);
  REQUIRE((*log)->Append(Entry("alice", "ActivationService/CancelActivation")).ok());

  v = (*log)->Verify();
  REQUIRE(v.ok());
  CHECK(v->ok);
  CHECK(v->rows_checked == 3);

  AuditFilter f;
  f.actor = "alice";
  auto rows = (*log)->List(f);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].target == "external_id=R1");
  f = {};
  f.action = "ActivationService/";
  rows = (*log)->List(f);
  REQUIRE(rows.ok());
  CHECK(rows->size() == 2);
  f = {};
  f.limit = 1;
  f.after_id = 1;
  rows = (*log)->List(f);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].id == 2);
}

TEST_CASE("audit log triggers refuse updates and deletes") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  auto log = AuditLog::Open(path);
  REQUIRE(log.ok());
  REQUIRE((*log)->Append(Entry("alice", "RosterService/DeleteReservist")).ok());
  CHECK(RawExec(path, "UPDATE audit_log SET actor = 'mallory'") != SQLITE_OK);
  CHECK(RawExec(path, "DELETE FROM audit_log") != SQLITE_OK);
  CHECK((*log)->Verify()->ok);
}

TEST_CASE("audit verify finds a row edited after the triggers were dropped") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  auto log = AuditLog::Open(path);
  REQUIRE(log.ok());
  for (int i = 0; i < 5; ++i)
    REQUIRE((*log)->Append(Entry("alice", "X/Y", std::to_string(i))).ok());
  Tamper(path, "UPDATE audit_log SET actor = 'mallory' WHERE id = 3");
  auto v = (*log)->Verify();
  REQUIRE(v.ok());
  CHECK_FALSE(v->ok);
  CHECK(v->first_bad_id == 3);
  CHECK_THAT(v->problem, Catch::Contains("changed"));
}

TEST_CASE("audit verify finds a deleted row") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  auto log = AuditLog::Open(path);
  REQUIRE(log.ok());
  for (int i = 0; i < 5; ++i)
    REQUIRE((*log)->Append(Entry("alice", "X/Y", std::to_string(i))).ok());
  Tamper(path, "DELETE FROM audit_log WHERE id = 2");
  auto v = (*log)->Verify();
  REQUIRE(v.ok());
  CHECK_FALSE(v->ok);
  CHECK(v->first_bad_id == 3);
}

TEST_CASE("audit verify finds a rehashed row whose successor no longer fits") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  auto log = AuditLog::Open(path);
  REQUIRE(log.ok());
  for (int i = 0; i < 3; ++i)
    REQUIRE((*log)->Append(Entry("alice", "X/Y", std::to_string(i))).ok());
  // The attacker edits row 2 and recomputes its own hash, but not row 3's.
  auto rows = (*log)->List({});
  REQUIRE(rows.ok());
  AuditEntry edited = (*rows)[1];
  edited.actor = "mallory";
  std::string hash = AuditLog::ChainHash(edited, edited.prev_hash);
  Tamper(path, "UPDATE audit_log SET actor = 'mallory', hash = '" + hash + "' WHERE id = 2");
  auto v = (*log)->Verify();
  REQUIRE(v.ok());
  CHECK_FALSE(v->ok);
  CHECK(v->first_bad_id == 3);
}

TEST_CASE("concurrent appends from two connections keep one linear chain") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  auto a = AuditLog::Open(path);
  auto b = AuditLog::Open(path);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  auto work = [](AuditLog& log, std::string who) {
    for (int i = 0; i < 50; ++i) REQUIRE(log.Append(Entry(who, "X/Y")).ok());
  };
  std::thread t1(work, std::ref(**a), "a"), t2(work, std::ref(**a), "a2"),
      t3(work, std::ref(**b), "b");
  t1.join();
  t2.join();
  t3.join();
  auto v = (*a)->Verify();
  REQUIRE(v.ok());
  CHECK(v->ok);
  CHECK(v->rows_checked == 150);
}

TEST_CASE("audit verify finds rows cut off the end: the last, the last ten, all") {
  struct Cut {
    const char* what;
    std::string sql;
    int64_t first_missing;
  };
  for (const Cut& cut : {Cut{"the last row", "DELETE FROM audit_log WHERE id = 12", 12},
                         Cut{"the last ten", "DELETE FROM audit_log WHERE id > 2", 3},
                         Cut{"every row", "DELETE FROM audit_log", 1}}) {
    INFO(cut.what);
    testing::TempDir dir;
    std::string path = dir.File("muster.db");
    auto log = AuditLog::Open(path);
    REQUIRE(log.ok());
    for (int i = 0; i < 12; ++i)
      REQUIRE((*log)->Append(Entry("alice", "X/Y", std::to_string(i))).ok());
    REQUIRE((*log)->Verify()->ok);
    Tamper(path, cut.sql);
    auto v = (*log)->Verify();
    REQUIRE(v.ok());
    CHECK_FALSE(v->ok);
    CHECK(v->first_bad_id == cut.first_missing);
    CHECK_THAT(v->problem, Catch::Contains("cut off the end") && Catch::Contains("row 12"));
  }
}

TEST_CASE("audit verify finds a chain cut and rebuilt past the checkpoint") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  {
    auto log = AuditLog::Open(path);
    REQUIRE(log.ok());
    for (int i = 0; i < 3; ++i) REQUIRE((*log)->Append(Entry("alice", "X/Y")).ok());
  }
  std::string head;
  {
    std::ifstream in(AuditLog::HeadPath(path));
    std::getline(in, head);
  }
  // Row 3 deleted and the chain extended again by someone else's rows: the
  // chain is whole, but row 3 is not the row the checkpoint names.
  Tamper(path, "DELETE FROM audit_log WHERE id = 3");
  {
    auto log = AuditLog::Open(path);
    REQUIRE(log.ok());
    REQUIRE((*log)->Append(Entry("mallory", "X/Y")).ok());
    REQUIRE((*log)->Append(Entry("mallory", "X/Y")).ok());
  }
  {
    std::ofstream out(AuditLog::HeadPath(path), std::ios::trunc);
    out << head << "\n";  // the old, authentic checkpoint put back
  }
  auto log = AuditLog::Open(path);
  REQUIRE(log.ok());
  auto v = (*log)->Verify();
  REQUIRE(v.ok());
  CHECK_FALSE(v->ok);
  CHECK(v->first_bad_id == 3);
  CHECK_THAT(v->problem, Catch::Contains("checkpoint"));
}

TEST_CASE("the audit head checkpoint is private, authenticated, and its loss is reported") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  auto log = AuditLog::Open(path);
  REQUIRE(log.ok());
  REQUIRE((*log)->Append(Entry("alice", "X/Y")).ok());
  CHECK((*log)->head().id == 1);
  for (const std::string& f : {AuditLog::HeadPath(path), AuditLog::KeyPath(path)}) {
    INFO(f);
    struct stat st {};
    REQUIRE(::stat(f.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  // A forged checkpoint (another id, no valid HMAC) is refused.
  {
    std::ofstream out(AuditLog::HeadPath(path), std::ios::trunc);
    out << "muster-audit-head-v1 0 " << std::string(64, '0') << " " << std::string(64, 'f') << "\n";
  }
  auto v = (*log)->Verify();
  REQUIRE(v.ok());
  CHECK_FALSE(v->ok);
  CHECK_THAT(v->problem, Catch::Contains("not authentic"));
  // Deleted: reported, not silently re-created on the next open.
  std::filesystem::remove(AuditLog::HeadPath(path));
  log = AuditLog::Open(path);
  REQUIRE(log.ok());
  v = (*log)->Verify();
  REQUIRE(v.ok());
  CHECK_FALSE(v->ok);
  CHECK_THAT(v->problem, Catch::Contains("missing"));
  // Later appends keep the evidence: they do not write a fresh checkpoint.
  REQUIRE((*log)->Append(Entry("alice", "X/Y")).ok());
  CHECK_FALSE((*log)->Verify()->ok);
  // The operator's reset: remove the key; the next open starts afresh, and
  // the chain itself records that it did.
  std::filesystem::remove(AuditLog::KeyPath(path));
  log = AuditLog::Open(path);
  REQUIRE(log.ok());
  CHECK((*log)->Verify()->ok);
  auto rows = (*log)->List(AuditFilter{});
  REQUIRE(rows.ok());
  REQUIRE_FALSE(rows->empty());
  CHECK(rows->back().action == "audit/rekey");
  CHECK(rows->back().actor == "musterd");
}

TEST_CASE("appends after a cut do not replace the checkpoint that shows it") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  auto log = AuditLog::Open(path);
  REQUIRE(log.ok());
  for (int i = 0; i < 5; ++i) REQUIRE((*log)->Append(Entry("alice", "X/Y")).ok());
  Tamper(path, "DELETE FROM audit_log WHERE id > 3");
  REQUIRE((*log)->Append(Entry("alice", "X/Y")).ok());  // row 4 again, another hash
  REQUIRE((*log)->Append(Entry("alice", "X/Y")).ok());  // row 5
  REQUIRE((*log)->Append(Entry("alice", "X/Y")).ok());  // row 6: past the checkpoint
  auto v = (*log)->Verify();
  REQUIRE(v.ok());
  CHECK_FALSE(v->ok);
  CHECK(v->first_bad_id == 5);
  CHECK_THAT(v->problem, Catch::Contains("checkpoint"));
}

TEST_CASE("an audit key file that is not 64 hex digits is refused, naming the file") {
  testing::TempDir dir;
  std::string path = dir.File("muster.db");
  REQUIRE(AuditLog::Open(path).ok());
  for (const std::string& bad :
       {std::string(63, 'a'), std::string(64, 'g'), std::string(62, 'a') + "  "}) {
    INFO(bad);
    {
      std::ofstream out(AuditLog::KeyPath(path), std::ios::trunc);
      out << bad << "\n";
    }
    auto log = AuditLog::Open(path);
    REQUIRE_FALSE(log.ok());
    CHECK_THAT(log.status().message(), Catch::Contains(AuditLog::KeyPath(path)));
    CHECK_THAT(log.status().message(), Catch::Contains("not a 64-hex-digit key"));
  }
  {
    std::ofstream out(AuditLog::KeyPath(path), std::ios::trunc);
    out << std::string(32, 'A') << std::string(32, '0') << "\n";
  }
  CHECK(AuditLog::Open(path).ok());
}
