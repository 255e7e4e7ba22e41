#pragma once
// A batch of sparse rows with float values: the encoder's input (binary interactions after dropout and
// L2 normalisation) and the multinomial NLL's targets (the undropped binary rows). Built from a
// CsrMatrix and the list of user rows in the batch, so a shuffled batch needs no sub-matrix copy of the
// pattern beyond the batch itself.

#include <cstdint>
#include <span>
#include <vector>

#include "advx/common/rng.h"
#include "advx/data/csr_matrix.h"
#include "advx/nn/tensor.h"

namespace advx::nn {

/// Row r holds (col_idx[k], values[k]) for k in [row_ptr[r], row_ptr[r+1]), columns strictly
/// increasing. Invariants are established by the functions below, not re-checked by consumers.
struct SparseRows {
  std::int64_t cols = 0;
  std::vector<std::int64_t> row_ptr{0};
  std::vector<std::int32_t> col_idx;
  std::vector<float> values;

  [[nodiscard]] std::int64_t rows() const { return static_cast<std::int64_t>(row_ptr.size()) - 1; }
  [[nodiscard]] std::int64_t nnz() const { return row_ptr.back(); }
};

/// The given rows of `m` (in that order, repeats allowed), every value 1. Throws std::invalid_argument
/// for a row index out of range.
[[nodiscard]] SparseRows gather_rows(const CsrMatrix& m, std::span<const std::int32_t> rows);
/// All rows of `m`, every value 1.
[[nodiscard]] SparseRows gather_rows(const CsrMatrix& m);

/// The MultVAE input transform (REFERENCE §2, steps 1–2), in place: inverted dropout with probability p
/// on the binary entries (entry kept with scale 1/(1−p) unless u < p, where u is one uniform per stored
/// entry in row-major order from fill_uniform(*rng, ·), noise.h), then each row divided by
/// max(‖row‖₂, 1e-12). Dropped entries are removed from the structure (they contribute exactly 0).
/// Dropout on the implicit zeros of the dense row is a no-op, so drawing only for stored entries gives
/// the same distribution as PyTorch's dense dropout. p = 0 (eval mode) draws nothing and `rng` may be null; otherwise rng is required.
/// p must be in [0, 1] (p = 1 drops everything, as in PyTorch).
void dropout_normalize(SparseRows& x, float p, Rng* rng);

/// gather_rows followed by dropout_normalize: the encoder input of a batch. Eval: p = 0, rng = nullptr.
[[nodiscard]] SparseRows encoder_input(const CsrMatrix& m, std::span<const std::int32_t> rows, float p,
                                       Rng* rng);

/// Dense [rows × cols] copy (for tests and small matrices).
[[nodiscard]] Tensor densify(const SparseRows& x);

}  // namespace advx::nn
