"""A decoder graph in float16: the fixture for the loaders' element-type check.

Real exports for GPUs (ONNX Runtime GenAI's model builder with -p fp16, Optimum with --dtype fp16) keep
their KV cache and logits in float16. Our decode loops hold float32 buffers, so such a model must fail at
load naming the tensor, not mid-request. The graph has the Optimum layout's names with float16 past,
present and logits, and only Unsqueeze, Cast, Expand and Identity nodes, which ONNX Runtime's CPU
provider runs in float16, so it loads on any build. Run:
  /usr/bin/python3 tools/ttc_models/float16_fixture.py tests/Ttc.Inference.Tests/Fixtures/float16/model.onnx
"""
from __future__ import annotations

import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

VOCAB, KV_HEADS, HEAD = 102, 2, 16


def graph() -> onnx.ModelProto:
    i64, f16 = TensorProto.INT64, TensorProto.FLOAT16
    inputs = [helper.make_tensor_value_info(n, i64, ["batch", d]) for n, d in
              (("input_ids", "seq"), ("attention_mask", "total"), ("position_ids", "seq"))]
    inputs += [helper.make_tensor_value_info(f"past_key_values.0.{k}", f16, ["batch", KV_HEADS, "past", HEAD]) for k in ("key", "value")]
    outputs = [helper.make_tensor_value_info("logits", f16, ["batch", "seq", VOCAB])]
    outputs += [helper.make_tensor_value_info(f"present.0.{k}", f16, ["batch", KV_HEADS, "past", HEAD]) for k in ("key", "value")]
    shape = helper.make_tensor("vocab_shape", i64, [3], [1, 1, VOCAB])
    nodes = [
        helper.make_node("Unsqueeze", ["input_ids", "last_axis"], ["ids3"]),
        helper.make_node("Cast", ["ids3"], ["ids3_f16"], to=f16),
        helper.make_node("Expand", ["ids3_f16", "vocab_shape"], ["logits"]),
        helper.make_node("Identity", ["past_key_values.0.key"], ["present.0.key"]),
        helper.make_node("Identity", ["past_key_values.0.value"], ["present.0.value"]),
    ]
    axis = helper.make_tensor("last_axis", i64, [1], [-1])
    g = helper.make_graph(nodes, "float16_decoder", inputs, outputs, initializer=[shape, axis])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="ttc float16_fixture")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(graph(), out)
    print(f"wrote {out}")
