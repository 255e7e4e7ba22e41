#include "advx/data/split_export.h"

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/os.h>
#include <nlohmann/json.hpp>

#include "advx/common/error.h"

namespace advx {

namespace {

class PendingFiles {
 public:
  explicit PendingFiles(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path open(const std::string& name) {
    names_.push_back(name);
    return dir_ / (name + ".partial");
  }
  void commit() {
    for (const auto& n : names_) std::filesystem::rename(dir_ / (n + ".partial"), dir_ / n);
  }

 private:
  std::filesystem::path dir_;
  std::vector<std::string> names_;
};

void write_pairs(PendingFiles& files, const std::string& name, const CsrMatrix& m) {
  auto out = fmt::output_file(files.open(name).string());
  out.print("row\titem\n");
  for (std::int32_t r = 0; r < m.rows(); ++r)
    for (auto i : m.row(r)) out.print("{}\t{}\n", r, i);
}

void write_users(PendingFiles& files, const std::string& name, const Dataset& data, const std::vector<std::int32_t>& users) {
  auto out = fmt::output_file(files.open(name).string());
  out.print("row\tuser_id");
  for (const auto& c : data.attributes.columns()) out.print("\t{}", c.name());
  out.print("\n");
  for (std::size_t r = 0; r < users.size(); ++r) {
    const auto u = static_cast<std::size_t>(users[r]);
    out.print("{}\t{}", r, data.user_ids[u]);
    for (const auto& c : data.attributes.columns()) {
      if (c.is_categorical())
        out.print("\t{}", c.codes()[u]);
      else if (std::isnan(c.values()[u]))
        out.print("\tnan");
      else
        out.print("\t{}", c.values()[u]);
    }
    out.print("\n");
  }
}

}  // namespace

void export_split(const Dataset& data, const FoldSplit& split, const SplitOptions& options,
                  const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create the output directory: {}", dir.string(), ec.message()));
  PendingFiles files(dir);
  write_pairs(files, "train.tsv", split.train);
  write_pairs(files, "val_foldin.tsv", split.val.foldin);
  write_pairs(files, "val_heldout.tsv", split.val.heldout);
  write_pairs(files, "test_foldin.tsv", split.test.foldin);
  write_pairs(files, "test_heldout.tsv", split.test.heldout);
  write_users(files, "users_train.tsv", data, split.train_users);
  write_users(files, "users_val.tsv", data, split.val.users);
  write_users(files, "users_test.tsv", data, split.test.users);
  {
    // Column j of every matrix above is the item with this original id (the files' item ids are columns).
    auto out = fmt::output_file(files.open("items.tsv").string());
    out.print("col\titem_id\n");
    for (std::size_t j = 0; j < split.items.size(); ++j)
      out.print("{}\t{}\n", j, data.item_ids[static_cast<std::size_t>(split.items[j])]);
  }

  nlohmann::ordered_json meta;
  meta["source"] = data.source;
  // With the split settings below, what it takes to rebuild the same split from the raw files.
  meta["preprocess"] = {{"min_rating", data.preprocessing.min_rating},
                        {"min_user", data.preprocessing.min_user},
                        {"min_item", data.preprocessing.min_item}};
  meta["fold"] = split.fold;
  meta["folds"] = options.folds;
  meta["seed"] = options.seed;
  meta["foldin"] = options.foldin;
  meta["n_items"] = split.items.size();
  meta["n_train"] = split.train.rows();
  meta["n_val"] = split.val.users.size();
  meta["n_test"] = split.test.users.size();
  nlohmann::ordered_json attrs = nlohmann::ordered_json::object();
  for (const auto& c : data.attributes.columns())
    attrs[c.name()] = {{"type", c.is_categorical() ? "categorical" : "continuous"}, {"labels", c.labels()}};
  meta["attributes"] = attrs;
  {
    std::ofstream out(files.open("meta.json"));
    out << meta.dump(2) << '\n';
  }
  files.commit();
}

}  // namespace advx
