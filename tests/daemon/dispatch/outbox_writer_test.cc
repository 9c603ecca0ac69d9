// The outbox writer alone, storing through a fake that records every batch
// and fails or holds the ones the test says (no SQLite).
#include "dispatch/outbox_writer.h"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using namespace muster;
using namespace muster::dispatch;

namespace {

struct FakeStore {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::vector<int64_t>> stored;  // call-out ids of each stored batch
  std::set<int> fail;                        // calls (from 0) that fail
  int calls = 0;
  bool hold = false;     // the writer's apply waits while set
  bool holding = false;  // an apply is waiting
  int failures_seen = 0;

  OutboxWriter::ApplyFn Apply() {
    return [this](const std::vector<CalloutUpdate>& callouts, const std::vector<OutboxUpdate>&,
                  const OutboxWriter::StandDowns& standdowns) -> Result<std::vector<int64_t>> {
      std::unique_lock lock(mu);
      holding = true;
      cv.notify_all();
      cv.wait(lock, [this] { return !hold; });
      holding = false;
      if (fail.count(calls++)) return Status::Internal("injected failure");
      std::vector<int64_t> ids;
      for (const auto& c : callouts) ids.push_back(c.callout_id);
      stored.push_back(ids);
      std::vector<int64_t> new_rows;
      for (const auto& [callout_id, key] : standdowns) new_rows.push_back(1000 + callout_id);
      return new_rows;
    };
  }
  void Release() {
    std::lock_guard lock(mu);
    hold = false;
    cv.notify_all();
  }
  void WaitHolding() {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return holding; });
  }
};

CalloutUpdate Change(int64_t callout_id) {
  CalloutUpdate u;
  u.callout_id = callout_id;
  return u;
}

}  // namespace

TEST_CASE("handed-over changes are stored by the writer thread", "[dispatch][writer]") {
  FakeStore fake;
  OutboxWriter writer(fake.Apply(), nullptr);
  writer.Start();
  CHECK(writer.HandOver() == OutboxWriter::HandOverResult::kNothingQueued);
  writer.Add(Change(1));
  writer.Add(Change(2));
  writer.Add(OutboxUpdate{7, OutboxState::kDone, 1});
  CHECK(writer.HandOver() == OutboxWriter::HandOverResult::kHanded);
  CHECK(writer.Empty());
  writer.Settle();
  REQUIRE(fake.stored.size() == 1);
  CHECK(fake.stored[0] == std::vector<int64_t>{1, 2});
  CHECK(writer.Empty());
}

TEST_CASE("while the writer stores a batch, changes keep queuing for the next one",
          "[dispatch][writer]") {
  FakeStore fake;
  fake.hold = true;
  OutboxWriter writer(fake.Apply(), nullptr);
  writer.Start();
  writer.Add(Change(1));
  REQUIRE(writer.HandOver() == OutboxWriter::HandOverResult::kHanded);
  fake.WaitHolding();
  writer.Add(Change(2));
  writer.Add(Change(3));
  CHECK(writer.HandOver() == OutboxWriter::HandOverResult::kWriterBusy);
  CHECK_FALSE(writer.Empty());
  fake.Release();
  writer.Settle();
  CHECK(writer.HandOver() == OutboxWriter::HandOverResult::kHanded);
  writer.Settle();
  REQUIRE(fake.stored.size() == 2);
  CHECK(fake.stored[0] == std::vector<int64_t>{1});
  CHECK(fake.stored[1] == std::vector<int64_t>{2, 3});
}

TEST_CASE("a batch the writer fails to store is taken back ahead of newer changes, once",
          "[dispatch][writer]") {
  FakeStore fake;
  fake.fail = {0};
  int failed_batches = 0;
  OutboxWriter writer(fake.Apply(), [&] { ++failed_batches; });
  writer.Start();
  writer.Add(Change(1));
  writer.Add(Change(2));
  REQUIRE(writer.HandOver() == OutboxWriter::HandOverResult::kHanded);
  writer.Settle();  // the batch failed: taken back
  CHECK(failed_batches == 1);
  CHECK(fake.stored.empty());
  CHECK_FALSE(writer.Empty());
  writer.Add(Change(3));
  REQUIRE(writer.HandOver() == OutboxWriter::HandOverResult::kHanded);
  writer.Settle();
  REQUIRE(fake.stored.size() == 1);
  CHECK(fake.stored[0] == std::vector<int64_t>{1, 2, 3});
  CHECK(failed_batches == 1);
}

TEST_CASE("a hand-over after a failed batch sends it first", "[dispatch][writer]") {
  FakeStore fake;
  fake.fail = {0};
  OutboxWriter writer(fake.Apply(), nullptr);
  writer.Start();
  writer.Add(Change(1));
  REQUIRE(writer.HandOver() == OutboxWriter::HandOverResult::kHanded);
  // No Settle: the next hand-over waits its turn and takes the failed batch
  // back itself.
  writer.Add(Change(2));
  while (writer.HandOver() == OutboxWriter::HandOverResult::kWriterBusy) {
    std::this_thread::yield();
  }
  writer.Settle();
  REQUIRE(fake.stored.size() == 1);
  CHECK(fake.stored[0] == std::vector<int64_t>{1, 2});
}

TEST_CASE("Flush stores on the calling thread after the writer's batch, and keeps what fails",
          "[dispatch][writer]") {
  FakeStore fake;
  fake.fail = {1};
  OutboxWriter writer(fake.Apply(), nullptr);
  writer.Start();
  writer.Add(Change(1));
  REQUIRE(writer.HandOver() == OutboxWriter::HandOverResult::kHanded);
  writer.Add(Change(2));
  auto failed = writer.Flush({{2, "muster-a1-r2"}});
  CHECK_FALSE(failed.ok());
  REQUIRE(fake.stored.size() == 1);
  CHECK(fake.stored[0] == std::vector<int64_t>{1});  // the writer's batch went first
  CHECK_FALSE(writer.Empty());                       // kept
  auto ids = writer.Flush({{2, "muster-a1-r2"}});
  REQUIRE(ids.ok());
  CHECK(*ids == std::vector<int64_t>{1002});
  REQUIRE(fake.stored.size() == 2);
  CHECK(fake.stored[1] == std::vector<int64_t>{2});
  CHECK(writer.Empty());
  // Nothing queued, nothing to insert: no store call at all.
  auto none = writer.Flush();
  REQUIRE(none.ok());
  CHECK(none->empty());
  CHECK(fake.calls == 3);
}

TEST_CASE("stopping waits for the batch in hand and leaves the queue for a last Flush",
          "[dispatch][writer]") {
  FakeStore fake;
  fake.hold = true;
  OutboxWriter writer(fake.Apply(), nullptr);
  writer.Start();
  writer.Add(Change(1));
  REQUIRE(writer.HandOver() == OutboxWriter::HandOverResult::kHanded);
  fake.WaitHolding();
  writer.Add(Change(2));
  std::thread release([&] { fake.Release(); });
  writer.Stop();
  release.join();
  REQUIRE(fake.stored.size() == 1);
  REQUIRE(writer.Flush().ok());
  REQUIRE(fake.stored.size() == 2);
  CHECK(fake.stored[1] == std::vector<int64_t>{2});
}
