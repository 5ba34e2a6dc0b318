// The arithmetic of the decode attention kernel (ttc_attention.cc has the ONNX Runtime side): rotary
// embedding, the two products of a query against a row's cache, and one (row, KV head) of a call.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace ttc {

// Cache lines of the next (row, KV head) to fetch into L2 while this one's weighted sums run. In a decode
// step the caches are read once each and come from memory (the large generator at batch 64: 88-165 us per
// call against 40 us when they are cached); fetched one item ahead, the next item's products find them.
struct Ahead {
  const char* k = nullptr;
  const char* v = nullptr;
  int lines = 0;

  void Fetch(int line) const {
    __builtin_prefetch(k + 64 * static_cast<int64_t>(line), 0, 2);
    __builtin_prefetch(v + 64 * static_cast<int64_t>(line), 0, 2);
  }
};

// Rotates x (head_size values) in place at the cache row: non-interleaved halves [x1, x2] of the rotary
// width, or interleaved pairs.
inline void Rotate(float* x, const float* cos, const float* sin, int half, bool interleaved) {
  if (interleaved) {
    for (int i = 0; i < half; ++i) {
      float a = x[2 * i], b = x[2 * i + 1];
      x[2 * i] = a * cos[i] - b * sin[i];
      x[2 * i + 1] = b * cos[i] + a * sin[i];
    }
  } else {
    for (int i = 0; i < half; ++i) {
      float a = x[i], b = x[i + half];
      x[i] = a * cos[i] - b * sin[i];
      x[i + half] = b * cos[i] + a * sin[i];
    }
  }
}

// The two products of one query: scores against `seen` keys (rows of d floats), and the weighted sum of
// as many values. N is the head size when it is one the vector code is written for (a multiple of 8 up to
// 128, so a query and an output fit in registers), else 0 and the plain loops take d.
template <int N>
struct Products {
  static void Scores(const float* q, const float* k, const float*, int seen, int d, float* out) {
    for (int j = 0; j < seen; ++j) {
      const float* kj = k + static_cast<int64_t>(j) * d;
      float sum = 0.f;
      for (int i = 0; i < d; ++i) sum += q[i] * kj[i];
      out[j] = sum;
    }
  }

  static void Weighted(const float* w, const float* v, int seen, int d, float scale, float* out, const Ahead& ahead) {
    for (int i = 0; i < d; ++i) out[i] = 0.f;
    for (int j = 0; j < ahead.lines; ++j) ahead.Fetch(j);
    for (int j = 0; j < seen; ++j) {
      const float* vj = v + static_cast<int64_t>(j) * d;
      for (int i = 0; i < d; ++i) out[i] += w[j] * vj[i];
    }
    for (int i = 0; i < d; ++i) out[i] *= scale;
  }
};

#if defined(__AVX2__) && defined(__FMA__)
// Eight sums, one per vector: a transposing reduction, so eight keys cost one reduction.
inline __m256 Sum8(__m256 a0, __m256 a1, __m256 a2, __m256 a3, __m256 a4, __m256 a5, __m256 a6, __m256 a7) {
  __m256 t0 = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
  __m256 t1 = _mm256_hadd_ps(_mm256_hadd_ps(a4, a5), _mm256_hadd_ps(a6, a7));
  return _mm256_add_ps(_mm256_permute2f128_ps(t0, t1, 0x20), _mm256_permute2f128_ps(t0, t1, 0x31));
}

inline float Sum1(__m256 a) {
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_movehdup_ps(x));
  return _mm_cvtss_f32(x);
}

template <int N>
struct VectorProducts {
  static constexpr int kVectors = N / 8;

  // v: the values, whose rows are fetched into cache while the keys are scored (the weighted sum that
  // follows otherwise waits on memory for each row).
  static void Scores(const float* q, const float* k, const float* v, int seen, int, float* out) {
    __m256 qv[kVectors];
    for (int c = 0; c < kVectors; ++c) qv[c] = _mm256_loadu_ps(q + 8 * c);
    int j = 0;
    for (; j + 8 <= seen; j += 8) {
      const float* kj = k + static_cast<int64_t>(j) * N;
      const char* vj = reinterpret_cast<const char*>(v + static_cast<int64_t>(j) * N);
      for (int line = 0; line < 8 * N * 4; line += 64) _mm_prefetch(vj + line, _MM_HINT_T0);
      __m256 a[8];
      for (int r = 0; r < 8; ++r) a[r] = _mm256_mul_ps(qv[0], _mm256_loadu_ps(kj + r * N));
      for (int c = 1; c < kVectors; ++c) {
        for (int r = 0; r < 8; ++r) a[r] = _mm256_fmadd_ps(qv[c], _mm256_loadu_ps(kj + r * N + 8 * c), a[r]);
      }
      _mm256_storeu_ps(out + j, Sum8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]));
    }
    for (; j < seen; ++j) {
      const float* kj = k + static_cast<int64_t>(j) * N;
      __m256 a = _mm256_mul_ps(qv[0], _mm256_loadu_ps(kj));
      for (int c = 1; c < kVectors; ++c) a = _mm256_fmadd_ps(qv[c], _mm256_loadu_ps(kj + 8 * c), a);
      out[j] = Sum1(a);
    }
  }

  // ahead's lines are fetched one or two per key, between FMAs that wait on each other anyway.
  static void Weighted(const float* w, const float* v, int seen, int, float scale, float* out, const Ahead& ahead) {
    __m256 acc[kVectors];
    for (int c = 0; c < kVectors; ++c) acc[c] = _mm256_setzero_ps();
    for (int j = seen; j < ahead.lines; ++j) ahead.Fetch(j);
    for (int j = 0; j < seen; ++j) {
      if (j < ahead.lines) ahead.Fetch(j);
      const __m256 wj = _mm256_set1_ps(w[j]);
      const float* vj = v + static_cast<int64_t>(j) * N;
      for (int c = 0; c < kVectors; ++c) acc[c] = _mm256_fmadd_ps(wj, _mm256_loadu_ps(vj + 8 * c), acc[c]);
    }
    const __m256 sv = _mm256_set1_ps(scale);
    for (int c = 0; c < kVectors; ++c) _mm256_storeu_ps(out + 8 * c, _mm256_mul_ps(acc[c], sv));
  }
};

template <>
struct Products<16> : VectorProducts<16> {};
template <>
struct Products<32> : VectorProducts<32> {};
template <>
struct Products<64> : VectorProducts<64> {};
template <>
struct Products<128> : VectorProducts<128> {};
#endif

struct Step {
  int batch, seq, heads, kv_heads, head, capacity;
  bool first;
  float scale;
  bool rotary, interleaved;
  int half;  // rotary pairs per head
  const float* q;
  const float* k;
  const float* v;
  int64_t q_row, kv_row;  // floats per token of the q input and of the k/v inputs
  int64_t k_offset, v_offset;  // where k and v start in a token of their input (packed QKV: after q)
  const int32_t* seqlens;
  const float* cos;
  const float* sin;
  float* present_k;
  float* present_v;
  float* out;
};

// One (row, KV head): writes the new keys and values into the cache, then attends for every query head of
// the group and every new token. Scratch is per thread.
template <int N>
void Attend(const Step& p, int64_t item) {
  thread_local std::vector<float> scratch;
  const int b = static_cast<int>(item / p.kv_heads), kvh = static_cast<int>(item % p.kv_heads);
  const int group = p.heads / p.kv_heads, d = p.head, s_len = p.seq;
  const int total = p.seqlens[b] + 1;
  const int past = p.first ? 0 : total - s_len;
  float* kc = p.present_k + (static_cast<int64_t>(b) * p.kv_heads + kvh) * p.capacity * d;
  float* vc = p.present_v + (static_cast<int64_t>(b) * p.kv_heads + kvh) * p.capacity * d;
  for (int s = 0; s < s_len; ++s) {
    const int64_t token = static_cast<int64_t>(b) * s_len + s;
    float* kd = kc + static_cast<int64_t>(past + s) * d;
    std::memcpy(kd, p.k + token * p.kv_row + p.k_offset + static_cast<int64_t>(kvh) * d, sizeof(float) * d);
    std::memcpy(vc + static_cast<int64_t>(past + s) * d, p.v + token * p.kv_row + p.v_offset + static_cast<int64_t>(kvh) * d, sizeof(float) * d);
    if (p.rotary) {
      Rotate(kd, p.cos + static_cast<int64_t>(past + s) * p.half, p.sin + static_cast<int64_t>(past + s) * p.half, p.half, p.interleaved);
    }
  }

  // Scratch: the group's queries, rotated and scaled, [group * s_len][d]; their scores, [group * s_len][keys].
  const int queries = group * s_len, keys = past + s_len;
  scratch.resize(static_cast<size_t>(queries) * (d + keys));
  float* qs = scratch.data();
  float* scores = qs + static_cast<size_t>(queries) * d;
  for (int g = 0; g < group; ++g) {
    for (int s = 0; s < s_len; ++s) {
      float* qd = qs + static_cast<int64_t>(g * s_len + s) * d;
      const int64_t token = static_cast<int64_t>(b) * s_len + s;
      std::memcpy(qd, p.q + token * p.q_row + static_cast<int64_t>(kvh * group + g) * d, sizeof(float) * d);
      if (p.rotary) {
        Rotate(qd, p.cos + static_cast<int64_t>(past + s) * p.half, p.sin + static_cast<int64_t>(past + s) * p.half, p.half, p.interleaved);
      }
      for (int i = 0; i < d; ++i) qd[i] *= p.scale;
    }
  }

  // The next item's cache lines, a share for each query's weighted sum.
  Ahead next_item;
  int share = 0;
  if (item + 1 < static_cast<int64_t>(p.batch) * p.kv_heads) {
    const int nb = static_cast<int>((item + 1) / p.kv_heads);
    const int64_t at = (item + 1) * p.capacity * d;  // caches are [row][KV head][capacity][d]
    next_item.k = reinterpret_cast<const char*>(p.present_k + at);
    next_item.v = reinterpret_cast<const char*>(p.present_v + at);
    next_item.lines = static_cast<int>((static_cast<int64_t>(p.seqlens[nb] + 1) * d * sizeof(float) + 63) / 64);
    share = (next_item.lines + queries - 1) / queries;
  }

  // Query s sees keys [0, past + s].
  for (int qi = 0; qi < queries; ++qi) {
    const int seen = past + qi % s_len + 1;
    const float* qd = qs + static_cast<int64_t>(qi) * d;
    float* sc = scores + static_cast<int64_t>(qi) * keys;
    Products<N>::Scores(qd, kc, vc, seen, d, sc);
    float max = sc[0];
    for (int j = 1; j < seen; ++j) max = std::max(max, sc[j]);
    float sum = 0.f;
    for (int j = 0; j < seen; ++j) {
      sc[j] = std::exp(sc[j] - max);
      sum += sc[j];
    }
    const float inv = 1.f / sum;
    const int g = qi / s_len, s = qi % s_len;
    float* o = p.out + (static_cast<int64_t>(b) * s_len + s) * p.heads * d + static_cast<int64_t>(kvh * group + g) * d;
    const int from = std::min(qi * share, next_item.lines);
    const Ahead ahead{next_item.k + 64 * static_cast<int64_t>(from), next_item.v + 64 * static_cast<int64_t>(from), std::min(share, next_item.lines - from)};
    Products<N>::Weighted(sc, vc, seen, d, inv, o, ahead);
  }
}

}  // namespace ttc
