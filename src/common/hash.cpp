#include "advx/common/hash.h"

#include <fmt/format.h>

#include "advx/common/rng.h"

namespace advx {

StableHasher& StableHasher::add(std::string_view bytes) {
  for (unsigned char c : bytes) {
    h_ ^= c;
    h_ *= 0x100000001B3ULL;
  }
  return *this;
}

std::uint64_t StableHasher::value() const {
  // FNV-1a alone mixes the last bytes weakly; the finaliser spreads them over all bits.
  std::uint64_t state = h_;
  return splitmix64(state);
}

std::uint64_t stable_hash(std::string_view text) { return StableHasher().add(text).value(); }

std::string hex64(std::uint64_t value) { return fmt::format("{:016x}", value); }

}  // namespace advx
