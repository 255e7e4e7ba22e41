#include "advx/store/result_store.h"
#include "advx/store/writer_lock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <hdf5.h>
#include <unistd.h>

#include "advx/common/error.h"

namespace advx {
namespace {

namespace fs = std::filesystem;

class ResultStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("advx-store-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    path_ = dir_ / "r.h5";
  }
  void TearDown() override { fs::remove_all(dir_); }

  static StoreHeader header(const std::string& identity = "abc") {
    return {.sweep_name = "t", .sweep_identity = identity, .sweep_path = "s.yaml",
            .working_directory = "/work/project",
            .data_fingerprints = {{"data.format=csv data.path=d", "0123456789abcdef"}, {"data.format=csv data.path=e", "fedcba9876543210"}},
            .sweep_text = "name: t\n",
            .sweep_overrides = {"train.epochs=3", "split.fold=0"}, .grid_keys = {"adversaries.gender.lambda"}, .planned_trials = 3};
  }
  static TrialRecord record(const std::string& id, const std::string& lambda, const std::string& status = "ok") {
    TrialRecord r;
    r.trial_id = id;
    r.params = {{"adversaries.gender.lambda", lambda}};
    r.host = "h";
    r.rank = 1;
    r.result.status = status;
    r.result.adversaries = {"gender"};
    for (int e = 0; e < 3; ++e) r.result.curves.push_back({.epoch = e, .train_loss = 10.0 - e, .adversary_loss = {0.5}});
    if (status == "ok") {
      r.result.checkpoints.push_back({.name = "best", .epoch = 1, .metrics = {{"test.ndcg@10", 0.3}, {"attack.gender.bacc", 0.6}}});
      r.result.checkpoints.push_back({.name = "last", .epoch = 2, .metrics = {{"test.ndcg@10", 0.25}}});
    } else {
      r.result.message = "boom";
    }
    return r;
  }
  fs::path dir_, path_;
};

TEST_F(ResultStoreTest, RowsSurviveReopeningWithAllColumns) {
  {
    auto s = ResultStore::open_for_sweep(path_, header(), false);
    s.add(record("a", "0"));
    s.add(record("b", "200"));
  }
  const auto s = ResultStore::read(path_);
  ASSERT_EQ(s.rows(), 2u);
  EXPECT_EQ(s.column("trial_id").s, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.column("adversaries.gender.lambda").kind, Column::Kind::kFloat);
  EXPECT_EQ(s.column("adversaries.gender.lambda").f[1], 200.0);
  EXPECT_EQ(s.column("best.test.ndcg@10").f[0], 0.3);
  EXPECT_EQ(s.column("last.epoch").i[1], 2);
  EXPECT_FALSE(s.has_column("last.attack.gender.bacc"));  // no trial reported it
  EXPECT_TRUE(std::isnan(s.column("best.attack.gender.bacc").f[0]) == false);
  ASSERT_TRUE(s.curves().count("train_loss"));
  EXPECT_EQ(s.curves().at("train_loss")[1], (std::vector<double>{10, 9, 8}));
  EXPECT_EQ(s.header().sweep_identity, "abc");
  EXPECT_EQ(s.header().grid_keys, (std::vector<std::string>{"adversaries.gender.lambda"}));
  EXPECT_EQ(s.header().sweep_overrides, (std::vector<std::string>{"train.epochs=3", "split.fold=0"}));
}

TEST_F(ResultStoreTest, ReadHeaderGivesTheHeaderAlone) {
  { ResultStore::open_for_sweep(path_, header(), false).add(record("a", "0")); }
  const auto h = ResultStore::read_header(path_);
  const auto full = ResultStore::read(path_).header();
  EXPECT_EQ(h.sweep_identity, "abc");
  EXPECT_EQ(h.sweep_text, full.sweep_text);
  EXPECT_EQ(h.sweep_path, full.sweep_path);
  EXPECT_EQ(h.working_directory, "/work/project");
  EXPECT_EQ(h.data_fingerprints, header().data_fingerprints);
  EXPECT_EQ(h.sweep_overrides, full.sweep_overrides);
  EXPECT_EQ(h.grid_keys, full.grid_keys);
  EXPECT_EQ(h.planned_trials, 3);
  EXPECT_TRUE(h.overrides_recorded);
  EXPECT_THROW((void)ResultStore::read_header(dir_ / "missing.h5"), InputError);
}

TEST_F(ResultStoreTest, AFileWithoutTrialsReopens) {
  // A sweep stopped before its first trial finished leaves a file with no rows; it must resume.
  { (void)ResultStore::open_for_sweep(path_, header(), false); }
  EXPECT_EQ(ResultStore::read(path_).rows(), 0u);
  auto s = ResultStore::open_for_sweep(path_, header(), false);
  EXPECT_FALSE(s.finished("a"));
  s.add(record("a", "0"));
  EXPECT_EQ(ResultStore::read(path_).rows(), 1u);
}

TEST_F(ResultStoreTest, FailedTrialsAreRetriedAndReplaced) {
  auto s = ResultStore::open_for_sweep(path_, header(), false);
  s.add(record("a", "0", "failed"));
  EXPECT_FALSE(s.finished("a"));
  s.add(record("a", "0"));
  EXPECT_TRUE(s.finished("a"));
  EXPECT_EQ(s.rows(), 1u);
  EXPECT_EQ(ResultStore::read(path_).column("status").s, (std::vector<std::string>{"ok"}));
}

TEST_F(ResultStoreTest, AnotherSweepIsRefusedUnlessStartingNew) {
  { ResultStore::open_for_sweep(path_, header("abc"), false).add(record("a", "0")); }
  try {
    (void)ResultStore::open_for_sweep(path_, header("xyz"), false);
    FAIL();
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path_.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("--new"), std::string::npos) << msg;
  }
  auto fresh = ResultStore::open_for_sweep(path_, header("xyz"), true);
  EXPECT_EQ(fresh.rows(), 0u);
  ASSERT_FALSE(fresh.moved_aside().empty());
  EXPECT_EQ(ResultStore::read(fresh.moved_aside()).rows(), 1u);  // nothing lost
}

TEST_F(ResultStoreTest, OneWriterAtATime) {
  // A second sweep (or merge) on the same file while the first runs would rewrite it from its own rows
  // and drop the first one's: it is refused, naming the holder, and the file is untouched.
  auto first = std::make_unique<ResultStore>(ResultStore::open_for_sweep(path_, header(), false));
  first->add(record("a", "0"));
  for (const bool start_new : {false, true}) {
    try {
      (void)ResultStore::open_for_sweep(path_, header(), start_new);
      FAIL() << "second writer accepted, start_new " << start_new;
    } catch (const InputError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("in use by another advx process (pid " + std::to_string(::getpid())), std::string::npos)
          << msg;
    }
  }
  EXPECT_EQ(ResultStore::read(path_).rows(), 1u);  // reading is always allowed
  first.reset();
  EXPECT_FALSE(fs::exists(path_.string() + ".lock"));
  EXPECT_EQ(ResultStore::open_for_sweep(path_, header(), false).rows(), 1u);  // free again
}

TEST_F(ResultStoreTest, ReleasingTheLockLeavesAnotherWritersLockFile) {
  // A user deletes a live lock file by hand and a second writer takes a new one: when the first ends it
  // must not remove the second's, or a third writer would get in beside the second.
  const fs::path lock_path = path_.string() + ".lock";
  auto first = std::make_unique<WriterLock>(path_, WriterLock::Writes::kWholeFile);
  fs::remove(lock_path);
  auto second = std::make_unique<WriterLock>(path_, WriterLock::Writes::kWholeFile);
  first.reset();
  ASSERT_TRUE(fs::exists(lock_path));
  EXPECT_THROW(WriterLock(path_, WriterLock::Writes::kWholeFile), InputError);
  second.reset();
  EXPECT_FALSE(fs::exists(lock_path));
  EXPECT_NO_THROW(WriterLock(path_, WriterLock::Writes::kWholeFile));
}

TEST_F(ResultStoreTest, StartingNewNeverReplacesAnEarlierSetAsideFile) {
  // Three --new runs within one second all want NAME.<same stamp>.h5; each must get its own name. Files
  // already holding the next seconds' stamps (a user's copies, or runs of another process) make every
  // run meet a taken name, whether or not the three fall in one second.
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::vector<fs::path> squatters;
  for (std::time_t t = now; t < now + 30; ++t) {
    std::tm tm{};
    localtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    squatters.push_back(dir_ / (std::string("r.") + stamp + ".h5"));
    std::ofstream(squatters.back()) << "keep me";
  }
  std::vector<std::string> aside;
  for (int run = 0; run < 3; ++run) {
    auto s = ResultStore::open_for_sweep(path_, header("run" + std::to_string(run)), run > 0);
    s.add(record("t" + std::to_string(run), "0"));
    if (run > 0) aside.push_back(s.moved_aside());
  }
  ASSERT_EQ(aside.size(), 2u);
  EXPECT_NE(aside[0], aside[1]);
  EXPECT_EQ(ResultStore::read(aside[0]).column("trial_id").s, std::vector<std::string>{"t0"});
  EXPECT_EQ(ResultStore::read(aside[1]).column("trial_id").s, std::vector<std::string>{"t1"});
  EXPECT_EQ(ResultStore::read(path_).column("trial_id").s, std::vector<std::string>{"t2"});
  for (const auto& a : aside)  // the first-choice names were taken: -2 or -3
    EXPECT_TRUE(a.ends_with("-2.h5") || a.ends_with("-3.h5")) << a;
  for (const auto& q : squatters) {
    std::ifstream in(q);
    std::string text;
    std::getline(in, text);
    EXPECT_EQ(text, "keep me") << q;
  }
}

TEST_F(ResultStoreTest, NonResultFilesGiveClearErrors) {
  std::ofstream(dir_ / "text.h5") << "not hdf5";
  for (const auto& [file, fragment] : std::vector<std::pair<fs::path, std::string>>{
           {dir_ / "missing.h5", "not found"}, {dir_ / "text.h5", "not an HDF5 file"}}) {
    try {
      (void)ResultStore::read(file);
      FAIL() << file;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
  // A truncated copy of a real result file.
  { ResultStore::open_for_sweep(path_, header(), false).add(record("a", "0")); }
  fs::copy_file(path_, dir_ / "cut.h5");
  fs::resize_file(dir_ / "cut.h5", fs::file_size(path_) / 2);
  EXPECT_THROW((void)ResultStore::read(dir_ / "cut.h5"), InputError);
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Entries advx cannot read back as columns (a damaged dataset, something a user added) must stop a read
// with their name: skipping them would drop them from every table, and from the file itself on the next
// resume or merge (which rewrite it from what was read).
TEST_F(ResultStoreTest, UnreadableOrForeignEntriesAreErrorsNotSkipped) {
  struct Case {
    std::string what, fragment;
  };
  for (const Case& c : {Case{"group", "/trials/extra cannot be opened as a dataset"},
                        Case{"matrix", "/trials/extra is not a column advx writes"},
                        Case{"curve", "/curves/extra is not a curve advx writes"}}) {
    SCOPED_TRACE(c.what);
    fs::remove(path_);
    { ResultStore::open_for_sweep(path_, header(), false).add(record("a", "0")); }
    {
      const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
      ASSERT_GE(file, 0);
      if (c.what == "group") {
        H5Gclose(H5Gcreate2(file, "/trials/extra", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      } else {
        const hsize_t dims[2] = {c.what == "curve" ? hsize_t{5} : hsize_t{1}, 2};
        const hid_t space = H5Screate_simple(2, dims, nullptr);
        const char* name = c.what == "curve" ? "/curves/extra" : "/trials/extra";
        H5Dclose(H5Dcreate2(file, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        H5Sclose(space);
      }
      H5Fclose(file);
    }
    const std::string before = file_bytes(path_);
    try {
      (void)ResultStore::read(path_);
      FAIL() << "read accepted the file";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(c.fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(path_.string()), std::string::npos) << e.what();
    }
    // Resuming into it is refused too, and leaves the file as it was.
    EXPECT_THROW((void)ResultStore::open_for_sweep(path_, header(), false), InputError);
    EXPECT_EQ(file_bytes(path_), before);
  }
}

TEST_F(ResultStoreTest, MergeTakesEachTrialOnceAndRefusesOtherSweeps) {
  {
    auto a = ResultStore::open_for_sweep(dir_ / "a.h5", header(), false);
    a.add(record("x", "0"));
    a.add(record("y", "200", "failed"));
    auto b = ResultStore::open_for_sweep(dir_ / "b.h5", header(), false);
    b.add(record("y", "200"));  // the shard that ran y successfully
    b.add(record("x", "0"));    // a duplicate of x
    ResultStore::open_for_sweep(dir_ / "other.h5", header("zzz"), false).add(record("z", "1"));
  }
  auto merged = ResultStore::open_for_sweep(path_, header(), false);
  EXPECT_EQ(merged.merge_from(ResultStore::read(dir_ / "a.h5")), 2u);
  EXPECT_EQ(merged.merge_from(ResultStore::read(dir_ / "b.h5")), 1u);  // y replaces the failed row; x is kept once
  const auto back = ResultStore::read(path_);
  EXPECT_EQ(back.column("trial_id").s, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(back.column("status").s, (std::vector<std::string>{"ok", "ok"}));
  EXPECT_EQ(back.curves().at("train_loss")[1], (std::vector<double>{10, 9, 8}));
  EXPECT_THROW(merged.merge_from(ResultStore::read(dir_ / "other.h5")), InputError);
}

// A shard stopped before its first trial finished holds an empty /trials: merging it takes nothing (it
// used to fail on the missing trial_id column, after the rows of earlier shards were written).
TEST_F(ResultStoreTest, MergeOfAFileWithoutRowsTakesNothing) {
  {
    ResultStore::open_for_sweep(dir_ / "empty.h5", header(), false);
    ResultStore::open_for_sweep(dir_ / "a.h5", header(), false).add(record("x", "0"));
  }
  ASSERT_EQ(ResultStore::read(dir_ / "empty.h5").rows(), 0u);
  auto merged = ResultStore::open_for_sweep(path_, header(), false);
  EXPECT_EQ(merged.merge_from(ResultStore::read(dir_ / "empty.h5")), 0u);
  EXPECT_EQ(merged.merge_from(ResultStore::read(dir_ / "a.h5")), 1u);
  EXPECT_EQ(merged.merge_from(ResultStore::read(dir_ / "empty.h5")), 0u);
  EXPECT_EQ(ResultStore::read(path_).column("trial_id").s, (std::vector<std::string>{"x"}));
}

// Names of a group's links (or, with attributes, of an object's attributes) by `index`; stops at the
// first failure, so a group that does not track creation order gives none by H5_INDEX_CRT_ORDER.
std::vector<std::string> names_by(hid_t file, const char* path, H5_index_t index, bool attributes = false) {
  std::vector<std::string> out;
  for (hsize_t k = 0;; ++k) {
    char name[256] = {0};
    const auto len = attributes ? H5Aget_name_by_idx(file, path, index, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT)
                                : H5Lget_name_by_idx(file, path, index, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT);
    if (len < 0) return out;
    out.emplace_back(name);
  }
}

// The columns in the order put() creates them for record(): what identifies the trial, its grid value, how
// it ran, then each checkpoint's epoch and metrics.
const std::vector<std::string> kWrittenOrder{
    "trial_id", "trial_index", "replicate", "seed", "adversaries.gender.lambda",
    "status", "message", "rank", "host", "wall_seconds", "epochs_run", "diverged_epoch", "seconds_per_epoch",
    "best.epoch", "best.attack.gender.bacc", "best.test.ndcg@10", "last.epoch", "last.test.ndcg@10"};

// h5py (and HDF5 by H5_INDEX_CRT_ORDER) list the columns in the order advx writes them, not by name:
// `pd.DataFrame({k: f["trials"][k][()] for k in f["trials"]})` starts with trial_id and the grid values.
TEST_F(ResultStoreTest, GroupsAndAttributesListInTheOrderWritten) {
  {
    auto s = ResultStore::open_for_sweep(path_, header(), false);
    s.add(record("a", "0"));
    s.add(record("b", "200"));
  }
  EXPECT_EQ(ResultStore::read(path_).column_names(), kWrittenOrder);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // the probe past the last name fails, quietly
  const hid_t file = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  EXPECT_EQ(names_by(file, "trials", H5_INDEX_CRT_ORDER), kWrittenOrder);
  const auto curves = names_by(file, "curves", H5_INDEX_CRT_ORDER);
  EXPECT_EQ(curves, (std::vector<std::string>{"train_loss", "train_vae_loss", "val_loss", "val_select", "lr",
                                              "epoch_seconds", "adv_loss.gender"}));
  const auto attributes = names_by(file, ".", H5_INDEX_CRT_ORDER, true);
  ASSERT_GE(attributes.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(attributes.begin(), attributes.begin() + 3),
            (std::vector<std::string>{"format", "format_version", "advx_version"}));
  H5Fclose(file);
}

// A copy of `from` as an advx build before creation order wrote it: groups and attributes by name only.
void copy_without_creation_order(const fs::path& from, const fs::path& to) {
  const hid_t src = H5Fopen(from.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t dst = H5Fcreate(to.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(src, 0);
  ASSERT_GE(dst, 0);
  hid_t target = dst;
  H5Aiterate2(src, H5_INDEX_NAME, H5_ITER_INC, nullptr,
              [](hid_t loc, const char* name, const H5A_info_t*, void* data) -> herr_t {
                const hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
                const hid_t type = H5Aget_type(attr), space = H5Aget_space(attr);
                const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
                std::vector<char> buf(std::max<std::size_t>(1, n * H5Tget_size(type)));
                const hid_t copy = H5Acreate2(*static_cast<hid_t*>(data), name, type, space, H5P_DEFAULT, H5P_DEFAULT);
                if (n > 0) {
                  H5Aread(attr, type, buf.data());
                  H5Awrite(copy, type, buf.data());
#if H5_VERSION_GE(1, 12, 0)
                  H5Treclaim(type, space, H5P_DEFAULT, buf.data());  // the strings HDF5 allocated
#else
                  H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf.data());
#endif
                }
                H5Aclose(copy);
                H5Sclose(space);
                H5Tclose(type);
                H5Aclose(attr);
                return 0;
              },
              &target);
  for (const char* group : {"trials", "curves"}) {
    H5Gclose(H5Gcreate2(dst, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    for (const auto& name : names_by(src, group, H5_INDEX_NAME)) {
      const auto path = std::string(group) + "/" + name;
      ASSERT_GE(H5Ocopy(src, path.c_str(), dst, path.c_str(), H5P_DEFAULT, H5P_DEFAULT), 0) << path;
    }
  }
  H5Fclose(dst);
  H5Fclose(src);
}

TEST_F(ResultStoreTest, AFileListingByNameIsReadInTheOrderWrittenAndResumed) {
  const auto earlier = dir_ / "earlier.h5";
  {
    auto s = ResultStore::open_for_sweep(dir_ / "new.h5", header(), false);
    s.add(record("a", "0"));
    s.add(record("b", "200"));
  }
  copy_without_creation_order(dir_ / "new.h5", earlier);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  {
    const hid_t file = H5Fopen(earlier.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    ASSERT_TRUE(names_by(file, "trials", H5_INDEX_CRT_ORDER).empty()) << "the copy tracks creation order";
    ASSERT_EQ(names_by(file, "trials", H5_INDEX_NAME).front(), "adversaries.gender.lambda");
    H5Fclose(file);
  }
  const auto read = ResultStore::read(earlier);
  EXPECT_EQ(read.column_names(), kWrittenOrder);
  EXPECT_EQ(read.column("adversaries.gender.lambda").f, (std::vector<double>{0, 200}));
  EXPECT_EQ(read.curves().at("train_loss")[1], (std::vector<double>{10, 9, 8}));
  // A resume appends to it and writes it as a new file: in the order written, creation order tracked.
  ResultStore::open_for_sweep(earlier, header(), false).add(record("c", "400"));
  const auto back = ResultStore::read(earlier);
  EXPECT_EQ(back.column("trial_id").s, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(back.column_names(), kWrittenOrder);
  const hid_t file = H5Fopen(earlier.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  EXPECT_EQ(names_by(file, "trials", H5_INDEX_CRT_ORDER), kWrittenOrder);
  EXPECT_EQ(names_by(file, "curves", H5_INDEX_CRT_ORDER).front(), "train_loss");
  H5Fclose(file);
}

TEST_F(ResultStoreTest, NoTemporaryFileIsLeftBehind) {
  { ResultStore::open_for_sweep(path_, header(), false).add(record("a", "0")); }
  for (const auto& e : fs::directory_iterator(dir_)) EXPECT_EQ(e.path().extension(), ".h5") << e.path();
}

}  // namespace
}  // namespace advx
