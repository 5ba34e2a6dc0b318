"""A fused-layout generator whose KV capacity is left open, as ONNX Runtime GenAI's model builder writes them.

The model builder declares past_key_values.{i}.key/value as [batch_size, kv_heads, past_sequence_length,
head_size] and present.{i}.* as [..., total_sequence_length, ...]: the caller chooses the capacity (GenAI
from its max_length) and binds past and present to one buffer of it. Our export fixes the capacity (512);
this rewrites only those declared dimensions of an exported folder's graph, so the copy computes the same
function and the loader's handling of an open capacity can be tested on it.
Run: /usr/bin/python3 tools/ttc_models/open_capacity.py models/generator-small tests/Ttc.Inference.Tests/Fixtures/model-builder/generator-small
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import onnx


def main(source: str, target: str) -> None:
    src, dst = Path(source), Path(target)
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(src / name, dst / name)
    model = onnx.load(src / "model.onnx")
    renamed = 0
    for values, symbol in ((model.graph.input, "past_sequence_length"), (model.graph.output, "total_sequence_length")):
        for value in values:
            if value.name.startswith(("past_key_values.", "present.")):
                dim = value.type.tensor_type.shape.dim[2]
                dim.Clear()
                dim.dim_param = symbol
                renamed += 1
    if renamed == 0:
        raise SystemExit(f"{src / 'model.onnx'} has no past/present tensors")
    onnx.save(model, dst / "model.onnx")
    print(f"{dst / 'model.onnx'}: {renamed} past/present dimensions left open")


if __name__ == "__main__":
    main(*sys.argv[1:3])
