#pragma once
// Per-user protected attributes, held as named columns aligned with the rows of the interaction matrix.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace advx {

/// How advx reads a cell or label as a number. One rule for the CSV reader's column typing (a column of
/// finite numbers is continuous), `data inspect`'s order of numeric labels and the trainer's check of a
/// column declared continuous: the whole text, spaces and tabs around it aside, is a decimal number
/// (std::from_chars); "nan" and "inf" are not numbers, and one too large for a double (1e400) is out of range.
struct NumberText {
  enum class Kind { kNotANumber, kFinite, kOutOfRange };
  Kind kind = Kind::kNotANumber;
  double value = 0;  ///< the number when kFinite (a value below the smallest double reads as 0)

  [[nodiscard]] bool finite() const { return kind == Kind::kFinite; }
};
[[nodiscard]] NumberText read_number(std::string_view text);

enum class AttributeKind { kCategorical, kContinuous };

/// One attribute column. Categorical columns hold label strings and integer codes; codes follow the
/// *sorted* order of the distinct labels (REFERENCE Q13: f = 0, m = 1), so class weights can be tied to
/// label strings rather than to positions. Missing values: code −1 / NaN.
class AttributeColumn {
 public:
  /// `raw[u]` is user u's label; an empty string is a missing value.
  static AttributeColumn categorical(std::string name, const std::vector<std::string>& raw);
  /// `values[u]` is user u's value; NaN is a missing value.
  static AttributeColumn continuous(std::string name, std::vector<float> values);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] AttributeKind kind() const { return kind_; }
  [[nodiscard]] bool is_categorical() const { return kind_ == AttributeKind::kCategorical; }
  [[nodiscard]] std::size_t size() const;
  /// Categorical: the sorted distinct labels; code c stands for labels()[c].
  [[nodiscard]] const std::vector<std::string>& labels() const { return labels_; }
  [[nodiscard]] const std::vector<std::int32_t>& codes() const { return codes_; }
  /// Continuous values.
  [[nodiscard]] const std::vector<float>& values() const { return values_; }
  /// Code of a label, or −1 when the column has no such label.
  [[nodiscard]] std::int32_t code_of(const std::string& label) const;
  /// Number of missing values.
  [[nodiscard]] std::size_t missing() const;

  /// The column restricted to the given rows, in that order. Categorical labels and codes are kept
  /// as they are (a label may end up with no user), so codes stay comparable across subsets.
  [[nodiscard]] AttributeColumn select(std::span<const std::int32_t> rows) const;

 private:
  std::string name_;
  AttributeKind kind_ = AttributeKind::kContinuous;
  std::vector<std::string> labels_;
  std::vector<std::int32_t> codes_;
  std::vector<float> values_;
};

/// The attributes of all users, one column per attribute.
class AttributeTable {
 public:
  void add(AttributeColumn column);
  [[nodiscard]] const std::vector<AttributeColumn>& columns() const { return columns_; }
  [[nodiscard]] bool has(const std::string& name) const;
  /// Throws InputError naming the attribute and the available ones when it is absent.
  [[nodiscard]] const AttributeColumn& get(const std::string& name) const;
  [[nodiscard]] AttributeTable select(std::span<const std::int32_t> rows) const;

 private:
  std::vector<AttributeColumn> columns_;
};

}  // namespace advx
