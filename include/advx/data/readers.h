#pragma once
// Readers of the supported data formats. Each returns a RawDataset and throws InputError naming the
// file, the line and what was expected for any malformed input; nothing is silently skipped.

#include <filesystem>
#include <string>
#include <string_view>

#include "advx/data/dataset.h"

namespace advx {

enum class DataFormat {
  kMovieLens1M,    ///< DIR/ratings.dat (UserID::MovieID::Rating::Timestamp), DIR/users.dat
                   ///< (UserID::Gender::Age::Occupation::Zip). Attributes: gender (f/m), age (the raw
                   ///< code 1,18,25,35,45,50,56, continuous), occupation (code 0..20, categorical).
  kMovieLens100K,  ///< DIR/u.data (user\titem\trating\ttimestamp), DIR/u.user (id|age|gender|occupation|zip).
                   ///< Attributes: gender (f/m), age (years, continuous), occupation (categorical).
  kCsv,            ///< DIR/interactions.{csv,tsv} with header `user,item[,weight]`, and
                   ///< DIR/users.{csv,tsv} with header `user,<attribute>...`. A column whose non-empty
                   ///< cells are all numbers is continuous, otherwise categorical; an empty cell is a
                   ///< missing value. ',' for .csv, '\t' for .tsv.
};

/// "movielens-1m", "movielens-100k" or "csv"; InputError listing the choices otherwise.
[[nodiscard]] DataFormat parse_data_format(std::string_view name);
[[nodiscard]] std::string_view to_string(DataFormat format);

[[nodiscard]] RawDataset read_movielens_1m(const std::filesystem::path& dir);
[[nodiscard]] RawDataset read_movielens_100k(const std::filesystem::path& dir);
[[nodiscard]] RawDataset read_csv_pair(const std::filesystem::path& dir);
[[nodiscard]] RawDataset read_raw_dataset(DataFormat format, const std::filesystem::path& dir);

}  // namespace advx
