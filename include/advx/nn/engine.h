#pragma once
// The oneDNN execution context: one CPU engine and one in-order stream. It is created by whoever owns a
// model (one per trial / per thread of control) and passed by reference to the layers that run oneDNN
// primitives, so there is no process-global oneDNN state and tests can build as many as they like.

#include <dnnl.hpp>

namespace advx::nn {

class Engine {
 public:
  Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  [[nodiscard]] const dnnl::engine& engine() const { return engine_; }
  [[nodiscard]] dnnl::stream& stream() { return stream_; }

 private:
  dnnl::engine engine_;
  dnnl::stream stream_;
};

}  // namespace advx::nn
