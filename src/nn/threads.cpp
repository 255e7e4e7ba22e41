#include "advx/nn/threads.h"

#include <omp.h>

#include "check.h"

namespace advx::nn {

void set_num_threads(int n) {
  detail::require(n >= 1, "set_num_threads: thread count must be >= 1, got {}", n);
  omp_set_num_threads(n);
}

int num_threads() { return omp_get_max_threads(); }

}  // namespace advx::nn
