#include "notify/shared_notifier.h"

namespace muster::notify {

Status ConfigureTlsClient(boost::asio::ssl::context& ctx, const std::string& ca_file, bool verify) {
  namespace ssl = boost::asio::ssl;
  boost::system::error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (ca_file.empty()) {
    ctx.set_default_verify_paths(ec);  // a missing system store only fails verification later
  } else if (ctx.load_verify_file(ca_file, ec); ec) {
    return Status::InvalidArgument("ca_file", "cannot load " + ca_file + ": " + ec.message());
  }
  ctx.set_verify_mode(verify ? ssl::verify_peer : ssl::verify_none);
  return Status::Ok();
}

}  // namespace muster::notify
