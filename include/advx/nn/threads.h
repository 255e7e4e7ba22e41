#pragma once
// The one place that sets how many threads advx's numeric code uses. oneDNN here is built on the OpenMP
// runtime, so its primitives and advx's own `omp parallel` loops share the OpenMP thread count.
// On this 2-core box one trial per core (1 thread each) is the measured sweet spot (notes/toolchain.md).
// advx's own loops give the same bits for any thread count (per-row work, serial reductions); oneDNN's
// GEMMs may differ in the last bits between thread counts, so bit-reproducible runs fix the count.

#include <functional>

namespace advx::nn {

/// Sets the OpenMP thread count for subsequent parallel regions of the calling thread
/// (omp_set_num_threads). n must be ≥ 1, else std::invalid_argument.
void set_num_threads(int n);

/// The thread count parallel regions would use now (omp_get_max_threads).
[[nodiscard]] int num_threads();

/// Runs two independent pieces of work. With two or more threads they run side by side, one thread
/// each, and the oneDNN primitives and advx loops inside them run on that one thread (no nested
/// parallelism); with one thread, `first` then `second`. For phases that gain little from a second
/// thread on their own (small matmuls, the two backward GEMMs of one layer). Both may use one Engine:
/// oneDNN's CPU stream (OpenMP build) executes synchronously and keeps no state, and its library
/// scratchpad is per thread. If either throws, the exception reaches the caller after both have ended
/// (`first`'s if both throw).
void side_by_side(const std::function<void()>& first, const std::function<void()>& second);

}  // namespace advx::nn
