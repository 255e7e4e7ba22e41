#include "advx/data/dataset.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "advx/common/error.h"
#include "advx/common/hash.h"

namespace advx {

std::string fingerprint(const Dataset& data) {
  // The arrays' bytes (little-endian on every platform advx builds for), each prefixed by its length so
  // that moving a value from one array to the next changes the hash; hashed in place, not copied.
  StableHasher hasher;
  const auto add = [&hasher](const auto& v) {
    const std::uint64_t n = v.size();
    hasher.add({reinterpret_cast<const char*>(&n), sizeof(n)});
    hasher.add({reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0])});
  };
  add(data.user_ids);
  add(data.item_ids);
  add(data.interactions.row_ptr());
  add(data.interactions.col_idx());
  for (const auto& c : data.attributes.columns()) {
    add(c.name());
    if (c.is_categorical()) {
      for (const auto& label : c.labels()) add(label);
      add(c.codes());
    } else {
      add(c.values());
    }
  }
  return hex64(hasher.value());
}

double Dataset::density() const {
  if (users() == 0 || items() == 0) return 0.0;
  return static_cast<double>(interactions.nnz()) / (static_cast<double>(users()) * items());
}

namespace {

void check_options(const PreprocessOptions& o) {
  if (o.min_user < 1) throw InputError(fmt::format("min_user must be ≥ 1, got {}", o.min_user));
  if (o.min_item < 1) throw InputError(fmt::format("min_item must be ≥ 1, got {}", o.min_item));
}

std::int32_t index_of(const std::vector<std::int64_t>& sorted, std::int64_t id) {
  return static_cast<std::int32_t>(std::lower_bound(sorted.begin(), sorted.end(), id) - sorted.begin());
}

}  // namespace

Dataset preprocess(const RawDataset& raw, const PreprocessOptions& options) {
  check_options(options);
  std::vector<std::int64_t> item_ids = raw.rating_item;
  std::sort(item_ids.begin(), item_ids.end());
  item_ids.erase(std::unique(item_ids.begin(), item_ids.end()), item_ids.end());
  const auto n_users = static_cast<std::int32_t>(raw.user_ids.size());
  const auto n_items = static_cast<std::int32_t>(item_ids.size());

  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;
  pairs.reserve(raw.rating_value.size());
  for (std::size_t k = 0; k < raw.rating_value.size(); ++k) {
    if (raw.has_values && raw.rating_value[k] < options.min_rating) continue;
    pairs.emplace_back(index_of(raw.user_ids, raw.rating_user[k]), index_of(item_ids, raw.rating_item[k]));
  }
  PreprocessStats stats;
  stats.raw_users = n_users;
  stats.raw_items = n_items;
  stats.raw_ratings = static_cast<std::int64_t>(raw.rating_value.size());
  stats.kept_ratings = static_cast<std::int64_t>(pairs.size());
  CsrMatrix m = CsrMatrix::from_pairs(n_users, n_items, std::move(pairs));

  // Original indices of the current rows/columns of m.
  std::vector<std::int32_t> users(static_cast<std::size_t>(n_users)), items(static_cast<std::size_t>(n_items));
  std::iota(users.begin(), users.end(), 0);
  std::iota(items.begin(), items.end(), 0);
  for (;;) {
    ++stats.kcore_passes;
    const auto item_counts = m.col_counts();
    std::vector<std::int32_t> keep_rows;
    for (std::int32_t r = 0; r < m.rows(); ++r)
      if (m.row_nnz(r) >= options.min_user) keep_rows.push_back(r);
    std::vector<std::int32_t> col_map(item_counts.size(), -1);
    std::int32_t new_cols = 0;
    for (std::size_t c = 0; c < item_counts.size(); ++c)
      if (item_counts[c] >= options.min_item) col_map[c] = new_cols++;
    if (static_cast<std::int32_t>(keep_rows.size()) == m.rows() && new_cols == m.cols()) break;
    m = m.select(keep_rows, col_map, new_cols);
    std::vector<std::int32_t> next_users, next_items(static_cast<std::size_t>(new_cols));
    for (auto r : keep_rows) next_users.push_back(users[static_cast<std::size_t>(r)]);
    for (std::size_t c = 0; c < col_map.size(); ++c)
      if (col_map[c] >= 0) next_items[static_cast<std::size_t>(col_map[c])] = items[c];
    users = std::move(next_users);
    items = std::move(next_items);
  }

  if (m.rows() == 0 || m.cols() == 0)
    throw InputError(fmt::format(
        "{}: no users left after preprocessing: {}, then the k-core (data.min_user {}, data.min_item {}) kept none",
        raw.source,
        raw.has_values ? fmt::format("{} of {} ratings ≥ data.min_rating {}", stats.kept_ratings, stats.raw_ratings,
                                     options.min_rating)
                       : fmt::format("{} interactions (no ratings in the file: data.min_rating does not apply)",
                                     stats.raw_ratings),
        options.min_user, options.min_item));
  Dataset ds;
  ds.source = raw.source;
  ds.interactions = std::move(m);
  for (auto u : users) ds.user_ids.push_back(raw.user_ids[static_cast<std::size_t>(u)]);
  for (auto i : items) ds.item_ids.push_back(item_ids[static_cast<std::size_t>(i)]);
  ds.attributes = raw.attributes.select(users);
  ds.preprocessing = options;
  ds.stats = stats;
  return ds;
}

}  // namespace advx
