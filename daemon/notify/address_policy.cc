#include "notify/address_policy.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace muster::notify {
namespace {

using boost::asio::ip::address;
using boost::asio::ip::address_v4;
using boost::asio::ip::address_v6;

struct Block {
  const char* base;
  int prefix;
  const char* kind;
};

// IPv4 blocks that are not the public internet (RFC 6890 and friends).
constexpr Block kV4[] = {
    {"0.0.0.0", 8, "unspecified"},         {"10.0.0.0", 8, "private"},
    {"100.64.0.0", 10, "shared (CGNAT)"},  {"127.0.0.0", 8, "loopback"},
    {"169.254.0.0", 16, "link-local"},     {"172.16.0.0", 12, "private"},
    {"192.0.0.0", 24, "IETF protocol"},    {"192.168.0.0", 16, "private"},
    {"198.18.0.0", 15, "benchmarking"},    {"224.0.0.0", 4, "multicast"},
    {"240.0.0.0", 4, "reserved"},          {"192.0.2.0", 24, "documentation"},
    {"198.51.100.0", 24, "documentation"}, {"203.0.113.0", 24, "documentation"},
    {"192.88.99.0", 24, "6to4 relay"},
};

// IPv6 blocks likewise; addresses that carry an IPv4 one (mapped, NAT64,
// SIIT, IPv4-compatible, 6to4) are unwrapped first. Teredo (2001::/32) hides its
// client's IPv4 address and the local-use NAT64 prefix (RFC 8215) maps into
// networks of its operator's choosing, so both are refused as a whole.
constexpr Block kV6[] = {
    {"::", 128, "unspecified"},
    {"::1", 128, "loopback"},
    {"fc00::", 7, "unique-local"},
    {"fe80::", 10, "link-local"},
    {"fec0::", 10, "site-local"},
    {"ff00::", 8, "multicast"},
    {"64:ff9b:1::", 48, "NAT64 local-use"},
    {"2001::", 32, "Teredo"},
    {"2001:db8::", 32, "documentation"},
    {"100::", 64, "discard-only"},
    {"2001:2::", 48, "benchmarking"},
    {"3fff::", 20, "documentation"},
    {"5f00::", 16, "SRv6 SID"},
    {"::", 96, "IPv4-compatible"},
};

bool PrefixMatch(const unsigned char* a, const unsigned char* b, int bits) {
  int full = bits / 8;
  for (int i = 0; i < full; ++i) {
    if (a[i] != b[i]) return false;
  }
  int rest = bits % 8;
  if (rest == 0) return true;
  unsigned char mask = static_cast<unsigned char>(0xFF << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

// The IPv4 address an IPv6 one stands for: ::ffff:a.b.c.d (mapped),
// 64:ff9b::a.b.c.d (NAT64), ::ffff:0:a.b.c.d (SIIT), ::a.b.c.d
// (IPv4-compatible, deprecated but still routed by some stacks) and
// 2002:aabb:ccdd::/48 (6to4). For naming internal addresses; an allow-list
// uses SameHostV4.
bool EmbeddedV4(const address_v6& a, address_v4* out) {
  if (a.is_v4_mapped()) {
    *out = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a);
    return true;
  }
  auto b = a.to_bytes();
  static constexpr std::array<unsigned char, 12> kNat64 = {0, 0x64, 0xff, 0x9b, 0, 0,
                                                           0, 0,    0,    0,    0, 0};
  static constexpr std::array<unsigned char, 12> kCompatible = {};
  static constexpr std::array<unsigned char, 12> kSiit = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
  if (std::equal(kNat64.begin(), kNat64.end(), b.begin()) ||
      std::equal(kSiit.begin(), kSiit.end(), b.begin())) {
    *out = address_v4(address_v4::bytes_type{b[12], b[13], b[14], b[15]});
    return true;
  }
  // ::/128 and ::1 are named by the IPv6 table, not as 0.0.0.0/0.0.0.1.
  if (std::equal(kCompatible.begin(), kCompatible.end(), b.begin()) &&
      (b[12] | b[13] | b[14]) != 0) {
    *out = address_v4(address_v4::bytes_type{b[12], b[13], b[14], b[15]});
    return true;
  }
  if (b[0] == 0x20 && b[1] == 0x02) {
    *out = address_v4(address_v4::bytes_type{b[2], b[3], b[4], b[5]});
    return true;
  }
  return false;
}

// The IPv4 host an IPv6 address reaches by translation (mapped, NAT64,
// SIIT): an allow-list entry for the IPv4 address covers these, and not the
// 6to4 or IPv4-compatible forms, which name other hosts (6to4: a whole /48).
bool SameHostV4(const address_v6& a, address_v4* out) {
  auto b = a.to_bytes();
  const bool compatible_or_6to4 =
      (b[0] == 0x20 && b[1] == 0x02) ||
      std::all_of(b.begin(), b.begin() + 12, [](unsigned char x) { return x == 0; });
  return !compatible_or_6to4 && EmbeddedV4(a, out);
}

}  // namespace

bool Network::Contains(const address& a) const {
  if (a.is_v4() != base.is_v4()) {
    // An allow-list written in IPv4 also covers the same address mapped into IPv6.
    address_v4 inner;
    if (a.is_v6() && base.is_v4() && SameHostV4(a.to_v6(), &inner)) {
      return Network{base, prefix}.Contains(inner);
    }
    return false;
  }
  if (a.is_v4()) {
    auto x = a.to_v4().to_bytes(), y = base.to_v4().to_bytes();
    return PrefixMatch(x.data(), y.data(), prefix);
  }
  auto x = a.to_v6().to_bytes(), y = base.to_v6().to_bytes();
  return PrefixMatch(x.data(), y.data(), prefix);
}

Result<Network> ParseNetwork(const std::string& text) {
  size_t slash = text.find('/');
  boost::system::error_code ec;
  address base = boost::asio::ip::make_address(text.substr(0, slash), ec);
  if (ec) {
    return Status::InvalidArgument(
        "", "expected an address or ADDRESS/PREFIX (e.g. 10.0.0.0/8), got \"" + text + "\"");
  }
  const int max = base.is_v4() ? 32 : 128;
  int prefix = max;
  if (slash != std::string::npos) {
    const char* begin = text.data() + slash + 1;
    const char* end = text.data() + text.size();
    auto r = std::from_chars(begin, end, prefix);
    if (begin == end || r.ec != std::errc() || r.ptr != end || prefix < 0 || prefix > max) {
      return Status::InvalidArgument(
          "", "bad prefix length in \"" + text + "\" (0.." + std::to_string(max) + ")");
    }
  }
  return Network{base, prefix};
}

std::string InternalAddressKind(const address& a) {
  if (a.is_v6()) {
    address_v4 inner;
    if (EmbeddedV4(a.to_v6(), &inner)) return InternalAddressKind(address(inner));
  }
  const Block* begin = a.is_v4() ? std::begin(kV4) : std::begin(kV6);
  const Block* end = a.is_v4() ? std::end(kV4) : std::end(kV6);
  for (const Block* b = begin; b != end; ++b) {
    Network n{boost::asio::ip::make_address(b->base), b->prefix};
    if (n.Contains(a)) return b->kind;
  }
  if (a.is_v4() && a.to_v4() == address_v4::broadcast()) return "broadcast";
  return "";
}

std::string AddressPolicy::Refusal(const address& a) const {
  if (!public_only_) return "";
  std::string kind = InternalAddressKind(a);
  if (kind.empty()) return "";
  for (const Network& n : allowed_) {
    if (n.Contains(a)) return "";
  }
  return a.to_string() + " is a " + kind + " address";
}

}  // namespace muster::notify
