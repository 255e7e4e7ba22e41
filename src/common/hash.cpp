#include "advx/common/hash.h"

#include <fmt/format.h>

#include "advx/common/rng.h"

namespace advx {

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  // FNV-1a alone mixes the last bytes weakly; the finaliser spreads them over all bits.
  std::uint64_t state = h;
  return splitmix64(state);
}

std::string hex64(std::uint64_t value) { return fmt::format("{:016x}", value); }

}  // namespace advx
