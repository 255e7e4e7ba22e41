#include "advx/nn/linear.h"

#include <algorithm>

#include "check.h"
#include "kernels.h"

namespace advx::nn {

namespace {
using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;

// oneDNN reads but never writes inputs; its memory API takes a non-const handle.
void* handle(const Tensor& t) { return const_cast<float*>(t.data()); }
void* handle(Tensor& t) { return t.data(); }

// A plain f32 3-D descriptor {batch, r, c} with explicit strides (a transposed view is strides only).
dnnl::memory::desc md(std::int64_t batch, std::int64_t r, std::int64_t c, std::int64_t sb, std::int64_t sr,
                      std::int64_t sc) {
  return {dims{batch, r, c}, dt::f32, dims{sb, sr, sc}};
}
}  // namespace

dnnl::matmul Linear::build_matmul(const dnnl::memory::desc& a, const dnnl::memory::desc& b,
                                  const dnnl::memory::desc& c) const {
  return dnnl::matmul(dnnl::matmul::primitive_desc(dnnl::matmul::desc(a, b, c), engine_->engine()));
}

Linear::Linear(Engine& engine, std::int64_t in_features, std::int64_t out_features, std::int64_t count)
    : engine_(&engine), in_(in_features), out_(out_features), count_(count) {
  detail::require(in_features > 0 && out_features > 0 && count > 0,
                  "Linear: sizes must be positive, got {} -> {} (×{})", in_features, out_features, count);
  weight_ = Tensor(count * out_features, in_features);
  bias_ = Tensor(count, out_features);
  weight_grad_ = Tensor(count * out_features, in_features);
  bias_grad_ = Tensor(count, out_features);
}

std::int64_t Linear::rows_per_head(const Tensor& t, std::int64_t cols, const char* what) const {
  detail::require(t.cols() == cols && t.rows() % count_ == 0, "Linear: {} is [{} x {}], expected [{}·rows x {}]",
                  what, t.rows(), t.cols(), count_, cols);
  return t.rows() / count_;
}

Linear::Primitives& Linear::primitives_for(std::int64_t rows) {
  const auto it = cache_.find(rows);
  if (it != cache_.end()) return it->second;
  const auto& eng = engine_->engine();
  const std::int64_t n = count_, in = in_, out = out_;

  const auto x_md = md(n, rows, in, rows * in, in, 1);
  const auto y_md = md(n, rows, out, rows * out, out, 1);
  const auto w_md = md(n, out, in, out * in, in, 1);       // W as stored, [out × in] per head
  const auto w_t_md = md(n, in, out, out * in, 1, in);     // the same buffer read as Wᵀ
  const auto dy_t_md = md(n, out, rows, rows * out, 1, out);  // dy read transposed
  const auto bias_md = md(1, 1, out, out, out, 1);
  // One bias row broadcast over the rows is fused into the forward matmul; a per-head bias {n, 1, out}
  // sends oneDNN 2.6 to its reference matmul (≈ 100× slower at the heads' shapes), so with several
  // heads the bias is added after the product instead.
  const bool fused_bias = n == 1;
  const auto memory = [&](const dnnl::memory::desc& d) { return dnnl::memory(d, eng, DNNL_MEMORY_NONE); };

  // Only the forward is built here; the backward passes are built on first use (evaluation row counts,
  // e.g. all validation users at once, never need them).
  Primitives p;
  p.forward = dnnl::matmul(dnnl::matmul::primitive_desc(  // y = x·Wᵀ (+ b)
      fused_bias ? dnnl::matmul::desc(x_md, w_t_md, bias_md, y_md) : dnnl::matmul::desc(x_md, w_t_md, y_md), eng));
  p.x = memory(x_md);
  p.y = memory(y_md);
  p.w_t = memory(w_t_md);
  if (fused_bias) p.bias = memory(bias_md);
  p.bd_dy = memory(y_md);
  p.bd_w = memory(w_md);
  p.bd_dx = memory(x_md);
  p.bw_dy_t = memory(dy_t_md);
  p.bw_x = memory(x_md);
  p.bw_dw = memory(w_md);
  return cache_.emplace(rows, std::move(p)).first->second;
}

void Linear::forward(const Tensor& x, Tensor& y, Mode /*mode*/) {
  const std::int64_t rows = rows_per_head(x, in_, "the forward input x");
  y.resize(x.rows(), out_);
  if (rows == 0) return;
  Primitives& p = primitives_for(rows);
  p.x.set_data_handle(handle(x));
  p.w_t.set_data_handle(handle(weight_));
  p.y.set_data_handle(handle(y));
  if (p.bias) {
    p.bias.set_data_handle(handle(bias_));
    p.forward.execute(engine_->stream(),
                      {{DNNL_ARG_SRC, p.x}, {DNNL_ARG_WEIGHTS, p.w_t}, {DNNL_ARG_BIAS, p.bias}, {DNNL_ARG_DST, p.y}});
    engine_->stream().wait();
    return;
  }
  p.forward.execute(engine_->stream(), {{DNNL_ARG_SRC, p.x}, {DNNL_ARG_WEIGHTS, p.w_t}, {DNNL_ARG_DST, p.y}});
  engine_->stream().wait();
  for (std::int64_t h = 0; h < count_; ++h)
    kernels::add_row_to_rows(bias_.row(h).data(), y.row(h * rows).data(), rows, out_);
}

void Linear::backward_data(const Tensor& dy, Tensor& dx) {
  const std::int64_t rows = rows_per_head(dy, out_, "backward_data's dy");
  dx.resize(dy.rows(), in_);
  if (rows == 0) return;
  Primitives& p = primitives_for(rows);
  if (!p.backward_data)  // dx = dy·W
    p.backward_data = build_matmul(p.bd_dy.get_desc(), p.bd_w.get_desc(), p.bd_dx.get_desc());
  p.bd_dy.set_data_handle(handle(dy));
  p.bd_w.set_data_handle(handle(weight_));
  p.bd_dx.set_data_handle(handle(dx));
  p.backward_data.execute(engine_->stream(),
                          {{DNNL_ARG_SRC, p.bd_dy}, {DNNL_ARG_WEIGHTS, p.bd_w}, {DNNL_ARG_DST, p.bd_dx}});
  engine_->stream().wait();
}

void Linear::backward_weights(const Tensor& x, const Tensor& dy) {
  const std::int64_t rows = rows_per_head(x, in_, "backward_weights' x");
  detail::require(rows_per_head(dy, out_, "backward_weights' dy") == rows,
                  "Linear::backward_weights: x has {} rows, dy {}", x.rows(), dy.rows());
  if (rows == 0) {
    weight_grad_.zero();
    bias_grad_.zero();
    return;
  }
  Primitives& p = primitives_for(rows);
  if (!p.backward_weights)  // dW = dyᵀ·x
    p.backward_weights = build_matmul(p.bw_dy_t.get_desc(), p.bw_x.get_desc(), p.bw_dw.get_desc());
  p.bw_dy_t.set_data_handle(handle(dy));
  p.bw_x.set_data_handle(handle(x));
  p.bw_dw.set_data_handle(handle(weight_grad_));
  p.backward_weights.execute(engine_->stream(),
                             {{DNNL_ARG_SRC, p.bw_dy_t}, {DNNL_ARG_WEIGHTS, p.bw_x}, {DNNL_ARG_DST, p.bw_dw}});
  engine_->stream().wait();
  // db_h = Σ_rows dy_h, in row order (matmul has no bias-gradient output).
  bias_grad_.zero();
  for (std::int64_t h = 0; h < count_; ++h)
    kernels::add_rows_to_row(dy.row(h * rows).data(), rows, out_, bias_grad_.row(h).data());
}

}  // namespace advx::nn
