// AddressPolicy: which IP addresses an outbound HTTP request may connect to.
// Webhook targets can be anybody's (each reservist's own address), so by
// default they may not reach this machine or the networks behind it:
// loopback, link-local (cloud metadata at 169.254.169.254 included),
// private and unique-local ranges (fd00:ec2::254 included), carrier-grade
// NAT, unspecified, multicast and reserved addresses are refused unless an
// operator lists them in an allow-list ("allow_networks"). The check is on
// the addresses a name resolves to, at connect time, so a name that
// resolves to 127.0.0.1 is refused like the literal.
// Immutable after construction; thread-safe.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <string>
#include <vector>

#include "core/status.h"

namespace muster::notify {

// An address block, "10.0.0.0/8" or "fd00::/8" (a bare address = one host).
struct Network {
  boost::asio::ip::address base;
  int prefix = 0;
  bool Contains(const boost::asio::ip::address& a) const;
};

// Parses "ADDRESS[/PREFIX]"; InvalidArgument (empty field) naming the problem.
Result<Network> ParseNetwork(const std::string& text);

// What kind of internal address `a` is ("loopback", "link-local", "private",
// ...), or "" for a public one. IPv4-mapped and NAT64 IPv6 addresses are
// judged by the IPv4 address they carry.
std::string InternalAddressKind(const boost::asio::ip::address& a);

class AddressPolicy {
 public:
  // Every address allowed (the SMS gateway, whose URL only the operator sets).
  static AddressPolicy AllowAll() { return AddressPolicy(false, {}); }
  // Internal addresses refused, except those inside `allowed`.
  static AddressPolicy PublicOnly(std::vector<Network> allowed) {
    return AddressPolicy(true, std::move(allowed));
  }

  // "" if `a` may be connected to, else why not, e.g. "127.0.0.1 is a
  // loopback address".
  std::string Refusal(const boost::asio::ip::address& a) const;

 private:
  AddressPolicy(bool public_only, std::vector<Network> allowed)
      : public_only_(public_only), allowed_(std::move(allowed)) {}
  bool public_only_;
  std::vector<Network> allowed_;
};

}  // namespace muster::notify
