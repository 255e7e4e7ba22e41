#pragma once
// A stable 64-bit content hash (FNV-1a followed by a SplitMix64 finaliser). Used for identities that
// must never change between versions, platforms or runs: trial ids, sweep identities, seeds.

#include <cstdint>
#include <string>
#include <string_view>

namespace advx {

[[nodiscard]] std::uint64_t stable_hash(std::string_view text);
/// 16 lower-case hex digits.
[[nodiscard]] std::string hex64(std::uint64_t value);

}  // namespace advx
