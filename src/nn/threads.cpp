#include "advx/nn/threads.h"

#include <omp.h>

#include <exception>

#include "check.h"

namespace advx::nn {

void set_num_threads(int n) {
  detail::require(n >= 1, "set_num_threads: thread count must be >= 1, got {}", n);
  omp_set_num_threads(n);
}

int num_threads() { return omp_get_max_threads(); }

void side_by_side(const std::function<void()>& first, const std::function<void()>& second) {
  if (omp_get_max_threads() != 2 || omp_in_parallel()) {
    first();
    second();
    return;
  }
  std::exception_ptr failure[2];
  const auto run = [&](int side) {
    try {
      (side == 0 ? first : second)();
    } catch (...) {
      failure[side] = std::current_exception();
    }
  };
#pragma omp parallel num_threads(2)
  {
    // One thread per side even if nesting is enabled (OMP_MAX_ACTIVE_LEVELS > 1): this sets the ICV of
    // this side's own task only, so the caller's thread count is untouched after the region.
    omp_set_num_threads(1);
    if (omp_get_num_threads() == 2) {
      run(omp_get_thread_num());
    } else {  // the runtime gave a team of one (OMP_DYNAMIC, thread limits): in order, as without threads
      run(0);
      if (!failure[0]) run(1);
    }
  }
  for (const auto& f : failure)
    if (f) std::rethrow_exception(f);
}

}  // namespace advx::nn
