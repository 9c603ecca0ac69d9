// The delivery queue alone: jobs come due in time order, jobs gone or in
// flight are skipped, tries are kept per route position.
#include "dispatch/delivery_queue.h"

#include <catch2/catch.hpp>

using namespace muster;
using namespace muster::dispatch;

namespace {

constexpr int64_t kT0 = 1796148000000;

Job MakeJob(int64_t id) {
  Job j;
  j.outbox_id = id;
  j.callout_id = id * 10;
  return j;
}

}  // namespace

TEST_CASE("jobs come due in time order, none before its time", "[dispatch][queue]") {
  DeliveryQueue q;
  q.Add(MakeJob(1), kT0 + 300);
  q.Add(MakeJob(2), kT0 + 100);
  q.Add(MakeJob(3), kT0 + 200);
  CHECK(q.size() == 3);
  CHECK(q.EarliestDue() == kT0 + 100);
  CHECK_FALSE(q.NextDue(kT0 + 99));
  CHECK(q.NextDue(kT0 + 250) == 2);
  CHECK(q.NextDue(kT0 + 250) == 3);
  CHECK_FALSE(q.NextDue(kT0 + 250));
  CHECK(q.EarliestDue() == kT0 + 300);
  CHECK(q.NextDue(kT0 + 300) == 1);
  CHECK_FALSE(q.EarliestDue());
  CHECK(q.size() == 3);  // due is not done: jobs stay until erased
}

TEST_CASE("jobs erased or in flight when they come due are skipped", "[dispatch][queue]") {
  DeliveryQueue q;
  q.Add(MakeJob(1), kT0);
  q.Add(MakeJob(2), kT0);
  q.Add(MakeJob(3), kT0);
  q.erase(1);
  q.at(2).in_flight = true;
  CHECK(q.NextDue(kT0) == 3);
  CHECK_FALSE(q.NextDue(kT0));
  // Made due again once its send is over.
  q.at(2).in_flight = false;
  q.Schedule(2, kT0 + 50);
  CHECK(q.NextDue(kT0 + 50) == 2);
  CHECK_FALSE(q.contains(1));
}

TEST_CASE("adding a job that is there keeps its state and makes it due", "[dispatch][queue]") {
  DeliveryQueue q;
  Job& j = q.Add(MakeJob(1), kT0 + 1000);
  j.attempts_total = 3;
  Job again = MakeJob(1);
  Job& same = q.Add(std::move(again), kT0);
  CHECK(&same == &j);
  CHECK(same.attempts_total == 3);
  CHECK(q.size() == 1);
  CHECK(q.NextDue(kT0) == 1);
}

TEST_CASE("a job counts its tries per channel and backend", "[dispatch][queue]") {
  Job j = MakeJob(1);
  CHECK(j.Tries(0, 0) == 0);
  ++j.Tries(0, 0);
  ++j.Tries(0, 0);
  ++j.Tries(0, 1);
  ++j.Tries(1, 0);
  CHECK(j.Tries(0, 0) == 2);
  CHECK(j.Tries(0, 1) == 1);
  CHECK(j.Tries(1, 0) == 1);
  CHECK(j.Tries(1, 1) == 0);
  CHECK(j.Tries(2, 0) == 0);
}
