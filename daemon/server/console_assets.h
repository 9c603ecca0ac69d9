// The planner console's own files (console/ in the source tree), compiled
// into musterd at build time (CMakeLists.txt generates the table), so the
// page is always the one that matches the daemon and nothing needs
// installing beside the binary.
#pragma once

#include <span>
#include <string_view>

namespace muster {

struct ConsoleAsset {
  std::string_view path;  // relative to console/, e.g. "index.html", "app.js"
  std::string_view body;
};

std::span<const ConsoleAsset> ConsoleAssets();

// "text/javascript; charset=utf-8" for "app.js", by the name's extension;
// "application/octet-stream" for an unknown one.
std::string_view ContentTypeOf(std::string_view path);

}  // namespace muster
