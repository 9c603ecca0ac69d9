// Helpers for end-to-end dispatch tests: wait for an activation to reach a
// state through musterctl, count call-outs by state, and make plain HTTP
// requests to musterd's answer endpoint.
#pragma once

#include <utility>  // before Boost's headers (std::exchange)

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "support/musterctl.h"

namespace muster::testing {

// Polls `activation show` until pred holds; fails the test after `seconds`.
inline nlohmann::json WaitForActivation(const Ctl& ctl, const std::string& id,
                                        const std::function<bool(const nlohmann::json&)>& pred,
                                        int seconds = 30) {
  nlohmann::json a;
  for (int i = 0; i < seconds * 20; ++i) {
    a = ctl.Json({"activation", "show", id});
    if (pred(a)) return a;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  INFO(a.dump(1).substr(0, 4000));
  FAIL("condition not reached in " << seconds << " s");
  return a;
}

// Call-outs of an activation (JSON as printed by musterctl) in a state,
// e.g. "CALLOUT_DELIVERED".
inline int CountState(const nlohmann::json& activation, const std::string& state) {
  int n = 0;
  for (const auto& c : activation["candidates"]) n += c.value("state", "") == state;
  return n;
}

struct HttpReply {
  int status = 0;
  std::string body;
};

// One HTTP/1.1 request to 127.0.0.1:port (GET unless method is "POST").
inline HttpReply Http(int port, const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& content_type = "") {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::asio::ip::tcp::resolver resolver(io);
  boost::asio::connect(socket, resolver.resolve("127.0.0.1", std::to_string(port)));
  http::request<http::string_body> req(method == "POST" ? http::verb::post : http::verb::get,
                                       target, 11);
  req.set(http::field::host, "127.0.0.1");
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  req.body() = body;
  req.prepare_payload();
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  return {static_cast<int>(res.result_int()), res.body()};
}

}  // namespace muster::testing
