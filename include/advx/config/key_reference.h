#pragma once
// The sweep-file key reference, generated from the parameter schema, so the docs cannot drift from
// the parser.

#include <string>

namespace advx {

/// A Markdown table (key | type | default | description) of every sweep-file key, in schema order;
/// dynamic keys appear as attributes.<name>.<field> and adversaries.<name>.<field>.
[[nodiscard]] std::string sweep_key_reference_markdown();

}  // namespace advx
