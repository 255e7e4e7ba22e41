#pragma once
// Writes one fold's split as plain text so that other implementations (bench/torch_reference.py) train
// on exactly the same users, items and fold-in/held-out interactions.

#include <filesystem>

#include "advx/data/dataset.h"
#include "advx/data/split.h"

namespace advx {

/// Writes into DIR (created):
/// - `meta.json`: {"source", "preprocess": {"min_rating", "min_user", "min_item"}, "fold", "folds", "seed",
///   "foldin", "n_items", "n_train", "n_val", "n_test", "attributes": {name: {"type", "labels"}}}
/// - `train.tsv`, `val_foldin.tsv`, `val_heldout.tsv`, `test_foldin.tsv`, `test_heldout.tsv`: header
///   `row\titem`, one line per interaction; `row` indexes the users of that split (0..n−1), `item` the
///   fold's items (0..n_items−1);
/// - `users_train.tsv`, `users_val.tsv`, `users_test.tsv`: header `row\tuser_id\t<attr>...`, one line per
///   user of the split in row order; categorical attributes as codes (−1 missing), continuous as values
///   (`nan` missing);
/// - `items.tsv`: header `col\titem_id`, the original id of each item column.
/// Files are written under temporary names and renamed at the end.
void export_split(const Dataset& data, const FoldSplit& split, const SplitOptions& options,
                  const std::filesystem::path& dir);

}  // namespace advx
