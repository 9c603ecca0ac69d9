// EventHub's callback for watchers that hold no thread: called once per
// queued event and at the end, never after Unsubscribe returns.
#include "dispatch/event_hub.h"

#include <catch2/catch.hpp>
#include <chrono>

using namespace muster;
using dispatch::DispatchEvent;
using dispatch::EventHub;
using Poll = EventHub::Subscription::Poll;

namespace {

DispatchEvent Event(int64_t activation, int wave) {
  DispatchEvent e;
  e.kind = DispatchEvent::Kind::kWave;
  e.activation_id = activation;
  e.wave = wave;
  return e;
}

}  // namespace

TEST_CASE("event hub: the subscription callback wakes a watcher that polls", "[dispatch]") {
  EventHub hub(2);
  int calls = 0;
  auto sub = hub.Subscribe(7, [&] { ++calls; });
  auto other = hub.Subscribe(8, [&] { FAIL("a different activation's watcher was called"); });
  DispatchEvent out;
  CHECK(sub->Next(out, std::chrono::milliseconds(0)) == Poll::kTimeout);

  hub.Publish(Event(7, 1));
  CHECK(calls == 1);
  REQUIRE(sub->Next(out, std::chrono::milliseconds(0)) == Poll::kEvent);
  CHECK(out.wave == 1);

  // Past the buffer: still called, and the watcher is told to resynchronise.
  hub.Publish(Event(7, 2));
  hub.Publish(Event(7, 3));
  hub.Publish(Event(7, 4));
  CHECK(calls == 4);
  CHECK(sub->Next(out, std::chrono::milliseconds(0)) == Poll::kResync);

  hub.End(7);
  CHECK(calls == 5);
  CHECK(sub->Next(out, std::chrono::milliseconds(0)) == Poll::kEnded);

  hub.Unsubscribe(8, other);
  hub.Unsubscribe(7, sub);
  hub.Publish(Event(7, 5));
  hub.End(7);
  CHECK(calls == 5);
}
