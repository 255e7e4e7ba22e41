#include "advx/nn/engine.h"

namespace advx::nn {

Engine::Engine() : engine_(dnnl::engine::kind::cpu, 0), stream_(engine_) {}

}  // namespace advx::nn
