#pragma once
// Runs a sweep across the ranks of an MPI communicator and gathers the results into one HDF5 file.
//
// Rank 0 coordinates from a background thread that sleeps between polls (so it costs no core) while
// rank 0's main thread runs trials like every other rank; with one rank, that rank does everything.
// Every worker asks for its next trial when it is free (a dynamic queue, so uneven trials balance),
// runs it and sends the result back; the coordinator writes each result to the store before handing
// out more work to that worker. Ranks build the same plan from the same sweep file, so only trial
// indices travel.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include <boost/mpi/communicator.hpp>

#include "advx/config/sweep_file.h"
#include "advx/store/result_store.h"

namespace advx {

struct SweepOptions {
  std::filesystem::path out;                  ///< result file
  bool start_new = false;                     ///< move an existing file aside instead of resuming
  std::int32_t threads = 0;                   ///< oneDNN/OpenMP threads per rank (0: the sweep file's)
  /// Set by a signal handler (the signal's number): finish the current epoch, stop. Rank 0 also sets it
  /// when a worker reports a stop, so the run stops as a whole (nothing more is handed out).
  std::atomic<int>* stop = nullptr;
  std::ostream* log = nullptr;                ///< progress lines (rank 0); null = silent
  bool live = false;                          ///< log is a terminal: keep a live status line
  /// Shard mode: run only the trials whose plan index ≡ shard_index (mod shard_count), into their own
  /// file (merged later with `advx merge`). shard_count 1 = the whole sweep.
  std::int32_t shard_index = 0, shard_count = 1;
  /// Trials in flight are checkpointed under <out>.ckpt/<trial_id>.ckpt when a stop signal arrives and,
  /// with checkpoint_every > 0, every that many epochs; a later run resumes them from there.
  std::int32_t checkpoint_every = 0;
};

struct SweepSummary {
  std::int64_t planned = 0;    ///< trials in the plan
  std::int64_t skipped = 0;    ///< already in the file
  std::int64_t finished = 0;   ///< recorded in this run
  std::int64_t ok = 0, diverged = 0, failed = 0;
  std::int64_t cancelled = 0;  ///< stopped by a signal, not recorded (checkpointed when possible)
  double seconds = 0;
  double coordinator_seconds = 0;  ///< rank 0's time handling messages and writing results (not sleeping)
  double write_seconds = 0;        ///< of which writing the result file
  bool stopped = false;        ///< a stop signal ended the run early
  /// Workers that took no more trials because their data did not load or differed from rank 0's
  /// ("rank N: why"); their trials ran on other ranks.
  std::vector<std::string> retired;
};

/// Collective: every rank of `world` calls it with the same sweep. Returns the same summary on every
/// rank. Throws InputError (on every rank) when the result file belongs to another sweep.
/// For a result file of another sweep: " (key: old → new; …)" from the sweep text and overrides its
/// header stores to `sweep`; "" when that cannot be worked out (a file of an older advx, a stored text
/// that no longer loads), so the caller's generic message stands alone.
std::string identity_change(const StoreHeader& stored, const SweepFile& sweep);
/// The same between two files' headers (advx merge), "" when either cannot be rebuilt into a sweep.
std::string identity_change(const StoreHeader& stored, const StoreHeader& other);
/// When `sweep` differs from the file's last run only in its replicate setup, and that may change
/// (replicates_may_change: more replicates, a seeds: list extended at the end), what
/// changed ("replicates: 2 → 3"): the run resumes the file, whose trials keep their ids and seeds, and
/// runs the new replicates. "" otherwise (another sweep, or a header that cannot be rebuilt).
std::string replicate_growth(const StoreHeader& stored, const SweepFile& sweep);

SweepSummary run_sweep(const boost::mpi::communicator& world, const SweepFile& sweep, const SweepOptions& options);

/// The checkpoint directory of a result file: <out>.ckpt.
[[nodiscard]] std::filesystem::path checkpoint_dir(const std::filesystem::path& out);

}  // namespace advx
