#include "notify/address_policy.h"

#include <catch2/catch.hpp>

using namespace muster::notify;
using boost::asio::ip::make_address;

TEST_CASE("internal addresses are named by kind and public ones are not") {
  struct Case {
    const char* address;
    const char* kind;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"127.0.0.1", "loopback"},
           {"127.255.0.9", "loopback"},
           {"::1", "loopback"},
           {"169.254.169.254", "link-local"},
           {"fe80::1", "link-local"},
           {"10.1.2.3", "private"},
           {"172.16.0.1", "private"},
           {"172.31.255.255", "private"},
           {"192.168.1.1", "private"},
           {"fd00:ec2::254", "unique-local"},
           {"100.64.0.1", "shared (CGNAT)"},
           {"0.0.0.0", "unspecified"},
           {"::", "unspecified"},
           {"224.0.0.1", "multicast"},
           {"255.255.255.255", "reserved"},
           {"::ffff:127.0.0.1", "loopback"},
           {"::ffff:169.254.169.254", "link-local"},
           {"64:ff9b::a00:1", "private"},
           {"64:ff9b:1::808:808", "NAT64 local-use"},
           {"::127.0.0.1", "loopback"},
           {"::10.0.0.1", "private"},
           {"2002:7f00:1::1", "loopback"},
           {"2002:a9fe:a9fe::", "link-local"},
           {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
           {"2001:db8::1", "documentation"},
           {"100::1", "discard-only"},
           {"192.0.2.7", "documentation"},
           {"203.0.113.9", "documentation"},
           {"::0.0.0.1", "loopback"},
           {"2002:808:808::1", ""},
           {"::2", "IPv4-compatible"},
           {"::ff", "IPv4-compatible"},
           {"::ffff:0:a00:1", "private"},
           {"2001:2::1", "benchmarking"},
           {"3fff::1", "documentation"},
           {"5f00::1", "SRv6 SID"},
           {"192.88.99.1", "6to4 relay"},
           {"::8.8.8.8", ""},
           {"8.8.8.8", ""},
           {"172.32.0.1", ""},
           {"2001:4860:4860::8888", ""},
           {"::ffff:8.8.8.8", ""},
       }) {
    INFO(c.address);
    CHECK(InternalAddressKind(make_address(c.address)) == c.kind);
  }
}

TEST_CASE("address policies: all allowed, or public only plus an allow-list") {
  CHECK(AddressPolicy::AllowAll().Refusal(make_address("127.0.0.1")).empty());
  auto strict = AddressPolicy::PublicOnly({});
  CHECK(strict.Refusal(make_address("127.0.0.1")) == "127.0.0.1 is a loopback address");
  CHECK(strict.Refusal(make_address("93.184.216.34")).empty());
  auto n = ParseNetwork("10.20.0.0/16");
  REQUIRE(n.ok());
  auto some = AddressPolicy::PublicOnly({*n});
  CHECK(some.Refusal(make_address("10.20.3.4")).empty());
  CHECK(some.Refusal(make_address("::ffff:10.20.3.4")).empty());
  // A 6to4 or IPv4-compatible address carrying an allowed IPv4 one is another
  // host (6to4: a whole /48 behind it): not allowed by the IPv4 entry.
  CHECK_FALSE(some.Refusal(make_address("2002:a14:304::beef")).empty());
  CHECK_FALSE(some.Refusal(make_address("::10.20.3.4")).empty());
  CHECK_FALSE(some.Refusal(make_address("10.21.3.4")).empty());
  CHECK_FALSE(some.Refusal(make_address("127.0.0.1")).empty());
}

TEST_CASE("networks parse as ADDRESS[/PREFIX]") {
  auto host = ParseNetwork("::1");
  REQUIRE(host.ok());
  CHECK(host->prefix == 128);
  auto v4 = ParseNetwork("192.168.0.0/16");
  REQUIRE(v4.ok());
  CHECK(v4->Contains(make_address("192.168.44.1")));
  CHECK_FALSE(v4->Contains(make_address("192.169.0.1")));
  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/33", "fd00::/129", "10.0.0.0/-1", "x/8",
                          "10.0.0.0/8x", "localhost"}) {
    INFO(bad);
    CHECK_FALSE(ParseNetwork(bad).ok());
  }
}
