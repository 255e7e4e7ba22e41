#include "advx/data/readers.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>

#include <fmt/format.h>

#include "advx/common/error.h"
#include "text_file.h"

namespace advx {

using detail::TextFile;

DataFormat parse_data_format(std::string_view name) {
  if (name == "movielens-1m") return DataFormat::kMovieLens1M;
  if (name == "movielens-100k") return DataFormat::kMovieLens100K;
  if (name == "csv") return DataFormat::kCsv;
  throw InputError(fmt::format("unknown data format '{}' (expected movielens-1m, movielens-100k or csv)", name));
}

std::string_view to_string(DataFormat format) {
  switch (format) {
    case DataFormat::kMovieLens1M: return "movielens-1m";
    case DataFormat::kMovieLens100K: return "movielens-100k";
    case DataFormat::kCsv: return "csv";
  }
  return "?";
}

namespace {

/// Collects users (with their attribute cells) and ratings with the line each came from, then checks
/// the cross-file rules every reader shares and produces the RawDataset.
class RawBuilder {
 public:
  RawBuilder(std::string users_path, std::string ratings_path, std::vector<std::string> attribute_names)
      : users_path_(std::move(users_path)), ratings_path_(std::move(ratings_path)),
        names_(std::move(attribute_names)), cells_(names_.size()) {}

  void add_user(std::int64_t id, long line, const std::vector<std::string>& cells) {
    user_ids_.push_back(id);
    user_lines_.push_back(line);
    for (std::size_t a = 0; a < names_.size(); ++a) cells_[a].push_back(cells[a]);
  }
  void add_rating(std::int64_t user, std::int64_t item, float value, long line) {
    raw_.rating_user.push_back(user);
    raw_.rating_item.push_back(item);
    raw_.rating_value.push_back(value);
    rating_lines_.push_back(line);
  }
  /// `numeric[a]`: parse attribute a as a continuous column (cells already validated as numbers or
  /// empty); otherwise categorical.
  RawDataset finish(std::string source, const std::vector<bool>& numeric) {
    raw_.source = std::move(source);
    const std::string users_file = std::filesystem::path(users_path_).filename().string();
    const std::string ratings_file = std::filesystem::path(ratings_path_).filename().string();
    if (user_ids_.empty()) throw input_error_at(users_path_, 0, "no user rows after the header");
    if (rating_lines_.empty()) throw input_error_at(ratings_path_, 0, "no rating rows after the header");

    // Users sorted by id; a repeated id is an error naming both lines.
    std::vector<std::size_t> order(user_ids_.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return user_ids_[a] < user_ids_[b]; });
    for (std::size_t k = 1; k < order.size(); ++k)
      if (user_ids_[order[k]] == user_ids_[order[k - 1]])
        throw input_error_at(users_path_, user_lines_[order[k]],
                             fmt::format("user {} appears twice (first at line {})", user_ids_[order[k]],
                                         user_lines_[order[k - 1]]));
    for (auto k : order) raw_.user_ids.push_back(user_ids_[k]);

    // Ratings: no duplicate (user, item), every rated user known, every known user rated.
    std::vector<std::size_t> ro(rating_lines_.size());
    std::iota(ro.begin(), ro.end(), 0);
    std::stable_sort(ro.begin(), ro.end(), [&](auto a, auto b) {
      return std::pair(raw_.rating_user[a], raw_.rating_item[a]) < std::pair(raw_.rating_user[b], raw_.rating_item[b]);
    });
    std::vector<bool> rated(raw_.user_ids.size(), false);
    for (std::size_t k = 0; k < ro.size(); ++k) {
      const auto i = ro[k];
      if (k > 0 && raw_.rating_user[i] == raw_.rating_user[ro[k - 1]] && raw_.rating_item[i] == raw_.rating_item[ro[k - 1]])
        throw input_error_at(ratings_path_, rating_lines_[i],
                             fmt::format("user {} rates item {} twice (first at line {})", raw_.rating_user[i],
                                         raw_.rating_item[i], rating_lines_[ro[k - 1]]));
      const auto it = std::lower_bound(raw_.user_ids.begin(), raw_.user_ids.end(), raw_.rating_user[i]);
      if (it == raw_.user_ids.end() || *it != raw_.rating_user[i]) {
        // Report the first line (in file order) of an unknown user.
        long first = rating_lines_[i];
        for (std::size_t j = k; j < ro.size() && raw_.rating_user[ro[j]] == raw_.rating_user[i]; ++j)
          first = std::min(first, rating_lines_[ro[j]]);
        throw input_error_at(ratings_path_, first,
                             fmt::format("user {} has ratings but no row in {}", raw_.rating_user[i], users_file));
      }
      rated[static_cast<std::size_t>(it - raw_.user_ids.begin())] = true;
    }
    for (std::size_t u = 0; u < rated.size(); ++u)
      if (!rated[u])
        throw input_error_at(users_path_, user_lines_[order[u]],
                             fmt::format("user {} has attributes but no rating in {}", raw_.user_ids[u], ratings_file));

    for (std::size_t a = 0; a < names_.size(); ++a) {
      std::vector<std::string> sorted_cells;
      sorted_cells.reserve(order.size());
      for (auto k : order) sorted_cells.push_back(cells_[a][k]);
      if (numeric[a]) {
        std::vector<float> values;
        values.reserve(sorted_cells.size());
        for (const auto& c : sorted_cells)
          // In float range (checked when read); a value below float's smallest becomes 0 or a denormal.
          values.push_back(c.empty() ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(read_number(c).value));
        raw_.attributes.add(AttributeColumn::continuous(names_[a], std::move(values)));
      } else {
        raw_.attributes.add(AttributeColumn::categorical(names_[a], sorted_cells));
      }
    }
    return std::move(raw_);
  }

 private:
  std::string users_path_, ratings_path_;
  std::vector<std::string> names_;
  std::vector<std::vector<std::string>> cells_;
  std::vector<std::int64_t> user_ids_;
  std::vector<long> user_lines_;
  std::vector<long> rating_lines_;
  RawDataset raw_;
};

std::string lower_gender(const TextFile& f, std::string_view g) {
  if (g == "F" || g == "f") return "f";
  if (g == "M" || g == "m") return "m";
  throw f.error(fmt::format("unknown gender code '{}' (expected F or M)", g));
}

float parse_rating(const TextFile& f, std::string_view field) {
  const auto r = detail::parse_id(f, field, "rating");
  if (r < 1 || r > 5) throw f.error(fmt::format("rating must be an integer from 1 to 5, found '{}'", field));
  return static_cast<float>(r);
}

void read_ratings(RawBuilder& b, const std::filesystem::path& path, std::string_view sep, std::string_view format) {
  TextFile f(path, format);
  std::vector<std::string_view> fields;
  std::string_view line;
  while (f.next(line)) {
    detail::split_exact(f, line, sep, 4, format, fields);
    const auto user = detail::parse_id(f, fields[0], "user id");
    const auto item = detail::parse_id(f, fields[1], "item id");
    const auto rating = parse_rating(f, fields[2]);
    detail::parse_id(f, fields[3], "timestamp");
    b.add_rating(user, item, rating, f.line_no());
  }
}

}  // namespace

RawDataset read_movielens_1m(const std::filesystem::path& dir) {
  static constexpr std::array kAgeCodes{1, 18, 25, 35, 45, 50, 56};
  RawBuilder b((dir / "users.dat").string(), (dir / "ratings.dat").string(), {"gender", "age", "occupation"});
  {
    TextFile f(dir / "users.dat", "UserID::Gender::Age::Occupation::Zip-code lines");
    std::vector<std::string_view> fields;
    std::string_view line;
    while (f.next(line)) {
      detail::split_exact(f, line, "::", 5, "UserID::Gender::Age::Occupation::Zip-code", fields);
      const auto id = detail::parse_id(f, fields[0], "user id");
      const auto gender = lower_gender(f, fields[1]);
      const auto age = detail::parse_id(f, fields[2], "age code");
      if (std::find(kAgeCodes.begin(), kAgeCodes.end(), age) == kAgeCodes.end())
        throw f.error(fmt::format("unknown age code '{}' (expected one of 1, 18, 25, 35, 45, 50, 56)", fields[2]));
      const auto occupation = detail::parse_id(f, fields[3], "occupation code");
      if (occupation < 0 || occupation > 20)
        throw f.error(fmt::format("occupation code must be 0..20, found '{}'", fields[3]));
      b.add_user(id, f.line_no(), {gender, std::to_string(age), std::to_string(occupation)});
    }
  }
  read_ratings(b, dir / "ratings.dat", "::", "UserID::MovieID::Rating::Timestamp");
  return b.finish(fmt::format("movielens-1m:{}", dir.string()), {false, true, false});
}

RawDataset read_movielens_100k(const std::filesystem::path& dir) {
  RawBuilder b((dir / "u.user").string(), (dir / "u.data").string(), {"gender", "age", "occupation"});
  {
    TextFile f(dir / "u.user", "user id|age|gender|occupation|zip code lines");
    std::vector<std::string_view> fields;
    std::string_view line;
    while (f.next(line)) {
      detail::split_exact(f, line, "|", 5, "user id|age|gender|occupation|zip code", fields);
      const auto id = detail::parse_id(f, fields[0], "user id");
      const auto age = detail::parse_id(f, fields[1], "age");
      if (age < 1 || age > 120) throw f.error(fmt::format("age must be 1..120 years, found '{}'", fields[1]));
      const auto gender = lower_gender(f, fields[2]);
      const auto occupation = detail::trim(fields[3]);
      if (occupation.empty()) throw f.error("occupation is empty");
      b.add_user(id, f.line_no(), {gender, std::to_string(age), std::string(occupation)});
    }
  }
  read_ratings(b, dir / "u.data", "\t", "user id\\titem id\\trating\\ttimestamp");
  return b.finish(fmt::format("movielens-100k:{}", dir.string()), {false, true, false});
}

namespace {

/// DIR/stem.csv or DIR/stem.tsv (exactly one of them).
std::pair<std::filesystem::path, std::string_view> find_table(const std::filesystem::path& dir, const std::string& stem) {
  const auto csv = dir / (stem + ".csv"), tsv = dir / (stem + ".tsv");
  const bool has_csv = std::filesystem::exists(csv), has_tsv = std::filesystem::exists(tsv);
  if (has_csv && has_tsv)
    throw InputError(fmt::format("{}: both {}.csv and {}.tsv exist; keep one", dir.string(), stem, stem));
  if (has_tsv) return {tsv, "\t"};
  if (has_csv) return {csv, ","};
  throw InputError(fmt::format("{}: file not found (expected {}.csv or {}.tsv)", (dir / (stem + ".csv")).string(), stem, stem));
}


}  // namespace

RawDataset read_csv_pair(const std::filesystem::path& dir) {
  const auto [users_path, users_sep] = find_table(dir, "users");
  const auto [inter_path, inter_sep] = find_table(dir, "interactions");

  TextFile uf(users_path, "a header `user,<attribute>...` and one row per user");
  std::vector<std::string_view> fields;
  std::string_view line;
  uf.next(line);
  detail::split_fields(line, users_sep, fields);
  if (fields.empty() || detail::trim(fields[0]) != "user")
    throw uf.error(fmt::format("header must start with the column 'user', found '{}'", line));
  std::vector<std::string> names;
  for (std::size_t k = 1; k < fields.size(); ++k) {
    std::string name(detail::trim(fields[k]));
    if (name.empty()) throw uf.error(fmt::format("header column {} has no name", k + 1));
    if (std::find(names.begin(), names.end(), name) != names.end())
      throw uf.error(fmt::format("header names the column '{}' twice", name));
    names.push_back(std::move(name));
  }
  RawBuilder b(users_path.string(), inter_path.string(), names);
  std::vector<bool> numeric(names.size(), true);
  std::vector<std::string> cells(names.size());
  while (uf.next(line)) {
    detail::split_exact(uf, line, users_sep, names.size() + 1, fmt::format("user + {} attribute(s)", names.size()), fields);
    const auto id = detail::parse_id(uf, fields[0], "user id");
    for (std::size_t a = 0; a < names.size(); ++a) {
      cells[a] = std::string(detail::trim(fields[a + 1]));
      if (cells[a].empty()) continue;
      const auto v = read_number(cells[a]);
      if (v.kind == NumberText::Kind::kNotANumber) {
        numeric[a] = false;
      } else if (!v.finite() || std::fabs(v.value) > std::numeric_limits<float>::max()) {  // attributes are held as float
        throw uf.error(fmt::format("{}: {} is outside the range of a 32-bit float (±{:g})", names[a], cells[a],
                                   std::numeric_limits<float>::max()));
      }
    }
    b.add_user(id, uf.line_no(), cells);
  }

  TextFile rf(inter_path, "a header `user,item[,weight]` and one row per interaction");
  rf.next(line);
  detail::split_fields(line, inter_sep, fields);
  const bool weighted = fields.size() == 3;
  if (fields.size() < 2 || fields.size() > 3 || detail::trim(fields[0]) != "user" || detail::trim(fields[1]) != "item" ||
      (weighted && detail::trim(fields[2]) != "weight"))
    throw rf.error(fmt::format("header must be 'user{0}item' or 'user{0}item{0}weight', found '{1}'",
                               inter_sep == "\t" ? "\\t" : inter_sep, line));
  const std::string format = weighted ? "user,item,weight" : "user,item";
  while (rf.next(line)) {
    detail::split_exact(rf, line, inter_sep, weighted ? 3 : 2, format, fields);
    const auto user = detail::parse_id(rf, fields[0], "user id");
    const auto item = detail::parse_id(rf, fields[1], "item id");
    const float weight = weighted ? static_cast<float>(detail::parse_number(rf, fields[2], "weight")) : 1.0f;
    b.add_rating(user, item, weight, rf.line_no());
  }
  auto raw = b.finish(fmt::format("csv:{}", dir.string()), numeric);
  raw.has_values = weighted;
  return raw;
}

RawDataset read_raw_dataset(DataFormat format, const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    const auto what = std::filesystem::exists(dir, ec) ? "not a directory; expected the directory holding the data files"
                                                       : "data directory not found";
    const auto where = dir.is_relative()
                           ? fmt::format(" (relative to the working directory {})", std::filesystem::current_path(ec).string())
                           : std::string();
    throw InputError(fmt::format("{}: {}{}", dir.string(), what, where));
  }
  switch (format) {
    case DataFormat::kMovieLens1M: return read_movielens_1m(dir);
    case DataFormat::kMovieLens100K: return read_movielens_100k(dir);
    case DataFormat::kCsv: return read_csv_pair(dir);
  }
  throw InputError("unknown data format");
}

}  // namespace advx
