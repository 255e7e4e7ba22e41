#pragma once
// The sweep's HDF5 result file, written only by the coordinator. Layout (results/SCHEMA.md):
//   /            attributes: format, format_version, advx_version, git_commit, sweep_name, sweep_identity,
//                sweep_path, sweep_text, grid_keys, sweep_overrides, planned_trials, created, updated, hosts,
//                then run_started, run_finished, shard
//   /trials/<column>   one row per finished trial: trial_id, trial_index, replicate, seed, one column per
//                      grid key, status, message, rank, host, wall_seconds, epochs_run, diverged_epoch,
//                      seconds_per_epoch, and "<checkpoint>.<metric>" (e.g. best.test.ndcg@10)
//   /curves/<series>   [rows × epochs] per-epoch curves, NaN-padded (train_loss, val_loss, lr, …)
// Groups and the root list their entries and attributes in creation order, the order above (h5py and
// pandas show the columns so); files of earlier advx builds list them by name and are read in this order.
//
// Durability: every write produces a complete file under a temporary name, fsyncs it and renames it over
// the result file, so the file on disk is always whole — a crash (even SIGKILL mid-write) leaves the
// previous version with every acknowledged trial. Readers never see a half-written file and never hit
// HDF5's write lock.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "advx/train/trial_result.h"

namespace advx {

/// One finished (or failed) trial as the coordinator records it.
struct TrialRecord {
  std::string trial_id;
  std::int64_t trial_index = 0;
  std::int32_t replicate = 0;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> params;  ///< grid key → canonical value
  std::int32_t rank = 0;
  std::string host;
  double wall_seconds = 0;
  TrialResult result;
};

/// What identifies the sweep a file belongs to.
struct StoreHeader {
  std::string sweep_name;
  std::string sweep_identity;
  std::string sweep_path;
  std::string working_directory;             // where the run started: a relative data.path is read from there
  /// The data each trial trained on: its data.* settings (one line, "k=v k=v") → fingerprint(Dataset).
  std::map<std::string, std::string> data_fingerprints;
  std::string sweep_text;
  std::vector<std::string> sweep_overrides;  // the --set values on top of sweep_text, in order
  bool overrides_recorded = true;            // false for a file of an advx that did not record them
  std::vector<std::string> grid_keys;
  std::int64_t planned_trials = 0;
};

/// A column of the trial table: numbers (NaN = missing), integers (−1 = missing) or strings.
struct Column {
  enum class Kind { kFloat, kInt, kString } kind = Kind::kFloat;
  std::vector<double> f;
  std::vector<std::int64_t> i;
  std::vector<std::string> s;
  [[nodiscard]] std::size_t size() const;
  /// Cell as text (for CSV): numbers with full precision, NaN/−1 as empty.
  [[nodiscard]] std::string text(std::size_t row) const;
};

class ResultStore {
 public:
  /// Opens `path` for a sweep: creates it when absent; when present it must hold the same sweep
  /// identity (InputError naming both otherwise), and its rows are kept. With `start_new`, an existing
  /// file is first moved aside to PATH.<timestamp>.h5 (the new name is returned by moved_aside()).
  /// `earlier_identity`, when given, is also accepted and replaced by the header's: the caller found the
  /// file to be of the same sweep with other replicates (sweep layer: replicate_growth).
  static ResultStore open_for_sweep(const std::filesystem::path& path, const StoreHeader& header, bool start_new,
                                    const std::string& earlier_identity = {});
  /// Reads a result file (InputError if it is missing, not HDF5, or not an advx result file).
  static ResultStore read(const std::filesystem::path& path);
  /// Reads only the file's header (root attributes), with the same checks as read() on what the file is.
  static StoreHeader read_header(const std::filesystem::path& path);

  ResultStore(ResultStore&&) noexcept;
  ResultStore& operator=(ResultStore&&) noexcept;
  ~ResultStore();

  [[nodiscard]] const StoreHeader& header() const;
  [[nodiscard]] const std::filesystem::path& path() const;
  [[nodiscard]] const std::string& moved_aside() const;
  /// True when a row for this trial exists with status ok or diverged (failed rows are retried).
  [[nodiscard]] bool finished(const std::string& trial_id) const;
  [[nodiscard]] std::size_t rows() const;
  /// In the order of the file (creation order: identifiers, grid values, how the trial ran, metrics).
  [[nodiscard]] const std::vector<std::string>& column_names() const;
  [[nodiscard]] const Column& column(const std::string& name) const;
  [[nodiscard]] bool has_column(const std::string& name) const;
  [[nodiscard]] const std::map<std::string, std::vector<std::vector<double>>>& curves() const;
  [[nodiscard]] std::string attribute(const std::string& name) const;

  /// Adds (or, for a previously failed trial, replaces) the row and, unless `write_now` is false, writes
  /// the file. A row is acknowledged once a write that includes it has returned.
  void add(const TrialRecord& record, bool write_now = true);
  /// Copies the rows of `other` (a shard of the same sweep) that this store does not have finished yet,
  /// with their curves, then writes the file. Returns the number of rows taken. InputError when
  /// `other` belongs to another sweep.
  std::size_t merge_from(const ResultStore& other);
  /// Records a host that took part (kept in the `hosts` attribute).
  void add_host(const std::string& host);
  /// Sets a free-form string attribute on the root (e.g. run_started), written with the next write.
  void set_attribute(const std::string& name, const std::string& value);
  /// Sets the trial_index of each row whose trial is in `index_of_trial` (trial id → its index in the
  /// current plan), written with the next write: a grid or replicate count grown since the row was
  /// written moves trials to other indices, and readers order trials by them. Other rows keep theirs.
  void renumber(const std::map<std::string, std::int64_t>& index_of_trial);
  /// Writes the file now (atomic replace).
  void write();

 private:
  ResultStore();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace advx
