// A small synchronous Beast HTTP client for the HTTP server tests: one
// connection, several requests, every operation bounded by a 20 s timeout.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <string>

namespace muster::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpTestClient {
 public:
  explicit HttpTestClient(int port) : stream_(io_) {
    stream_.expires_after(std::chrono::seconds(20));
    stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                   static_cast<unsigned short>(port)));
  }

  // Sends one request and reads the reply; throws on a network error (e.g.
  // the server closed the connection).
  HttpReply Send(const std::string& method, const std::string& target, const std::string& body = "",
                 const std::string& content_type = "", bool keep_alive = true) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    if (req.method() == http::verb::unknown) req.method_string(method);
    req.set(http::field::host, "127.0.0.1");
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.keep_alive(keep_alive);
    req.body() = body;
    if (!body.empty() || method == "POST" || method == "PUT") req.prepare_payload();
    stream_.expires_after(std::chrono::seconds(20));
    http::write(stream_, req);
    return Read(method == "HEAD");
  }

  HttpReply Read(bool head = false) {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.skip(head);
    parser.body_limit(16 * 1024 * 1024);
    stream_.expires_after(std::chrono::seconds(20));
    http::read(stream_, buffer_, parser);
    auto& res = parser.get();
    HttpReply reply;
    reply.status = res.result_int();
    reply.body = res.body();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = std::string(f.value());
    }
    return reply;
  }

  // Writes raw bytes (for malformed or partial requests).
  void WriteRaw(const std::string& bytes) {
    stream_.expires_after(std::chrono::seconds(20));
    boost::asio::write(stream_, boost::asio::buffer(bytes));
  }

  // Reads until the server closes the connection (true) or 20 s pass
  // (false); any bytes read are returned in `data`.
  bool ReadUntilClosed(std::string* data = nullptr) {
    stream_.expires_after(std::chrono::seconds(20));
    char buf[4096];
    for (;;) {
      boost::beast::error_code ec;
      size_t n = stream_.read_some(boost::asio::buffer(buf), ec);
      if (data != nullptr) data->append(buf, n);
      if (ec == boost::beast::error::timeout) return false;
      if (ec) return true;  // eof or reset
    }
  }

 private:
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace muster::testing
