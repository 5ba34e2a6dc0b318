"""Single-node com.microsoft.GroupQueryAttention graphs: fixtures for the attention kernel's tests.

Each graph takes the operator's inputs as graph inputs and returns its three outputs, so a test can run
the same random inputs through ONNX Runtime's kernel and through ours and compare. The variants cover
what the shipped generators do not: other head sizes (the vector paths for 64 and 128, the plain path for
others), packed QKV, interleaved and partial rotary, groups of 1 and 4; one uses softcap, which our
kernel refuses. Run: /usr/bin/python3 tools/ttc_models/gqa_fixtures.py tests/Ttc.Inference.Tests/Fixtures/gqa
"""
from __future__ import annotations

import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

CAPACITY = 32

VARIANTS = {
    # name: heads, kv_heads, head_size, packed, rotary (0 none, 1 half-split, 2 interleaved), rotary_dim, extra attributes
    "h64_g4_packed_interleaved": (8, 2, 64, True, 2, 64, {}),
    "h128_g1_norotary": (2, 2, 128, False, 0, 0, {}),
    "h48_g4_partial_rotary": (4, 1, 48, False, 1, 32, {}),
    "h32_g2_softcap": (4, 2, 32, False, 1, 32, {"softcap": 30.0}),
}


def graph(name: str, heads: int, kv_heads: int, head: int, packed: bool, rotary: int, rotary_dim: int, extra: dict) -> onnx.ModelProto:
    f, i32 = TensorProto.FLOAT, TensorProto.INT32
    hidden = (heads + 2 * kv_heads) * head if packed else heads * head
    inputs = [helper.make_tensor_value_info("query", f, ["batch", "seq", hidden])]
    names = ["query"]
    if packed:
        names += ["", ""]
    else:
        inputs += [helper.make_tensor_value_info(n, f, ["batch", "seq", kv_heads * head]) for n in ("key", "value")]
        names += ["key", "value"]
    inputs += [helper.make_tensor_value_info(n, f, ["batch", kv_heads, CAPACITY, head]) for n in ("past_key", "past_value")]
    inputs += [helper.make_tensor_value_info("seqlens_k", i32, ["batch"]), helper.make_tensor_value_info("total_sequence_length", i32, [1])]
    names += ["past_key", "past_value", "seqlens_k", "total_sequence_length"]
    if rotary:
        inputs += [helper.make_tensor_value_info(n, f, [CAPACITY, rotary_dim // 2]) for n in ("cos_cache", "sin_cache")]
        names += ["cos_cache", "sin_cache"]
    outputs = [
        helper.make_tensor_value_info("output", f, ["batch", "seq", heads * head]),
        helper.make_tensor_value_info("present_key", f, ["batch", kv_heads, CAPACITY, head]),
        helper.make_tensor_value_info("present_value", f, ["batch", kv_heads, CAPACITY, head]),
    ]
    node = helper.make_node(
        "GroupQueryAttention", names, ["output", "present_key", "present_value"], domain="com.microsoft",
        num_heads=heads, kv_num_heads=kv_heads, do_rotary=1 if rotary else 0, rotary_interleaved=1 if rotary == 2 else 0, **extra)
    model = helper.make_model(helper.make_graph([node], name, inputs, outputs),
                              opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    return model


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name, spec in VARIANTS.items():
        onnx.save(graph(name, *spec), out / f"{name}.onnx")
        print(out / f"{name}.onnx")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/Ttc.Inference.Tests/Fixtures/gqa")
