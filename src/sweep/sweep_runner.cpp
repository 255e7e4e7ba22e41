#include "advx/sweep/sweep_runner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <initializer_list>
#include <iostream>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include <boost/mpi/collectives.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/optional.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "advx/common/counted.h"
#include "advx/common/error.h"
#include "advx/common/hash.h"
#include "advx/config/trial_settings.h"
#include "advx/store/result_store.h"
#include "advx/store/writer_lock.h"
#include "advx/sweep/sweep_plan.h"
#include "advx/train/trainer.h"
#include "serialization.h"

namespace advx {

namespace {

namespace mpi = boost::mpi;
using Clock = std::chrono::steady_clock;

enum Tag : int { kReport = 1, kAssign = 2 };

/// What a worker sends: its previous trial's record (if any) and, implicitly, a request for more.
struct WorkerReport {
  bool has_record = false;
  bool cancelled = false;
  int stop_signal = 0;  ///< the signal that stopped this worker (0: none); it then takes no more work
  /// A trial handed back unstarted (-1: none) because this worker cannot read its data as rank 0 did;
  /// the worker then takes no more work and `retired` says why.
  std::int64_t handed_back = -1;
  std::string retired;
  TrialRecord record;
  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & has_record & cancelled & stop_signal & handed_back & retired & record;
  }
};

/// A worker's data differs from rank 0's or does not load on its host: not the trial's fault, so the
/// trial goes back to the queue for a rank that reads the data, and the worker retires.
struct DataUnavailable : InputError {
  using InputError::InputError;
};

std::string hostname() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof(buf) - 1);
  return buf;
}

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

/// The trials still to run, handed out one at a time to whoever asks first. A worker that cannot read
/// the data hands its trial back, so rank 0's own loop waits for the trials out on workers before it
/// ends (one may come back).
class WorkQueue {
 public:
  WorkQueue(std::vector<std::int64_t> pending, const std::atomic<int>* stop) : pending_(pending.begin(), pending.end()), stop_(stop) {}
  /// For rank 0's own loop: the next trial, nullopt once none is left and none can come back.
  std::optional<std::int64_t> next_local() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (stopping()) return std::nullopt;
      if (!pending_.empty()) return pop();
      if (out_on_workers_ == 0) return std::nullopt;
      // Woken by a worker's report; the timeout only re-checks a stop signal, which notifies nobody.
      changed_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }
  /// For a worker: the next trial, or nullopt (no more work for it).
  std::optional<std::int64_t> next_remote() {
    std::lock_guard lock(mutex_);
    if (pending_.empty() || stopping()) return std::nullopt;
    ++out_on_workers_;
    return pop();
  }
  /// Hands out nothing more (the coordinator failed: no report will come back to end a wait).
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }
  /// A worker reported on the trial it had; `handed_back` (≥ 0) goes to the front of the queue.
  void remote_reported(std::int64_t handed_back) {
    {
      std::lock_guard lock(mutex_);
      --out_on_workers_;
      if (handed_back >= 0) pending_.push_front(handed_back);
    }
    changed_.notify_all();
  }

 private:
  bool stopping() const { return closed_ || (stop_ && stop_->load()); }
  std::int64_t pop() {
    const auto i = pending_.front();
    pending_.pop_front();
    return i;
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::int64_t> pending_;
  std::int64_t out_on_workers_ = 0;
  bool closed_ = false;
  const std::atomic<int>* stop_;
};

/// "key=value" lines of the trial's settings under the given sections ("data.", …): a key for what
/// depends only on those settings.
std::string settings_key(const TrialConfig& config, std::initializer_list<std::string_view> sections) {
  std::string key;
  for (const auto& [k, v] : trial_settings(config))
    if (std::any_of(sections.begin(), sections.end(), [&](std::string_view s) { return k.starts_with(s); }))
      key += k + "=" + v + "\n";
  return key;
}

/// Loaded data sets by their data settings, so a worker reads and preprocesses each data set once.
class DataCache {
 public:
  /// Data sets loaded from now on must have these fingerprints (by data_settings_text), rank 0's: a
  /// worker on another host may read another file at the same path.
  void expect(std::map<std::string, std::string> fingerprints, std::string where) {
    expected_ = std::move(fingerprints);
    where_ = std::move(where);
  }

  const Dataset& get(const TrialConfig& config) {
    const auto key = data_settings_text(config);  // the fingerprints' key too
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      // Once rank 0's fingerprints are known (on workers), data that does not load, or loads as other
      // data, is this host's problem, not the trial's: DataUnavailable.
      const bool checked = !expected_.empty();
      std::optional<Dataset> data;
      try {
        data = load_trial_data(config.data);
      } catch (const std::exception& e) {  // rank 0 loaded it: whatever failed here (a file, memory) is this host's
        if (!checked) throw;
        throw DataUnavailable(fmt::format("{}: {}", where_, e.what()));
      }
      if (const auto e = expected_.find(key); e != expected_.end())
        if (const auto fp = fingerprint(*data); fp != e->second)
          throw DataUnavailable(fmt::format("{} on {} is other data than rank 0 read (data fingerprint {} vs {}): every "
                                            "rank must see the same data",
                                            config.data.path, where_, fp, e->second));
      it = cache_.emplace(key, std::move(*data)).first;
    }
    return it->second;
  }

 private:
  std::map<std::string, Dataset> cache_;
  std::map<std::string, std::string> expected_;
  std::string where_;  // "host h", for the message
};

/// Runs one planned trial. A trial that throws becomes a `failed` record with the message. A stop signal
/// between epochs checkpoints the trial and cancels it (nullopt: nothing is recorded; the next run
/// resumes it from the checkpoint). A trial stopped before it finished an epoch in this run (e.g. handed
/// out just as the signal came) writes no checkpoint: there is no progress to keep, and the next run
/// starts it where it started here. On a worker, a DataUnavailable leaves unstarted (the trial is handed
/// back); on rank 0, whose data defines the sweep's, it would be a failed trial like any other error.
std::optional<TrialRecord> execute(const SweepFile& sweep, const TrialSpec& spec, const SweepOptions& options, int rank,
                                   const std::string& host, DataCache& cache) {
  const auto t0 = Clock::now();
  const auto stopping = [&] { return options.stop && options.stop->load(); };
  TrialRecord rec;
  rec.trial_id = spec.id;
  rec.trial_index = spec.index;
  rec.replicate = spec.replicate;
  rec.seed = spec.seed;
  rec.params = spec.assignments;
  rec.rank = rank;
  rec.host = host;
  try {
    if (stopping()) return std::nullopt;  // not started: it runs in full next time
    TrialConfig config = trial_config(sweep, spec);
    if (options.threads > 0) config.threads = options.threads;
    const Dataset& data = cache.get(config);
    auto trainer = std::make_unique<Trainer>(config, data);
    const auto ckpt = checkpoint_dir(options.out) / (spec.id + ".ckpt");
    // The trial id names only the grid values; a checkpoint left by a sweep with other settings (a file
    // deleted by hand, an earlier --new) must not be resumed, so checkpoints carry all of them.
    const std::string settings_tag = hex64(stable_hash(canonical_text(config)));
    std::error_code ec;
    if (std::filesystem::exists(ckpt, ec)) {
      try {
        trainer->load_checkpoint(ckpt, settings_tag);
        std::cout << fmt::format("rank {}: resumed trial {} ({}) from checkpoint epoch {}\n", rank, spec.id, spec.label(),
                                 trainer->epoch())
                  << std::flush;
      } catch (const std::exception& e) {
        // A checkpoint that does not fit (e.g. written by another version) is not worth failing the trial.
        std::cout << fmt::format("rank {}: ignoring checkpoint of trial {}: {}\n", rank, spec.id, e.what()) << std::flush;
        trainer = std::make_unique<Trainer>(config, data);
      }
    }
    auto save = [&] {
      std::filesystem::create_directories(ckpt.parent_path(), ec);
      trainer->save_checkpoint(ckpt, settings_tag);
    };
    const std::int32_t first_epoch = trainer->epoch();
    while (!stopping() && trainer->train_epoch()) {
      if (options.checkpoint_every > 0 && trainer->epoch() % options.checkpoint_every == 0 && !trainer->done()) save();
    }
    if (stopping() && !trainer->done()) {
      if (trainer->epoch() > first_epoch) {
        save();
        std::cout << fmt::format("rank {}: checkpointed trial {} at epoch {}\n", rank, spec.id, trainer->epoch()) << std::flush;
      } else {
        std::cout << fmt::format("rank {}: trial {} stopped before an epoch finished; the next run starts it at epoch {}\n",
                                 rank, spec.id, first_epoch)
                  << std::flush;
      }
      return std::nullopt;
    }
    rec.result = trainer->finish();
  } catch (const std::exception& e) {
    if (rank != 0 && dynamic_cast<const DataUnavailable*>(&e) != nullptr) throw;
    rec.result = TrialResult{};
    rec.result.status = "failed";
    rec.result.message = e.what();
  }
  rec.wall_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  rec.result.seconds_total = rec.wall_seconds;
  return rec;
}

/// Rank 0's bookkeeping: writes records, counts and prints progress. Used only by the coordinator thread.
class Recorder {
 public:
  Recorder(ResultStore& store, const SweepOptions& options, std::int64_t to_run, SweepSummary& summary)
      : store_(store), options_(options), to_run_(to_run), summary_(summary), t0_(Clock::now()) {}

  void record(const TrialRecord& r) {
    // Rows are written in batches: at most one file write per kWriteInterval, so that many cheap trials
    // do not each pay a whole-file rewrite. A crash loses at most the results of that interval (they
    // count as in flight and run again on resume); flush() writes the rest.
    store_.add(r, false);
    unwritten_.push_back(r.trial_id);
    flush_if_due();
    ++summary_.finished;
    if (r.result.status == "ok") ++summary_.ok;
    if (r.result.status == "diverged") ++summary_.diverged;
    if (r.result.status == "failed") ++summary_.failed;
    if (!options_.log) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0_).count();
    const double eta = elapsed / static_cast<double>(summary_.finished) * static_cast<double>(to_run_ - summary_.finished);
    std::string metrics;
    for (const auto& cp : r.result.checkpoints) {
      if (cp.name != "last") continue;
      for (const auto& [k, v] : cp.metrics)
        if (k == "test.ndcg@10" || ((k.rfind("attack.", 0) == 0) && (k.ends_with(".bacc") || k.ends_with(".mae"))))
          metrics += fmt::format(" {} {:.4f}", k, v);
      if (!metrics.empty()) metrics = " last:" + metrics;  // the checkpoint analyze uses by default
    }
    if (r.result.status != "ok") metrics += fmt::format(" ({})", r.result.message);
    // Counted over the whole plan (a resumed sweep continues at [skipped + 1/planned]); the ETA over
    // this run's trials.
    auto line = fmt::format("[{:>{}}/{}] {:<8} {} |{} | {:.1f} s, rank {} | elapsed {} ETA {}",
                            summary_.skipped + summary_.finished, std::to_string(summary_.planned).size(),
                            summary_.planned, r.result.status, label_of(r), metrics, r.wall_seconds, r.rank,
                            clock_text(elapsed), clock_text(eta));
    if (options_.live) {
      const int width = 30;
      const std::int64_t done = summary_.skipped + summary_.finished;
      const int filled = static_cast<int>(width * done / std::max<std::int64_t>(1, summary_.planned));
      *options_.log << "\r\033[K" << line << '\n'
                    << fmt::format("[{}{}] {}/{}  ETA {}", std::string(static_cast<std::size_t>(filled), '#'),
                                   std::string(static_cast<std::size_t>(width - filled), '.'), done, summary_.planned,
                                   clock_text(eta))
                    << std::flush;
    } else {
      *options_.log << line << std::endl;
    }
  }

  /// Writes pending rows when the last write is at least kWriteInterval old.
  void flush_if_due() {
    if (Clock::now() - last_write_ >= kWriteInterval) flush();
  }
  /// Writes pending rows; their checkpoints are removed only once the rows are in the file.
  void flush() {
    if (unwritten_.empty()) return;
    const auto w0 = Clock::now();
    store_.write();
    summary_.write_seconds += std::chrono::duration<double>(Clock::now() - w0).count();
    last_write_ = Clock::now();
    std::error_code ec;
    // A *.ckpt.partial is a checkpoint write cut short by a kill: stale once the trial's row is in the file,
    // and left behind it would keep the checkpoint directory after the sweep ends.
    for (const auto& id : unwritten_)
      for (const char* suffix : {".ckpt", ".ckpt.partial"})
        std::filesystem::remove(checkpoint_dir(options_.out) / (id + suffix), ec);
    unwritten_.clear();
  }

 private:
  static constexpr std::chrono::milliseconds kWriteInterval{500};
  std::vector<std::string> unwritten_;
  Clock::time_point last_write_ = Clock::now() - std::chrono::hours(1);

  static std::string label_of(const TrialRecord& r) {
    std::string out;
    for (const auto& [k, v] : r.params) out += fmt::format("{}{}={}", out.empty() ? "" : " ", k, v);
    if (r.replicate > 0) out += fmt::format(" replicate={}", r.replicate);
    return out.empty() ? r.trial_id : out;
  }
  ResultStore& store_;
  const SweepOptions& options_;
  std::int64_t to_run_;
  SweepSummary& summary_;
  Clock::time_point t0_;
};

std::string now_text() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm);
}

}  // namespace

}  // namespace advx

namespace boost::serialization {
template <class Archive>
void serialize(Archive& ar, advx::SweepSummary& s, unsigned /*version*/) {
  ar & s.planned & s.skipped & s.finished & s.ok & s.diverged & s.failed & s.cancelled & s.seconds & s.coordinator_seconds &
      s.write_seconds & s.stopped & s.retired;
}
}  // namespace boost::serialization

namespace advx {

std::string identity_change(const StoreHeader& stored, const SweepFile& sweep) {
  try {
    if (stored.sweep_text.empty() || !stored.overrides_recorded) return "";
    const auto diff = settings_change(SweepFile::from_text(stored.sweep_text, stored.sweep_path, stored.sweep_overrides), sweep);
    return diff.empty() ? "" : " (" + diff + ")";
  } catch (...) {
    return "";
  }
}

std::string replicate_growth(const StoreHeader& stored, const SweepFile& sweep) {
  try {
    if (stored.sweep_text.empty() || !stored.overrides_recorded) return "";
    const auto before = SweepFile::from_text(stored.sweep_text, stored.sweep_path, stored.sweep_overrides);
    const auto was = make_plan(before, stored.grid_keys);
    // The stored text must give the stored identity (a file of an older advx may hash otherwise).
    if (was.identity != stored.sweep_identity || !replicates_may_change(before, sweep) ||
        was.settings_identity != make_plan(sweep, stored.grid_keys).settings_identity)
      return "";
    return settings_change(before, sweep);
  } catch (...) {
    return "";
  }
}

std::string identity_change(const StoreHeader& stored, const StoreHeader& other) {
  try {
    if (other.sweep_text.empty() || !other.overrides_recorded) return "";
    return identity_change(stored, SweepFile::from_text(other.sweep_text, other.sweep_path, other.sweep_overrides));
  } catch (...) {
    return "";
  }
}

SweepSummary run_sweep(const mpi::communicator& world, const SweepFile& sweep, const SweepOptions& options) {
  const auto t0 = Clock::now();
  SweepPlan plan = make_plan(sweep);  // in the file's axis order once rank 0 has read it (below)
  const int rank = world.rank();
  const std::string host = hostname();
  std::vector<std::string> hosts;
  mpi::gather(world, host, hosts, 0);

  // Rank 0 opens the store; every rank learns whether the sweep may start (else all throw the same error).
  std::optional<ResultStore> store;
  std::string error;
  std::vector<std::int64_t> pending;
  bool file_unchanged = false;
  SweepSummary summary;
  if (options.shard_count < 1 || options.shard_index < 0 || options.shard_index >= options.shard_count)
    throw InputError(fmt::format("--shard: expected K/N with 0 ≤ K < N, got {}/{}", options.shard_index, options.shard_count));
  for (const auto& t : plan.trials) summary.planned += (t.index % options.shard_count == options.shard_index) ? 1 : 0;
  DataCache cache;
  std::map<std::string, std::string> fingerprints;  // data settings → fingerprint (rank 0 fills it below)
  if (rank == 0) {
    try {
      // Another process writing the file is refused before the checks below, which may load large data
      // sets; open_for_sweep takes the lock for the run (and refuses one that started meanwhile).
      if (std::filesystem::is_directory(options.out))
        throw InputError(fmt::format("--out {}: is a directory; expected the path of a result file, e.g. {}",
                                     options.out.string(), (options.out / "NAME.h5").string()));
      // A sweep file given as --out (typically the sweep's own, by a slip of the arguments): --new would
      // move it aside under a .h5 name and write the results where it was, so it is refused outright.
      const auto as_results = std::filesystem::path(options.out).replace_extension(".h5").string();
      std::error_code same_ec;
      if (std::filesystem::exists(options.out) && std::filesystem::equivalent(options.out, sweep.path(), same_ec))
        throw InputError(fmt::format("--out {}: is the sweep file itself; the results need a file of their own, "
                                     "e.g. {}", options.out.string(), as_results));
      if (const auto ext = options.out.extension().string();
          (ext == ".yaml" || ext == ".yml") && std::filesystem::is_regular_file(options.out)) {
        bool results = true;
        try {
          (void)ResultStore::read_header(options.out);
        } catch (const std::exception&) {
          results = false;
        }
        if (!results)
          throw InputError(fmt::format("--out {}: holds a sweep file, not results (--new would move it aside); give "
                                       "the result file its own name, e.g. {}",
                                       options.out.string(), as_results));
      }
      // A directory of --out that does not exist is created; said in the log, so that a typo in the path
      // is seen at once rather than when the results are looked for.
      const auto out_dir = options.out.parent_path();
      const bool creates_dir = !out_dir.empty() && !std::filesystem::exists(out_dir);
      if (out_dir.empty() || std::filesystem::is_directory(out_dir))
        (void)WriterLock(options.out, WriterLock::Writes::kWholeFile, "or choose another --out");
      // The file's header before this run, when it has one, read once: checked here before any data is
      // loaded (or generated) for a run the file would refuse.
      std::optional<StoreHeader> stored;
      std::string replicates_grown, earlier_identity;  // a file of this sweep with other replicates (seeds)
      const std::string cwd = std::filesystem::current_path().string();
      if (!options.start_new && std::filesystem::exists(options.out)) {
        try {
          // The whole file, not only its header: a damaged dataset gets this error (and its way out)
          // too, not a bare one from open_for_sweep below, whose other errors (a lock) --new would not cure.
          stored = ResultStore::read(options.out).header();
        } catch (const InputError& e) {
          // A file this run cannot read (damaged, not an advx file): the way out is --new.
          throw InputError(fmt::format("{}; pass --new to move it aside and start a new file", e.what()));
        } catch (const std::exception&) {  // open_for_sweep below says what is wrong with the file
        }
        // Axes reordered in the sweep file since the file's first run: its trials are the same, and
        // their ids and seeds are those of the file's axis order (grid_keys).
        if (stored && stored->grid_keys != plan.grid_keys) {
          plan = make_plan(sweep, stored->grid_keys);
          summary.planned = static_cast<std::int64_t>(shard_trial_ids(plan, options.shard_index, options.shard_count).size());
        }
        // Name what changed when the file belongs to another sweep (the store only knows the identities).
        // Only the replicates changed (more seeds): the file is this sweep's, with fewer replicates.
        if (stored && stored->sweep_identity != plan.identity) {
          replicates_grown = replicate_growth(*stored, sweep);
          if (!replicates_grown.empty() && options.shard_count > 1) {
            // Shards take trials by plan index, and more replicates per grid point shift the indices: about
            // half the finished trials would belong to other shards now and be trained again there.
            throw InputError(fmt::format(
                "{}: {}: a shard's replicates cannot grow (shards take trials by plan index, which more "
                "replicates shift, so finished trials would move to other shards and run again); merge the shards "
                "(advx merge --out ALL.h5 …) and run the grown sweep unsharded into ALL.h5",
                options.out.string(), replicates_grown));
          }
          if (!replicates_grown.empty()) {
            earlier_identity = stored->sweep_identity;
          } else if (const auto change = identity_change(*stored, sweep); !change.empty()) {
            throw InputError(fmt::format("{}: holds results of another sweep{}. Pass --new to move the old file "
                                         "aside, or choose another --out", options.out.string(), change));
          }
        }
        // A relative data.path is read from the working directory, and the identity compares it as
        // written: resumed from another directory, the sweep would read other data into the same file.
        std::set<std::string> relative;  // real data read relative to the working directory
        if (stored && !stored->working_directory.empty() && stored->working_directory != cwd)
          for (const auto& t : plan.trials) {
            if (t.index % options.shard_count != options.shard_index) continue;
            const auto config = trial_config(sweep, t);
            if (!config.data.synthetic && std::filesystem::path(config.data.path).is_relative())
              relative.insert(config.data.path);
          }
        if (!relative.empty())
          throw InputError(fmt::format(
              "{}: its trials read the relative data.path {} from {}, but this run is in {}, where that path may be "
              "other data; resume the sweep from {}",
              options.out.string(), fmt::join(relative, ", "), stored->working_directory, cwd,
              stored->working_directory));
      }
      // Every data set of this shard must load, and every trial's settings fit its data, before the file
      // is created or touched: a wrong data.path or an attribute the data does not have is one error and
      // exit 2, not a failed row per trial in a new file that a corrected rerun then refuses as another
      // sweep. Rank 0 runs trials too, so its cache keeps what it loaded here.
      std::set<std::string> checked;  // the settings check_trial_data reads, once per distinct value
      // The data each trial reads, by its data settings: the file's earlier trials too, whose data must
      // not have changed in place (the identity knows only the path).
      fingerprints = stored ? stored->data_fingerprints : std::map<std::string, std::string>{};
      std::set<std::string> fingerprinted;  // data settings whose data this run has fingerprinted
      for (const auto& t : plan.trials) {
        if (t.index % options.shard_count != options.shard_index) continue;
        const auto config = trial_config(sweep, t);
        const Dataset* loaded = nullptr;
        try {
          loaded = &cache.get(config);
        } catch (const InputError& e) {
          // Named by the sweep file, and by the trial too when data settings are on the grid.
          const bool data_on_grid = std::any_of(sweep.grid().begin(), sweep.grid().end(),
                                                [](const GridAxis& a) { return a.key.starts_with("data."); });
          throw InputError(fmt::format("{}: {}data: {}", sweep.path(),
                                       data_on_grid ? fmt::format("trial {} ({}): ", t.id, t.label()) : "", e.what()));
        }
        const Dataset& data = *loaded;
        const std::string data_settings = data_settings_text(config);
        if (fingerprinted.insert(data_settings).second) {
          const auto now = fingerprint(data);
          auto& recorded = fingerprints[data_settings];
          if (!recorded.empty() && recorded != now)
            throw InputError(fmt::format(
                "{}: its trials were trained on other data than {} holds now (data fingerprint {} → {}): the data "
                "changed since; restore it, or pass --new to move the file aside and start a new one",
                options.out.string(), config.data.path, recorded, now));
          recorded = now;
        }
        auto key = settings_key(config, {"data.", "split.", "attributes."});
        for (const auto& adv : config.model.adversaries) key += "adversary " + adv.attribute + "\n";
        if (!checked.insert(key).second) continue;
        try {
          check_trial_data(config, data);
        } catch (const InputError& e) {
          throw InputError(fmt::format("{}: trial {} ({}): {}", sweep.path(), t.id, t.label(), e.what()));
        }
      }
      const std::string sweep_path = std::filesystem::absolute(sweep.path()).string();
      store.emplace(ResultStore::open_for_sweep(options.out, StoreHeader{.sweep_name = plan.name,
                                                                         .sweep_identity = plan.identity,
                                                                         .sweep_path = sweep_path,
                                                                         .working_directory = cwd,
                                                                         .data_fingerprints = fingerprints,
                                                                         .sweep_text = sweep.text(),
                                                                         .sweep_overrides = sweep.overrides(),
                                                                         .grid_keys = plan.grid_keys,
                                                                         .planned_trials = summary.planned},
                                                 options.start_new, earlier_identity));
      // A file holds one shard (or the whole sweep): two shards in one file would each rewrite it from
      // their own rows, and the file's shard label and planned count would describe only the last.
      const std::string shard = options.shard_count > 1 ? fmt::format("{}/{}", options.shard_index, options.shard_count) : "";
      const std::string file_shard = store->attribute("shard");
      if (store->rows() > 0 && file_shard != shard)
        throw InputError(fmt::format(
            "{}: holds {} of this sweep, this run is {}; give each shard its own file (NAME.shard-K.h5) and "
            "combine them with advx merge", options.out.string(),
            file_shard.empty() ? "the unsharded run" : "shard " + file_shard, shard.empty() ? "unsharded" : "shard " + shard));
      // A grid grown since shifts plan indices, and shards are taken by index: trials this shard's file
      // finished may now be another shard's, which runs them again (advx merge keeps each trial once).
      std::int64_t moved_away = 0;
      for (const auto& t : plan.trials) {
        if (t.index % options.shard_count == options.shard_index && !store->finished(t.id)) pending.push_back(t.index);
        if (t.index % options.shard_count != options.shard_index && store->finished(t.id)) ++moved_away;
      }
      summary.skipped = summary.planned - static_cast<std::int64_t>(pending.size());
      // Nothing to run for the same plan (the same trials in this shard, the same name) after a finished
      // last run: leave the file as it is. Rewriting it would drop /analysis for no new trial, and would
      // record sweep text or overrides (a comment, --set threads=2, another working directory) that no
      // trial in the file ran with. A changed plan (grid values added, removed or replaced) is recorded
      // with a rewrite, so that the file's coverage is this plan's.
      const auto same_plan = [&] {
        try {
          return stored->overrides_recorded && stored->sweep_name == plan.name &&
                 shard_trial_ids(make_plan(SweepFile::from_text(stored->sweep_text, stored->sweep_path,
                                                                stored->sweep_overrides),
                                           stored->grid_keys),
                                 options.shard_index, options.shard_count) ==
                     shard_trial_ids(plan, options.shard_index, options.shard_count);
        } catch (const std::exception&) {  // a header this advx cannot rebuild a plan from: rewrite it
          return false;
        }
      };
      file_unchanged = pending.empty() && store->rows() > 0 && store->moved_aside().empty() && stored &&
                       !store->attribute("run_finished").empty() && same_plan();
      if (!file_unchanged) {
        std::map<std::string, std::int64_t> index_of_trial;
        for (const auto& t : plan.trials) index_of_trial.emplace(t.id, t.index);
        store->renumber(index_of_trial);
        for (const auto& h : hosts) store->add_host(h);
        store->set_attribute("run_started", now_text());
        store->set_attribute("run_finished", "");
        store->write();
        store->set_attribute("shard", shard);
      }
      // The old file's checkpoints go with it, so that a run on the moved file can still resume them.
      std::string moved_checkpoints;
      if (!store->moved_aside().empty() && std::filesystem::exists(checkpoint_dir(options.out))) {
        std::error_code ec;
        const auto to = checkpoint_dir(store->moved_aside());
        std::filesystem::rename(checkpoint_dir(options.out), to, ec);
        moved_checkpoints = ec ? fmt::format(" (its checkpoints stay in {}: {}; they are not resumed under other settings)",
                                             checkpoint_dir(options.out).string(), ec.message())
                               : fmt::format(", its checkpoints to {}", to.string());
      }
      if (options.log) {
        if (creates_dir) *options.log << fmt::format("created the directory {} for --out\n", out_dir.string());
        if (!store->moved_aside().empty())
          *options.log << fmt::format("moved the old {} aside to {}{}\n", options.out.string(), store->moved_aside(),
                                      moved_checkpoints);
        else if (!replicates_grown.empty())
          *options.log << fmt::format("{}: {}; the earlier replicates' trials are kept (same ids and seeds), only "
                                      "the new ones run\n",
                                      options.out.string(), replicates_grown);
        *options.log << fmt::format("sweep {} ({}): {}, {} already in {}, {} to run on {}\n", plan.name,
                                    plan.identity, counted(summary.planned, "trial"), summary.skipped,
                                    options.out.string(), pending.size(), counted(world.size(), "rank"));
        if (moved_away > 0)
          *options.log << fmt::format("note: {} of {} belong to other shards now (the grid changed, and shards are "
                                      "taken by plan index): those shards run them again; advx merge keeps each trial "
                                      "once\n",
                                      counted(moved_away, "finished trial"), options.out.string());
        *options.log << std::flush;
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  mpi::broadcast(world, error, 0);
  if (!error.empty()) throw InputError(error);
  // Every rank looks trials up by index in the plan, so all use rank 0's axis order.
  std::vector<std::string> key_order = plan.grid_keys;
  mpi::broadcast(world, key_order, 0);
  if (key_order != plan.grid_keys) plan = make_plan(sweep, key_order);
  mpi::broadcast(world, fingerprints, 0);
  cache.expect(fingerprints, fmt::format("host {}", host));

  if (rank == 0) {
    WorkQueue queue(pending, options.stop);
    std::mutex local_mutex;
    std::deque<std::optional<TrialRecord>> local_results;  // nullopt = cancelled
    std::atomic<bool> local_done{false};
    Recorder recorder(*store, options, static_cast<std::int64_t>(pending.size()), summary);
    std::exception_ptr coordinator_error;

    // The coordinator thread is the only thread of rank 0 that calls MPI (threading level: serialized).
    std::thread coordinator([&] {
      try {
        int remote_active = world.size() - 1;
        auto idle = std::chrono::microseconds(20);
        for (;;) {
          const auto busy0 = Clock::now();
          bool progressed = false;
          std::deque<std::optional<TrialRecord>> drained;
          {
            std::lock_guard lock(local_mutex);
            drained.swap(local_results);
          }
          for (auto& r : drained) {
            if (r) recorder.record(*r);
            else ++summary.cancelled;
            progressed = true;
          }
          if (remote_active > 0) {
            if (auto status = world.iprobe(mpi::any_source, kReport)) {
              WorkerReport report;
              world.recv(status->source(), kReport, report);
              // A signal to one worker (kill, a scheduler's notice) stops the run, as one to rank 0 does:
              // the queue closes, rank 0's trial in flight is checkpointed, and the run exits as stopped.
              // Without this the worker would cancel every trial still queued, one per request.
              int none = 0;  // a signal of rank 0's own, if it came first, stays the one reported
              if (report.stop_signal != 0 && options.stop != nullptr) options.stop->compare_exchange_strong(none, report.stop_signal);
              // The worker gets its next trial before the result is written, so that the file write is
              // off its critical path; the result counts as acknowledged once it is in the file.
              if (report.has_record || report.cancelled || report.handed_back >= 0) queue.remote_reported(report.handed_back);
              if (!report.retired.empty()) {
                summary.retired.push_back(fmt::format("rank {}: {}", status->source(), report.retired));
                if (options.log)
                  *options.log << fmt::format("{}rank {} takes no more trials: {}{}\n", options.live ? "\r\033[K" : "",
                                              status->source(), report.retired,
                                              report.handed_back < 0 ? ""
                                              : options.stop && options.stop->load()
                                                  ? "; its trial runs next time (the run is stopping)"
                                                  : "; its trial goes to another rank")
                               << std::flush;
              }
              const auto next = report.retired.empty() ? queue.next_remote() : std::nullopt;
              world.send(status->source(), kAssign, next ? *next : std::int64_t{-1});
              if (!next) --remote_active;
              if (report.has_record) recorder.record(report.record);
              if (report.cancelled) ++summary.cancelled;
              progressed = true;
            }
          }
          // Rows waiting for their batch are written when it is due even if no further result arrives.
          if (!progressed) recorder.flush_if_due();
          summary.coordinator_seconds += std::chrono::duration<double>(Clock::now() - busy0).count();
          if (remote_active == 0 && local_done.load()) {
            std::lock_guard lock(local_mutex);
            if (local_results.empty()) break;
            continue;
          }
          // Sleep while nothing happens, so that coordinating does not take a core from training.
          if (progressed) {
            idle = std::chrono::microseconds(20);
          } else {
            std::this_thread::sleep_for(idle);
            idle = std::min(idle * 2, std::chrono::microseconds(1000));
          }
        }
      } catch (...) {
        coordinator_error = std::current_exception();
        queue.close();  // rank 0's own loop must not wait for reports no one will read
      }
    });

    while (const auto index = queue.next_local()) {
      auto rec = execute(sweep, plan.trials[static_cast<std::size_t>(*index)], options, rank, host, cache);
      std::lock_guard lock(local_mutex);
      local_results.push_back(std::move(rec));
    }
    local_done = true;
    coordinator.join();
    const auto flush0 = Clock::now();
    recorder.flush();
    summary.coordinator_seconds += std::chrono::duration<double>(Clock::now() - flush0).count();
    if (coordinator_error) std::rethrow_exception(coordinator_error);
    std::error_code ec;
    std::filesystem::remove(checkpoint_dir(options.out), ec);  // only if empty: nothing left to resume
    summary.stopped = options.stop && options.stop->load();
    if (!file_unchanged) {
      store->set_attribute("run_finished", now_text());
      store->write();
    }
  } else {
    WorkerReport first;  // no trial yet; a signal that came during rank 0's checks is reported now
    first.stop_signal = options.stop != nullptr ? options.stop->load() : 0;
    world.send(0, kReport, first);
    for (;;) {
      std::int64_t index = -1;
      world.recv(0, kAssign, index);
      if (index < 0) break;
      WorkerReport report;
      try {
        auto rec = execute(sweep, plan.trials[static_cast<std::size_t>(index)], options, rank, host, cache);
        report.has_record = rec.has_value();
        report.cancelled = !rec.has_value();
        if (rec) report.record = std::move(*rec);
      } catch (const DataUnavailable& e) {
        report.handed_back = index;
        report.retired = e.what();
      }
      report.stop_signal = options.stop != nullptr ? options.stop->load() : 0;
      world.send(0, kReport, report);
    }
  }
  summary.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  mpi::broadcast(world, summary, 0);
  return summary;
}

std::filesystem::path checkpoint_dir(const std::filesystem::path& out) { return std::filesystem::path(out.string() + ".ckpt"); }

}  // namespace advx
