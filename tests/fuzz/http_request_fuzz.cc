// Fuzz target: HTTP request handling in daemon/http (http_server.h): the
// request target split into path and query (ParseTarget, as the server does
// it for every request), percent-decoding (DecodePath), form and query
// decoding (ParseFormUrlEncoded), and the address helpers applied to
// connections (ClientKey, IsLoopbackListen).
//
// Even first byte: the rest is a raw request, parsed by Boost.Beast with the
// server's limits, whose target then goes through ParseTarget. Odd: the rest
// is given to each function directly. Properties:
// - a decoded path, percent-encoded byte by byte, decodes back to itself;
// - a decoded form, encoded again, decodes to the same fields;
// - ParseTarget accepts exactly the targets whose path starts with '/' and
//   decodes, and its query is the form decoding of the text after '?';
// - ClientKey is idempotent (a key is its own key).
#include <boost/beast/http.hpp>

#include <cstdint>
#include <map>
#include <string>

#include "fuzz/fuzz_check.h"
#include "http/http_server.h"

namespace {

namespace bhttp = boost::beast::http;
using namespace muster::http;

std::string PercentEncodeAll(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

std::string EncodeForm(const std::map<std::string, std::string>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += PercentEncodeAll(name) + "=" + PercentEncodeAll(value);
  }
  return out;
}

void CheckTarget(std::string_view target) {
  std::string path;
  std::map<std::string, std::string> query;
  bool ok = ParseTarget(target, &path, &query);
  std::string_view raw_path = target.substr(0, target.find('?'));
  std::string decoded;
  bool path_ok = !raw_path.empty() && raw_path[0] == '/' && DecodePath(raw_path, &decoded);
  FUZZ_CHECK(ok == path_ok, "a target is accepted when its path is");
  if (!ok) return;
  FUZZ_CHECK(path == decoded, "the path is the decoded path");
  size_t q = target.find('?');
  FUZZ_CHECK(query == (q == std::string_view::npos ? std::map<std::string, std::string>()
                                                   : ParseFormUrlEncoded(target.substr(q + 1))),
             "the query is the form decoding of the text after '?'");
}

void CheckText(std::string_view text) {
  std::string path;
  if (DecodePath(text, &path)) {
    std::string back;
    FUZZ_CHECK(DecodePath(PercentEncodeAll(path), &back) && back == path,
               "an encoded path decodes back");
  }
  auto form = ParseFormUrlEncoded(text);
  FUZZ_CHECK(ParseFormUrlEncoded(EncodeForm(form)) == form, "an encoded form decodes back");
  CheckTarget(text);
  std::string key = ClientKey(text);
  FUZZ_CHECK(ClientKey(key) == key, "a client key is its own key");
  (void)IsLoopbackListen(text);
}

void CheckRawRequest(std::string_view bytes) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024);
  parser.header_limit(16 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec || !parser.is_header_done()) return;
  const auto& req = parser.get();
  CheckTarget(std::string_view(req.target().data(), req.target().size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  std::string_view rest = muster::fuzz::AsText(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    CheckRawRequest(rest);
  } else {
    CheckText(rest);
  }
  return 0;
}
