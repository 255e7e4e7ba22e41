#include "advx/nn/linear.h"

#include <unordered_map>

#include "check.h"

namespace advx::nn {

namespace {
using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

// oneDNN reads but never writes inputs; its memory API takes a non-const handle.
void* handle(const Tensor& t) { return const_cast<float*>(t.data()); }
void* handle(Tensor& t) { return t.data(); }
}  // namespace

Linear::Linear(Engine& engine, std::int64_t in_features, std::int64_t out_features)
    : engine_(&engine),
      in_(in_features),
      out_(out_features),
      weight_(out_features, in_features),
      bias_(1, out_features),
      weight_grad_(out_features, in_features),
      bias_grad_(1, out_features) {
  detail::require(in_features > 0 && out_features > 0, "Linear: sizes must be positive, got {} -> {}",
                  in_features, out_features);
}

Linear::Primitives& Linear::primitives_for(std::int64_t rows) {
  const auto it = cache_.find(rows);
  if (it != cache_.end()) return it->second;

  const dnnl::memory::desc src_md({rows, in_}, dt::f32, tag::nc);
  const dnnl::memory::desc weights_md({out_, in_}, dt::f32, tag::oi);
  const dnnl::memory::desc bias_md({out_}, dt::f32, tag::x);
  const dnnl::memory::desc dst_md({rows, out_}, dt::f32, tag::nc);
  const auto& eng = engine_->engine();

  Primitives p;
  // The training forward descriptor is always built: the backward descriptors take it as their hint.
  p.train_pd = dnnl::inner_product_forward::primitive_desc(
      dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_training, src_md, weights_md, bias_md,
                                        dst_md),
      eng);
  p.src = dnnl::memory(src_md, eng, DNNL_MEMORY_NONE);
  p.weights = dnnl::memory(weights_md, eng, DNNL_MEMORY_NONE);
  p.bias = dnnl::memory(bias_md, eng, DNNL_MEMORY_NONE);
  p.dst = dnnl::memory(dst_md, eng, DNNL_MEMORY_NONE);
  return cache_.emplace(rows, std::move(p)).first->second;
}

void Linear::forward(const Tensor& x, Tensor& y, Mode mode) {
  detail::require(x.cols() == in_, "Linear::forward: input has {} columns, layer expects {}", x.cols(), in_);
  const std::int64_t rows = x.rows();
  y.resize(rows, out_);
  if (rows == 0) return;
  Primitives& p = primitives_for(rows);

  dnnl::inner_product_forward* prim = nullptr;
  if (mode == Mode::train) {
    if (!p.forward_train) p.forward_train = dnnl::inner_product_forward(p.train_pd);
    prim = &p.forward_train;
  } else {
    if (!p.forward_infer) {
      const dnnl::inner_product_forward::primitive_desc pd(
          dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_inference, p.src.get_desc(),
                                            p.weights.get_desc(), p.bias.get_desc(), p.dst.get_desc()),
          engine_->engine());
      p.forward_infer = dnnl::inner_product_forward(pd);
    }
    prim = &p.forward_infer;
  }
  p.src.set_data_handle(handle(x));
  p.weights.set_data_handle(handle(weight_));
  p.bias.set_data_handle(handle(bias_));
  p.dst.set_data_handle(handle(y));
  prim->execute(engine_->stream(), {{DNNL_ARG_SRC, p.src},
                                    {DNNL_ARG_WEIGHTS, p.weights},
                                    {DNNL_ARG_BIAS, p.bias},
                                    {DNNL_ARG_DST, p.dst}});
  engine_->stream().wait();
}

void Linear::backward_data(const Tensor& dy, Tensor& dx) {
  detail::require(dy.cols() == out_, "Linear::backward_data: dy has {} columns, layer outputs {}", dy.cols(),
                  out_);
  const std::int64_t rows = dy.rows();
  dx.resize(rows, in_);
  if (rows == 0) return;
  Primitives& p = primitives_for(rows);
  if (!p.backward_data) {
    const dnnl::inner_product_backward_data::primitive_desc pd(
        dnnl::inner_product_backward_data::desc(p.src.get_desc(), p.weights.get_desc(), p.dst.get_desc()),
        engine_->engine(), p.train_pd);
    p.backward_data = dnnl::inner_product_backward_data(pd);
  }
  // The cached memory objects double as diff_* memories: the layouts are the same plain ones.
  p.dst.set_data_handle(handle(dy));
  p.weights.set_data_handle(handle(weight_));
  p.src.set_data_handle(handle(dx));
  p.backward_data.execute(engine_->stream(), {{DNNL_ARG_DIFF_DST, p.dst},
                                               {DNNL_ARG_WEIGHTS, p.weights},
                                               {DNNL_ARG_DIFF_SRC, p.src}});
  engine_->stream().wait();
}

void Linear::backward_weights(const Tensor& x, const Tensor& dy) {
  detail::require(x.cols() == in_ && dy.cols() == out_ && x.rows() == dy.rows(),
                  "Linear::backward_weights: x [{} x {}] and dy [{} x {}] do not fit a {} -> {} layer",
                  x.rows(), x.cols(), dy.rows(), dy.cols(), in_, out_);
  const std::int64_t rows = x.rows();
  if (rows == 0) {
    weight_grad_.zero();
    bias_grad_.zero();
    return;
  }
  Primitives& p = primitives_for(rows);
  if (!p.backward_weights) {
    const dnnl::inner_product_backward_weights::primitive_desc pd(
        dnnl::inner_product_backward_weights::desc(p.src.get_desc(), p.weights.get_desc(),
                                                   p.bias.get_desc(), p.dst.get_desc()),
        engine_->engine(), p.train_pd);
    p.backward_weights = dnnl::inner_product_backward_weights(pd);
  }
  p.src.set_data_handle(handle(x));
  p.dst.set_data_handle(handle(dy));
  p.weights.set_data_handle(handle(weight_grad_));
  p.bias.set_data_handle(handle(bias_grad_));
  p.backward_weights.execute(engine_->stream(), {{DNNL_ARG_SRC, p.src},
                                                  {DNNL_ARG_DIFF_DST, p.dst},
                                                  {DNNL_ARG_DIFF_WEIGHTS, p.weights},
                                                  {DNNL_ARG_DIFF_BIAS, p.bias}});
  engine_->stream().wait();
}

}  // namespace advx::nn
