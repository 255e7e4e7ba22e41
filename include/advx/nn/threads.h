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

/// Runs two independent pieces of work. With exactly two threads they run side by side, one thread
/// each (advx's loops inside run on that thread; oneDNN never nests inside a parallel region). For
/// phases that gain little from a second thread on their own (the heads' small matmuls, the two backward
/// GEMMs of one layer). Otherwise, and inside a parallel region, `first` then `second`: at more threads,
/// side by side would take all but one from GEMMs that do use them (not measured: this box has 2 cores).
/// Both sides may use one Engine: oneDNN's CPU stream (OpenMP build) executes synchronously and keeps
/// no state, and the matmul primitives advx runs keep their scratchpad in the primitive object, so two
/// different primitives can run at once on two threads, whichever thread created them. (A primitive
/// kind that used oneDNN's shared per-thread scratchpad could not move between threads: check before
/// putting one on a side.) Never put the same primitive on both sides.
/// Errors: run side by side, both sides finish and then `first`'s exception (else `second`'s) reaches
/// the caller; run in order, `second` does not start if `first` throws.
void side_by_side(const std::function<void()>& first, const std::function<void()>& second);

}  // namespace advx::nn
