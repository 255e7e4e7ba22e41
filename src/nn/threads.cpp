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
  if (omp_get_max_threads() < 2 || omp_in_parallel()) {
    first();
    second();
    return;
  }
  std::exception_ptr failure[2];
#pragma omp parallel num_threads(2)
  {
    const int t = omp_get_thread_num();
    try {
      (t == 0 ? first : second)();
    } catch (...) {
      failure[t] = std::current_exception();
    }
  }
  for (const auto& f : failure)
    if (f) std::rethrow_exception(f);
}

}  // namespace advx::nn
