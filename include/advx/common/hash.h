#pragma once
// A stable 64-bit content hash (FNV-1a followed by a SplitMix64 finaliser). Used for identities that
// must never change between versions, platforms or runs: trial ids, sweep identities, seeds.

#include <cstdint>
#include <string>
#include <string_view>

namespace advx {

[[nodiscard]] std::uint64_t stable_hash(std::string_view text);

/// stable_hash() fed in pieces, for content too large to copy into one string first: the value of the
/// pieces' concatenation, e.g. StableHasher().add("ab").add("c").value() == stable_hash("abc").
class StableHasher {
 public:
  StableHasher& add(std::string_view bytes);
  [[nodiscard]] std::uint64_t value() const;

 private:
  std::uint64_t h_ = 0xCBF29CE484222325ULL;  // FNV-1a offset basis
};
/// 16 lower-case hex digits.
[[nodiscard]] std::string hex64(std::uint64_t value);

}  // namespace advx
