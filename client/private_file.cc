#include "private_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace muster::client {

bool OpenPrivateFile(const std::string& path, std::ofstream& stream) {
  // Remove first: O_CREAT keeps the mode of a file that already exists (a
  // stale .part left by a killed run, created under another umask).
  if (std::remove(path.c_str()) != 0 && errno != ENOENT) return false;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return false;
  ::close(fd);
  // The stream reopens the file just made; truncating keeps its inode, so
  // its mode too.
  stream.open(path, std::ios::binary | std::ios::trunc);
  return static_cast<bool>(stream);
}

}  // namespace muster::client
