// bench_sgemm_peak: oneDNN's fp32 throughput on the GEMM shapes of one MultVAE training step, i.e. the
// arithmetic limit advx's epoch time is compared against (bench/epoch.sh).
//
//   bench_sgemm_peak [--items 3706] [--batch 64] [--latent 100] [--threads 1] [--seconds 0.5]
//
// For each shape it times oneDNN inner_product and matmul (the primitive advx's nn::Linear uses), and prints
// GFLOP/s (2·M·N·K per call). Shapes (B = batch, L = latent, I = items):
//   decoder forward         [B×L]·[L×I]      inner_product forward,          matmul
//   decoder backward data   [B×I]·[I×L]      inner_product backward_data,    matmul
//   decoder backward weights[I×B]·[B×L]      inner_product backward_weights, matmul
//   dense encoder forward   [B×I]·[I×2L]     (what a dense encoder would cost; advx's encoder is sparse)
// The last line, "decoder step", is the FLOP-weighted harmonic mean of the three decoder shapes with the
// faster primitive each: the best a batch-B decoder pass can run at on this machine.
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <dnnl.hpp>

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using Clock = std::chrono::steady_clock;

struct Buf {
  std::vector<float> v;
  explicit Buf(std::int64_t n) : v(static_cast<std::size_t>(n)) {
    std::mt19937 g(1);
    std::normal_distribution<float> d(0.f, 0.05f);
    for (auto& x : v) x = d(g);
  }
  float* data() { return v.data(); }
};

/// Seconds per call: warm up, then repeat for at least `seconds`; the best of 3 such rounds.
double time_call(const std::function<void()>& f, double seconds) {
  for (int i = 0; i < 5; ++i) f();
  double best = 1e30;
  for (int round = 0; round < 3; ++round) {
    long n = 0;
    const auto t0 = Clock::now();
    double el = 0;
    do {
      f();
      ++n;
      el = std::chrono::duration<double>(Clock::now() - t0).count();
    } while (el < seconds / 3);
    best = std::min(best, el / static_cast<double>(n));
  }
  return best;
}

struct Result {
  std::string name;
  double flops, sec_ip, sec_mm;
};

}  // namespace

int main(int argc, char** argv) {
  std::int64_t items = 3706, batch = 64, latent = 100;
  int threads = 1;
  double seconds = 0.5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--items") items = std::atoll(argv[i + 1]);
    else if (k == "--batch") batch = std::atoll(argv[i + 1]);
    else if (k == "--latent") latent = std::atoll(argv[i + 1]);
    else if (k == "--threads") threads = std::atoi(argv[i + 1]);
    else if (k == "--seconds") seconds = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  omp_set_num_threads(threads);
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream strm(eng);
  const std::int64_t B = batch, L = latent, I = items;

  // Buffers large enough for every shape.
  Buf src(B * I), w(I * 2 * L), bias(I), dst(B * I), dsrc(B * I), dw(I * 2 * L), db(I);
  std::vector<Result> results;

  auto ip_case = [&](const std::string& name, std::int64_t rows, std::int64_t in, std::int64_t out) {
    // inner product src [rows×in], weights [out×in], dst [rows×out]
    const dnnl::memory::desc src_md({rows, in}, dt::f32, tag::nc), w_md({out, in}, dt::f32, tag::oi),
        b_md({out}, dt::f32, tag::x), dst_md({rows, out}, dt::f32, tag::nc);
    dnnl::memory m_src(src_md, eng, src.data()), m_w(w_md, eng, w.data()), m_b(b_md, eng, bias.data()),
        m_dst(dst_md, eng, dst.data()), m_dsrc(src_md, eng, dsrc.data()), m_dw(w_md, eng, dw.data()),
        m_db(b_md, eng, db.data());
    const dnnl::inner_product_forward::primitive_desc fpd(
        dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_training, src_md, w_md, b_md, dst_md), eng);
    dnnl::inner_product_forward fwd(fpd);
    const dnnl::inner_product_backward_data::primitive_desc bdpd(
        dnnl::inner_product_backward_data::desc(src_md, w_md, dst_md), eng, fpd);
    dnnl::inner_product_backward_data bwd_d(bdpd);
    const dnnl::inner_product_backward_weights::primitive_desc bwpd(
        dnnl::inner_product_backward_weights::desc(src_md, w_md, b_md, dst_md), eng, fpd);
    dnnl::inner_product_backward_weights bwd_w(bwpd);
    // matmul equivalents: [rows×in]·[in×out]; [rows×out]·[out×in]; [out×rows]·[rows×in]
    auto mm = [&](std::int64_t M, std::int64_t K, std::int64_t N, bool a_t, float* a, float* b, float* c) {
      const dnnl::memory::desc a_md({M, K}, dt::f32, a_t ? tag::ba : tag::ab), b_md2({K, N}, dt::f32, tag::ab),
          c_md({M, N}, dt::f32, tag::ab);
      auto pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(a_md, b_md2, c_md), eng);
      auto prim = std::make_shared<dnnl::matmul>(pd);
      auto ma = std::make_shared<dnnl::memory>(a_md, eng, a), mb = std::make_shared<dnnl::memory>(b_md2, eng, b),
           mc = std::make_shared<dnnl::memory>(c_md, eng, c);
      return [=, &strm] {
        prim->execute(strm, {{DNNL_ARG_SRC, *ma}, {DNNL_ARG_WEIGHTS, *mb}, {DNNL_ARG_DST, *mc}});
        strm.wait();
      };
    };
    const double fl = 2.0 * static_cast<double>(rows * in * out);
    Result rf{name + " forward        [" + std::to_string(rows) + "x" + std::to_string(in) + "]·[" +
                  std::to_string(in) + "x" + std::to_string(out) + "]",
              fl,
              time_call([&] {
                fwd.execute(strm, {{DNNL_ARG_SRC, m_src}, {DNNL_ARG_WEIGHTS, m_w}, {DNNL_ARG_BIAS, m_b},
                                   {DNNL_ARG_DST, m_dst}});
                strm.wait();
              }, seconds),
              time_call(mm(rows, in, out, false, src.data(), w.data(), dst.data()), seconds)};
    Result rd{name + " backward data  [" + std::to_string(rows) + "x" + std::to_string(out) + "]·[" +
                  std::to_string(out) + "x" + std::to_string(in) + "]",
              fl,
              time_call([&] {
                bwd_d.execute(strm, {{DNNL_ARG_DIFF_DST, m_dst}, {DNNL_ARG_WEIGHTS, m_w}, {DNNL_ARG_DIFF_SRC, m_dsrc}});
                strm.wait();
              }, seconds),
              time_call(mm(rows, out, in, false, dst.data(), w.data(), dsrc.data()), seconds)};
    Result rw{name + " backward wts   [" + std::to_string(out) + "x" + std::to_string(rows) + "]·[" +
                  std::to_string(rows) + "x" + std::to_string(in) + "]",
              fl,
              time_call([&] {
                bwd_w.execute(strm, {{DNNL_ARG_SRC, m_src}, {DNNL_ARG_DIFF_DST, m_dst}, {DNNL_ARG_DIFF_WEIGHTS, m_dw},
                                     {DNNL_ARG_DIFF_BIAS, m_db}});
                strm.wait();
              }, seconds),
              time_call(mm(out, rows, in, true, dst.data(), src.data(), dw.data()), seconds)};
    return std::vector<Result>{rf, rd, rw};
  };

  const auto dec = ip_case("decoder", B, L, I);
  const auto enc = ip_case("dense encoder", B, I, 2 * L);
  std::printf("oneDNN %d.%d.%d fp32, %d thread(s), batch %lld, latent %lld, items %lld\n", dnnl_version()->major,
              dnnl_version()->minor, dnnl_version()->patch, threads, static_cast<long long>(B),
              static_cast<long long>(L), static_cast<long long>(I));
  std::printf("%-62s %10s %14s %14s\n", "shape", "MFLOP", "inner_product", "matmul");
  double dec_fl = 0, dec_t = 0;
  for (const auto* set : {&dec, &enc})
    for (const auto& r : *set) {
      std::printf("%-62s %10.2f %9.1f GF/s %9.1f GF/s\n", r.name.c_str(), r.flops / 1e6, r.flops / r.sec_ip / 1e9,
                  r.flops / r.sec_mm / 1e9);
      if (set == &dec) {
        dec_fl += r.flops;
        dec_t += std::min(r.sec_ip, r.sec_mm);
      }
    }
  std::printf("decoder step (fwd + bwd data + bwd weights, faster primitive each): %.1f GFLOP/s\n",
              dec_fl / dec_t / 1e9);
  std::printf("PEAK_GFLOPS %.2f\n", dec_fl / dec_t / 1e9);
  return 0;
}
