#include "advx/data/readers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "advx/common/error.h"
#include "advx/data/synthetic.h"
#include "test_helpers.h"

namespace advx {
namespace {

namespace fs = std::filesystem;

// ---- The malformed-input corpus: tests/data/bad/<case>/ holds the files (as NAME.in) and EXPECTED, whose lines
// `format: ...` and `error: ...` give the format to read with and a fragment the message must contain
// (always the file name and, where the problem is on a line, that line).
struct BadCase {
  std::string name, format, error;
};

std::vector<BadCase> load_bad_cases() {
  std::vector<BadCase> cases;
  for (const auto& entry : fs::directory_iterator(test::test_data("bad"))) {
    std::ifstream in(entry.path() / "EXPECTED");
    BadCase c{entry.path().filename().string(), "", ""};
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("format: ", 0) == 0) c.format = line.substr(8);
      if (line.rfind("error: ", 0) == 0) c.error = line.substr(7);
    }
    cases.push_back(c);
  }
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return cases;
}

class BadData : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadData, GivesAnErrorNamingFileAndLine) {
  const auto& c = GetParam();
  ASSERT_FALSE(c.format.empty()) << c.name << ": EXPECTED has no format line";
  ASSERT_FALSE(c.error.empty()) << c.name << ": EXPECTED has no error line";
  const auto dir = test::fixture("bad/" + c.name);
  try {
    (void)read_raw_dataset(parse_data_format(c.format), dir);
    FAIL() << c.name << ": read without error";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(c.error), std::string::npos) << c.name << "\n  message:  " << msg << "\n  expected: " << c.error;
    EXPECT_EQ(msg.rfind(dir.string(), 0), 0u) << "message must start with the file's path: " << msg;
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadData, ::testing::ValuesIn(load_bad_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(BadDataCorpus, HasAtLeastFifteenCases) { EXPECT_GE(load_bad_cases().size(), 15u); }

TEST(Readers, MissingDirectoryAndUnknownFormat) {
  EXPECT_THROW((void)read_raw_dataset(DataFormat::kMovieLens1M, "/nonexistent/advx"), InputError);
  try {
    (void)parse_data_format("parquet");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "unknown data format 'parquet' (expected movielens-1m, movielens-100k or csv)");
  }
}

TEST(Readers, CsvPairWithMissingValuesAndTsv) {
  test::TempDir dir;
  test::write_file(dir.path() / "users.tsv", "user\tgender\tage\tcountry\n3\tm\t31\tAT\n1\tf\t\tUS\n2\t\t22.5\tUS\n");
  test::write_file(dir.path() / "interactions.tsv", "user\titem\tweight\n1\t7\t2\n2\t7\t1\n3\t9\t5\n1\t9\t1\n");
  const auto raw = read_csv_pair(dir.path());
  EXPECT_EQ(raw.user_ids, (std::vector<std::int64_t>{1, 2, 3}));
  const auto& gender = raw.attributes.get("gender");
  ASSERT_TRUE(gender.is_categorical());
  EXPECT_EQ(gender.codes(), (std::vector<std::int32_t>{0, -1, 1}));  // f, missing, m
  const auto& age = raw.attributes.get("age");
  ASSERT_FALSE(age.is_categorical());
  EXPECT_TRUE(std::isnan(age.values()[0]));
  EXPECT_FLOAT_EQ(age.values()[1], 22.5f);
  EXPECT_TRUE(raw.attributes.get("country").is_categorical());
  EXPECT_EQ(raw.rating_value, (std::vector<float>{2, 1, 5, 1}));
  const auto ds = preprocess(raw, {.min_rating = 2.0f, .min_user = 1, .min_item = 1});
  EXPECT_EQ(ds.users(), 2);  // user 2's only weight is 1 < 2
  EXPECT_EQ(ds.interactions.nnz(), 2);
}

TEST(Readers, CsvWithoutWeightsCountsEveryRow) {
  test::TempDir dir;
  test::write_file(dir.path() / "users.csv", "user,gender\n1,f\n2,m\n");
  test::write_file(dir.path() / "interactions.csv", "user,item\n1,5\n2,5\n2,6\n");
  const auto raw = read_csv_pair(dir.path());
  EXPECT_EQ(raw.rating_value, (std::vector<float>{1, 1, 1}));
  EXPECT_FALSE(raw.has_values);
  EXPECT_EQ(preprocess(raw, {.min_rating = 1.0f, .min_user = 1, .min_item = 1}).interactions.nnz(), 3);
  // No ratings in the file: the default data.min_rating 4 does not drop them (it dropped every row).
  EXPECT_EQ(preprocess(raw, {.min_rating = 4.0f, .min_user = 1, .min_item = 1}).interactions.nnz(), 3);
}

TEST(Readers, CsvWithByteOrderMarkTrailingBlankLinesTinyValuesAndCrLineEnds) {
  // A spreadsheet's export: a UTF-8 BOM before the header, blank lines at the end; a value below float's
  // range reads as 0 (a value above it is refused: tests/data/bad/csv_attribute_out_of_float_range).
  test::TempDir dir;
  test::write_file(dir.path() / "users.csv", "\xEF\xBB\xBFuser,gender,score\r\n1,f,1e-50\r\n2,m,2\r\n\r\n\n");
  test::write_file(dir.path() / "interactions.csv", "\xEF\xBB\xBFuser,item\n1,5\n2,5\n\n");
  const auto raw = read_csv_pair(dir.path());
  EXPECT_EQ(raw.user_ids, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(raw.attributes.get("gender").labels(), (std::vector<std::string>{"f", "m"}));
  EXPECT_EQ(raw.attributes.get("score").values(), (std::vector<float>{0.0f, 2.0f}));
  EXPECT_EQ(raw.rating_user.size(), 2u);
  // Lines ended by a lone CR (a "CSV (Macintosh)" export).
  test::write_file(dir.path() / "users.csv", "user,gender,score\r1,f,3\r2,m,2\r");
  test::write_file(dir.path() / "interactions.csv", "user,item\r1,5\r2,5\r");
  const auto mac = read_csv_pair(dir.path());
  EXPECT_EQ(mac.user_ids, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(mac.attributes.get("score").values(), (std::vector<float>{3.0f, 2.0f}));
  EXPECT_EQ(mac.rating_user.size(), 2u);
  // A blank line before more content is still an error.
  test::write_file(dir.path() / "interactions.csv", "user,item\n1,5\n\n2,5\n");
  EXPECT_THROW((void)read_csv_pair(dir.path()), InputError);
}

TEST(Readers, ReadNumberIsOneRuleForCellsAndLabels) {
  EXPECT_EQ(read_number(" 42 ").value, 42.0);
  EXPECT_TRUE(read_number("\t-3.5e2").finite());
  EXPECT_EQ(read_number("1e-400").value, 0.0);  // below the smallest double: 0, a number
  EXPECT_TRUE(read_number("1e-400").finite());
  for (const char* word : {"", " ", "NA", "nan", "inf", "-inf", "52O", "0x1A", "1,5", "+1", "1e"})
    EXPECT_EQ(read_number(word).kind, NumberText::Kind::kNotANumber) << "'" << word << "'";
  EXPECT_EQ(read_number("1e400").kind, NumberText::Kind::kOutOfRange);
  EXPECT_EQ(read_number("-1e400").kind, NumberText::Kind::kOutOfRange);
}

TEST(Readers, MovieLens1MRealUsersWithSyntheticRatings) {
  // The real users.dat (6040 users) with a ratings.dat in ML-1M format written by the generator for
  // user ids 1..6040.
  const auto users = test::shared_data("ml-1m/users.dat");
  if (!fs::exists(users)) GTEST_SKIP() << "real data not available at " << users;
  test::TempDir dir;
  write_synthetic_movielens(dir.path(), {.users = 6040, .items = 400, .seed = 3});
  fs::copy_file(users, dir.path() / "users.dat", fs::copy_options::overwrite_existing);
  const auto raw = read_movielens_1m(dir.path());
  ASSERT_EQ(raw.user_ids.size(), 6040u);
  const auto& g = raw.attributes.get("gender");
  EXPECT_EQ(std::count(g.codes().begin(), g.codes().end(), 0), 1709);  // F (data README)
  EXPECT_EQ(std::count(g.codes().begin(), g.codes().end(), 1), 4331);  // M
  const auto& age = raw.attributes.get("age").values();
  EXPECT_EQ(std::count(age.begin(), age.end(), 1.0f), 222);
  EXPECT_EQ(std::count(age.begin(), age.end(), 25.0f), 2096);
  EXPECT_EQ(std::count(age.begin(), age.end(), 56.0f), 380);
  EXPECT_EQ(raw.attributes.get("occupation").labels().size(), 21u);
}

}  // namespace
}  // namespace advx
