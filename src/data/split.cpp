#include "advx/data/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "advx/common/error.h"
#include "advx/common/rng.h"

namespace advx {

namespace {

void check_options(const SplitOptions& o) {
  if (o.folds < 3) throw InputError(fmt::format("split.folds must be ≥ 3 (train, val and test blocks), got {}", o.folds));
  if (o.fold < 0 || o.fold >= o.folds)
    throw InputError(fmt::format("split.fold must be in 0..{}, got {}", o.folds - 1, o.fold));
  if (!(o.foldin > 0.0 && o.foldin < 1.0))
    throw InputError(fmt::format("split.foldin must be strictly between 0 and 1, got {}", o.foldin));
}

// Stream tags so that the block permutation and the fold-in draws never share random numbers.
constexpr std::uint64_t kBlockStream = 0x626C6F636B73ULL;   // "blocks"
constexpr std::uint64_t kFoldInStream = 0x666F6C64696EULL;  // "foldin"

HeldOutSplit split_block(const Dataset& data, const std::vector<std::int32_t>& block,
                         const std::vector<std::int32_t>& col_map, std::int32_t n_cols, double foldin,
                         std::uint64_t seed, std::int32_t& dropped) {
  const CsrMatrix rows = data.interactions.select(block, col_map, n_cols);
  const auto n = rows.nnz();
  // sklearn's train_test_split(test_size = 1 − foldin): n_test = ceil(test_size · n).
  const auto n_heldout = static_cast<std::int64_t>(std::ceil((1.0 - foldin) * static_cast<double>(n)));
  std::vector<std::int64_t> perm(static_cast<std::size_t>(n));
  std::iota(perm.begin(), perm.end(), 0);
  Rng rng(seed);
  rng.shuffle(std::span<std::int64_t>(perm));
  std::vector<char> is_heldout(static_cast<std::size_t>(n), 0);
  for (std::int64_t k = 0; k < n_heldout; ++k) is_heldout[static_cast<std::size_t>(perm[static_cast<std::size_t>(k)])] = 1;

  HeldOutSplit out;
  std::vector<std::int64_t> fi_ptr{0}, ho_ptr{0};
  std::vector<std::int32_t> fi_idx, ho_idx;
  const auto& ptr = rows.row_ptr();
  const auto& idx = rows.col_idx();
  for (std::int32_t r = 0; r < rows.rows(); ++r) {
    std::int64_t nf = 0, nh = 0;
    for (auto k = ptr[r]; k < ptr[r + 1]; ++k) (is_heldout[static_cast<std::size_t>(k)] ? nh : nf)++;
    if (nf == 0 || nh == 0) {
      ++dropped;
      continue;
    }
    for (auto k = ptr[r]; k < ptr[r + 1]; ++k)
      (is_heldout[static_cast<std::size_t>(k)] ? ho_idx : fi_idx).push_back(idx[static_cast<std::size_t>(k)]);
    fi_ptr.push_back(static_cast<std::int64_t>(fi_idx.size()));
    ho_ptr.push_back(static_cast<std::int64_t>(ho_idx.size()));
    out.users.push_back(block[static_cast<std::size_t>(r)]);
  }
  const auto kept = static_cast<std::int32_t>(out.users.size());
  out.foldin = CsrMatrix(kept, n_cols, std::move(fi_ptr), std::move(fi_idx));
  out.heldout = CsrMatrix(kept, n_cols, std::move(ho_ptr), std::move(ho_idx));
  return out;
}

}  // namespace

std::vector<std::vector<std::int32_t>> user_blocks(std::int32_t n_users, const SplitOptions& options) {
  check_options(options);
  if (n_users < options.folds)
    throw InputError(fmt::format("split.folds: cannot split {} users into {} folds", n_users, options.folds));
  std::vector<std::int32_t> perm(static_cast<std::size_t>(n_users));
  std::iota(perm.begin(), perm.end(), 0);
  Rng rng(mix_seed(options.seed, kBlockStream));
  rng.shuffle(std::span<std::int32_t>(perm));
  std::vector<std::vector<std::int32_t>> blocks(static_cast<std::size_t>(options.folds));
  std::size_t start = 0;
  for (std::int32_t b = 0; b < options.folds; ++b) {
    const auto size = static_cast<std::size_t>(n_users / options.folds + (b < n_users % options.folds ? 1 : 0));
    blocks[static_cast<std::size_t>(b)].assign(perm.begin() + static_cast<std::ptrdiff_t>(start),
                                               perm.begin() + static_cast<std::ptrdiff_t>(start + size));
    std::sort(blocks[static_cast<std::size_t>(b)].begin(), blocks[static_cast<std::size_t>(b)].end());
    start += size;
  }
  return blocks;
}

FoldSplit make_fold_split(const Dataset& data, const SplitOptions& options) {
  const auto blocks = user_blocks(data.users(), options);
  const auto k = options.folds;
  auto block = [&](std::int32_t offset) -> const std::vector<std::int32_t>& {
    return blocks[static_cast<std::size_t>((options.fold + offset) % k)];
  };

  FoldSplit split;
  split.fold = options.fold;
  for (std::int32_t b = 0; b < k - 2; ++b) split.train_users.insert(split.train_users.end(), block(b).begin(), block(b).end());
  std::sort(split.train_users.begin(), split.train_users.end());

  // Items some training user has; all others leave every split of this fold (REFERENCE Q11).
  std::vector<char> seen(static_cast<std::size_t>(data.items()), 0);
  for (auto u : split.train_users)
    for (auto i : data.interactions.row(u)) seen[static_cast<std::size_t>(i)] = 1;
  std::vector<std::int32_t> col_map(static_cast<std::size_t>(data.items()), -1);
  for (std::int32_t i = 0; i < data.items(); ++i)
    if (seen[static_cast<std::size_t>(i)]) {
      col_map[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(split.items.size());
      split.items.push_back(i);
    }
  const auto n_cols = static_cast<std::int32_t>(split.items.size());
  split.dropped_items = data.items() - n_cols;
  split.train = data.interactions.select(split.train_users, col_map, n_cols);

  const std::uint64_t fold_seed = mix_seed(mix_seed(options.seed, kFoldInStream), static_cast<std::uint64_t>(options.fold));
  split.val = split_block(data, block(k - 2), col_map, n_cols, options.foldin, mix_seed(fold_seed, 1),
                          split.dropped_val_users);
  split.test = split_block(data, block(k - 1), col_map, n_cols, options.foldin, mix_seed(fold_seed, 2),
                           split.dropped_test_users);
  return split;
}

}  // namespace advx
