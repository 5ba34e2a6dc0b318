// A CPU kernel for com.microsoft.GroupQueryAttention written for decoding, registered as a custom op of the
// same domain and name, which ONNX Runtime then prefers to its own kernel on the CPU provider. The graph
// stays the one ONNX Runtime GenAI loads; only the kernel differs.
//
// Why: in a decode step of the shipped generators (batch 64, contexts 100-200) the built-in kernel took
// about 60% of kernel time for about 20% of the FLOPs: it runs two small matrix products per row and
// query head, packing K for each. This one scores eight keys per reduction, keeps a query and its output
// in registers, fetches the values while it scores the keys, and the next (row, KV head)'s keys and
// values while it sums the values (attention_math.h); the large generator decodes 1.17-1.26x faster at
// batch 16-64 (README, benchmarks).
//
// Semantics are the built-in kernel's (contrib_ops/cpu/bert/group_query_attention*): rows right padded,
// row b holding seqlens_k[b] + 1 tokens; a first prompt (sequence_length == total_sequence_length) starts
// at position 0; otherwise new tokens continue at seqlens_k[b] + 1 - sequence_length, and more than one
// new token on top of a past needs batch 1. Rotary embedding (do_rotary) comes from cos_cache/sin_cache.
// What it does not implement (softcap, smooth softmax, a local window, attention bias, position ids, head
// sinks, returned QK) fails at session creation with a message naming it, so the caller can load the
// model without this kernel instead.
#define ORT_API_MANUAL_INIT
#include "onnxruntime_cxx_api.h"
#undef ORT_API_MANUAL_INIT

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "attention_math.h"

namespace {

using ttc::Attend;
using ttc::Step;

std::atomic<long long> g_calls{0};
thread_local long long t_calls = 0;

constexpr const char* kPrefix = "ttc attention kernel: ";

// One (row, KV head) of a call, in the form ParallelFor takes; N as in Attend (0: any head size).
template <int N>
void AttendItem(void* step, size_t item) {
  Attend<N>(*static_cast<const Step*>(step), static_cast<int64_t>(item));
}

struct Fail : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int64_t IntAttr(const Ort::ConstKernelInfo& info, const char* name, int64_t fallback) {
  try {
    return info.GetAttribute<int64_t>(name);
  } catch (const Ort::Exception&) {
    return fallback;
  }
}

float FloatAttr(const Ort::ConstKernelInfo& info, const char* name, float fallback) {
  try {
    return info.GetAttribute<float>(name);
  } catch (const Ort::Exception&) {
    return fallback;
  }
}

struct Kernel {
  int heads = 0, kv_heads = 0;
  float scale = 0.f;
  bool rotary = false, interleaved = false;

  explicit Kernel(const OrtKernelInfo* raw) {
    Ort::ConstKernelInfo info(raw);
    heads = static_cast<int>(IntAttr(info, "num_heads", 0));
    kv_heads = static_cast<int>(IntAttr(info, "kv_num_heads", 0));
    if (heads <= 0 || kv_heads <= 0 || heads % kv_heads != 0) {
      throw Fail("num_heads must be a positive multiple of kv_num_heads");
    }
    scale = FloatAttr(info, "scale", 0.f);
    rotary = IntAttr(info, "do_rotary", 0) == 1;
    interleaved = IntAttr(info, "rotary_interleaved", 0) == 1;
    if (FloatAttr(info, "softcap", 0.f) != 0.f) throw Fail("softcap is not supported");
    if (IntAttr(info, "smooth_softmax", 0) != 0) throw Fail("smooth_softmax is not supported");
    if (IntAttr(info, "local_window_size", -1) > 0) throw Fail("local_window_size is not supported");
    if (IntAttr(info, "qk_output", 0) != 0) throw Fail("qk_output is not supported");
    static const char* const kUnsupported[] = {"position_ids", "attention_bias", "head_sink"};
    for (size_t i = 9; i < info.GetInputCount(); ++i) {
      if (!info.GetInputName(i).empty()) {
        throw Fail(std::string("input ") + (i - 9 < 3 ? kUnsupported[i - 9] : std::to_string(i)) + " is not supported");
      }
    }
  }

  void Compute(OrtKernelContext* raw) {
    Ort::KernelContext ctx(raw);
    auto query = ctx.GetInput(0);
    auto qshape = query.GetTensorTypeAndShapeInfo().GetShape();
    if (qshape.size() != 3) throw Fail("query must be [batch, sequence, hidden]");
    const int batch = static_cast<int>(qshape[0]), seq = static_cast<int>(qshape[1]);
    auto key = ctx.GetInput(1);
    const bool packed = !key;
    auto past_key = ctx.GetInput(3), past_value = ctx.GetInput(4);
    auto seqlens = ctx.GetInput(5), total_input = ctx.GetInput(6);
    const int64_t hidden = qshape[2];
    const int head = static_cast<int>(packed ? hidden / (heads + 2 * kv_heads) : hidden / heads);
    const int total = total_input.GetTensorData<int32_t>()[0];
    const bool first = seq == total;
    if (seq > 1 && !first && batch != 1) {
      throw Fail("batch_size must be 1 when sequence_length > 1 and past context is given");
    }

    int capacity = total;
    if (past_key) {
      auto pshape = past_key.GetTensorTypeAndShapeInfo().GetShape();
      if (pshape.size() != 4 || pshape[0] != batch || pshape[1] != kv_heads || pshape[3] != head) {
        throw Fail("past_key must be [batch, kv_num_heads, capacity, head_size]");
      }
      capacity = std::max(capacity, static_cast<int>(pshape[2]));
    }

    const int32_t* lens = seqlens.GetTensorData<int32_t>();
    for (int b = 0; b < batch; ++b) {
      if (lens[b] + 1 > capacity || (!first && lens[b] + 1 < seq)) {
        throw Fail("seqlens_k[" + std::to_string(b) + "] = " + std::to_string(lens[b]) + " does not fit the KV capacity " + std::to_string(capacity) + " and " + std::to_string(seq) + " new tokens");
      }
    }

    const std::vector<int64_t> kv_shape{batch, kv_heads, capacity, head};
    auto out = ctx.GetOutput(0, std::vector<int64_t>{batch, seq, static_cast<int64_t>(heads) * head});
    auto present_key = ctx.GetOutput(1, kv_shape);
    auto present_value = ctx.GetOutput(2, kv_shape);
    if (!present_key || !present_value) throw Fail("present_key and present_value are required");

    Step p{};
    p.batch = batch;
    p.seq = seq;
    p.heads = heads;
    p.kv_heads = kv_heads;
    p.head = head;
    p.capacity = capacity;
    p.first = first;
    p.scale = scale == 0.f ? 1.f / std::sqrt(static_cast<float>(head)) : scale;
    p.q = query.GetTensorData<float>();
    p.q_row = hidden;
    if (packed) {
      p.k = p.v = p.q;
      p.kv_row = hidden;
      p.k_offset = static_cast<int64_t>(heads) * head;
      p.v_offset = static_cast<int64_t>(heads + kv_heads) * head;
    } else {
      p.k = key.GetTensorData<float>();
      p.v = ctx.GetInput(2).GetTensorData<float>();
      p.kv_row = static_cast<int64_t>(kv_heads) * head;
      p.k_offset = p.v_offset = 0;
    }

    p.seqlens = lens;
    p.present_k = present_key.GetTensorMutableData<float>();
    p.present_v = present_value.GetTensorMutableData<float>();
    p.out = out.GetTensorMutableData<float>();
    p.rotary = rotary;
    p.interleaved = interleaved;
    if (rotary) {
      auto cos = ctx.GetInput(7), sin = ctx.GetInput(8);
      if (!cos || !sin) throw Fail("do_rotary needs cos_cache and sin_cache");
      auto cshape = cos.GetTensorTypeAndShapeInfo().GetShape();
      p.half = static_cast<int>(cshape[1]);
      if (2 * p.half > head || cshape[0] < capacity) throw Fail("cos_cache must be [positions >= capacity, rotary_dim / 2 <= head_size / 2]");
      p.cos = cos.GetTensorData<float>();
      p.sin = sin.GetTensorData<float>();
    }

    // A past not bound to the present buffer is copied into it first (the in-place layout needs no copy).
    if (past_key && past_key.GetTensorData<float>() != p.present_k) {
      const int64_t past_cap = past_key.GetTensorTypeAndShapeInfo().GetShape()[2];
      for (int64_t r = 0; r < static_cast<int64_t>(batch) * kv_heads; ++r) {
        std::memcpy(p.present_k + r * capacity * head, past_key.GetTensorData<float>() + r * past_cap * head, sizeof(float) * past_cap * head);
        std::memcpy(p.present_v + r * capacity * head, past_value.GetTensorData<float>() + r * past_cap * head, sizeof(float) * past_cap * head);
      }
    }

    void (*attend)(void*, size_t) = AttendItem<0>;
    switch (head) {
      case 16: attend = AttendItem<16>; break;
      case 32: attend = AttendItem<32>; break;
      case 64: attend = AttendItem<64>; break;
      case 128: attend = AttendItem<128>; break;
      default: break;
    }
    ctx.ParallelFor(attend, static_cast<size_t>(batch) * kv_heads, 0, &p);
    g_calls.fetch_add(1, std::memory_order_relaxed);
    ++t_calls;
  }

  OrtStatusPtr ComputeV2(OrtKernelContext* context) {
    try {
      Compute(context);
      return nullptr;
    } catch (const std::exception& ex) {
      return Ort::GetApi().CreateStatus(ORT_INVALID_ARGUMENT, (std::string(kPrefix) + ex.what()).c_str());
    }
  }
};

struct Op : Ort::CustomOpBase<Op, Kernel, true> {
  OrtStatusPtr CreateKernelV2(const OrtApi& api, const OrtKernelInfo* info, void** kernel) const {
    try {
      *kernel = new Kernel(info);
      return nullptr;
    } catch (const std::exception& ex) {
      return api.CreateStatus(ORT_NOT_IMPLEMENTED, (std::string(kPrefix) + ex.what()).c_str());
    }
  }

  // Present has past's shape (the in-place layout), which the caller reads from the session's outputs to
  // recognise the layout. Set through the C API: the C++ wrapper cannot pass a symbolic dimension on.
  Op() {
    // com.microsoft is at opset 1; an open-ended range would make it the domain's latest version for every
    // model in the session's eyes, and ONNX Runtime's own com.microsoft fusions (FusedMatMul...) would then
    // find no version in models that do not import the domain.
    end_ver_ = 1;
    OrtCustomOp::InferOutputShapeFn = [](const OrtCustomOp*, OrtShapeInferContext* ctx) -> OrtStatusPtr {
      const OrtApi& api = Ort::GetApi();
      size_t count = 0;
      if (OrtStatusPtr status = api.ShapeInferContext_GetInputCount(ctx, &count)) return status;
      for (size_t i = 1; i <= 2 && i + 2 < count; ++i) {
        OrtTensorTypeAndShapeInfo* past = nullptr;
        if (OrtStatusPtr status = api.ShapeInferContext_GetInputTypeShape(ctx, i + 2, &past)) return status;
        size_t rank = 0;
        if (OrtStatusPtr status = api.GetDimensionsCount(past, &rank)) return status;
        if (rank != 4) continue;
        if (OrtStatusPtr status = api.ShapeInferContext_SetOutputTypeShape(ctx, i, past)) return status;
      }
      return nullptr;
    };
  }

  const char* GetName() const { return "GroupQueryAttention"; }
  const char* GetExecutionProviderType() const { return "CPUExecutionProvider"; }

  // query, key, value, past_key, past_value, seqlens_k, total_sequence_length, cos_cache, sin_cache,
  // position_ids, attention_bias, head_sink: the operator's inputs, the last three refused when present.
  size_t GetInputTypeCount() const { return 12; }
  ONNXTensorElementDataType GetInputType(size_t i) const {
    return i == 5 || i == 6 ? ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 : i == 9 ? ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 : ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
  }
  OrtCustomOpInputOutputCharacteristic GetInputCharacteristic(size_t i) const {
    return i == 0 || i == 5 || i == 6 ? INPUT_OUTPUT_REQUIRED : INPUT_OUTPUT_OPTIONAL;
  }

  // output, present_key, present_value, output_qk (refused when asked for).
  size_t GetOutputTypeCount() const { return 4; }
  ONNXTensorElementDataType GetOutputType(size_t) const { return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT; }
  OrtCustomOpInputOutputCharacteristic GetOutputCharacteristic(size_t i) const {
    return i == 0 ? INPUT_OUTPUT_REQUIRED : INPUT_OUTPUT_OPTIONAL;
  }
};

}  // namespace

extern "C" {

// Called by SessionOptions.RegisterCustomOpLibrary: adds the kernel under com.microsoft for this session.
__attribute__((visibility("default"))) OrtStatus* RegisterCustomOps(OrtSessionOptions* options, const OrtApiBase* api_base) {
  Ort::InitApi(api_base->GetApi(ORT_API_VERSION));
  static Op op;
  try {
    // One domain object for the process: ONNX Runtime keeps a pointer to it for every session given it.
    static Ort::CustomOpDomain* domain = [] {
      auto* d = new Ort::CustomOpDomain("com.microsoft");
      d->Add(&op);
      return d;
    }();
    Ort::UnownedSessionOptions(options).Add(*domain);
    return nullptr;
  } catch (const std::exception& ex) {
    return Ort::GetApi().CreateStatus(ORT_FAIL, (std::string(kPrefix) + ex.what()).c_str());
  }
}

// Completed kernel calls in this process, and on the calling thread (where a session of one intra-op thread
// runs its kernels): let benchmarks and tests check that sessions really run this kernel.
__attribute__((visibility("default"))) long long TtcAttentionCalls() { return g_calls.load(std::memory_order_relaxed); }
__attribute__((visibility("default"))) long long TtcAttentionCallsOnThread() { return t_calls; }
}
