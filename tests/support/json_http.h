// Plain HTTP for the console and JSON API tests: one request with any
// headers, the reply's headers kept; and a Server-Sent Events reader.
// Header-only; 127.0.0.1 only.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace muster::testing {

struct HttpResult {
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

inline HttpResult HttpRequest(int port, const std::string& method, const std::string& target,
                              const std::string& body = "", const Headers& headers = {}) {
  namespace http = boost::beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  // A reply that never comes fails the test instead of hanging it.
  timeval tv{30, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.insert(name, value);
  req.body() = body;
  req.prepare_payload();
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  if (method == "HEAD") parser.skip(true);
  http::read(socket, buffer, parser);
  auto& res = parser.get();
  HttpResult out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace(std::move(name), std::string(field.value()));
  }
  return out;
}

// POST of a JSON body (Content-Type: application/json).
inline HttpResult PostJson(int port, const std::string& target, const std::string& body,
                           Headers headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return HttpRequest(port, "POST", target, body, headers);
}

// A GET whose answer is read as it comes (Server-Sent Events): the head,
// then one event at a time. Reads wait at most `timeout` each.
class EventStream {
 public:
  EventStream(int port, const std::string& target, const Headers& headers,
              std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : socket_(io_) {
    socket_.connect(
        {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request += "\r\n";
    boost::asio::write(socket_, boost::asio::buffer(request));
    while (data_.find("\r\n\r\n") == std::string::npos && ReadMore()) {
    }
    size_t end = data_.find("\r\n\r\n");
    head_ = data_.substr(0, end == std::string::npos ? data_.size() : end + 4);
    data_ = end == std::string::npos ? "" : data_.substr(end + 4);
  }

  // "HTTP/1.1 200 OK\r\n..." with every header line.
  const std::string& head() const { return head_; }
  int status() const { return head_.size() > 12 ? std::stoi(head_.substr(9, 3)) : 0; }

  // The next event's text (its lines, without the blank line), "" at the
  // end of the stream or after the timeout.
  std::string NextEvent() {
    while (data_.find("\n\n") == std::string::npos) {
      if (!ReadMore()) return "";
    }
    size_t end = data_.find("\n\n");
    std::string event = data_.substr(0, end);
    data_ = data_.substr(end + 2);
    return event;
  }

  // True when the server has closed the stream (within the timeout).
  bool EndsWithin() {
    while (ReadMore()) {
    }
    return closed_;
  }

  void Close() {
    boost::system::error_code ec;
    socket_.close(ec);
  }

 private:
  bool ReadMore() {
    char buf[4096];
    boost::system::error_code ec;
    size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
    if (ec) {
      closed_ = ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
      return false;
    }
    data_.append(buf, n);
    return true;
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string head_, data_;
  bool closed_ = false;
};

}  // namespace muster::testing
