#pragma once
// Train vs. eval, as in PyTorch's module.train()/eval(): train mode samples dropout masks and the
// reparameterisation noise and keeps what backward needs; eval mode is deterministic and forward-only.

namespace advx::nn {

enum class Mode { train, eval };

}  // namespace advx::nn
