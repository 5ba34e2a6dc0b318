"""Rebuild a PyTorch checkpoint from a shipped ONNX model, so training can continue from it.

The exporter names the norms and the embedding after their modules but folds every linear layer
into an anonymous MatMul initializer (transposed). Those come in module order per layer:
q, k, v, o, gate, up, down; then the head (the likelihood PRM: LM head, score head, feature head). The result is checked by exporting it again and
comparing every initializer with the original, so a wrong mapping cannot pass silently.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import common
import export_onnx
import vocab
from model import Llama, LlamaConfig

LINEARS = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "gate_proj", "up_proj", "down_proj"]


def read_config(folder: Path) -> LlamaConfig:
    hf = json.loads((folder / "config.json").read_text())
    return LlamaConfig(vocab_size=hf["vocab_size"], hidden_size=hf["hidden_size"],
                       num_hidden_layers=hf["num_hidden_layers"], num_attention_heads=hf["num_attention_heads"],
                       num_key_value_heads=hf["num_key_value_heads"], intermediate_size=hf["intermediate_size"],
                       max_position_embeddings=hf["max_position_embeddings"], rope_theta=hf["rope_theta"],
                       rms_norm_eps=hf["rms_norm_eps"], num_labels=hf.get("num_labels", 0) if "prm" in hf else 0,
                       **likelihood_fields(hf))


def likelihood_fields(hf: dict) -> dict:
    """The likelihood-feature PRM's settings, read back from what export_onnx writes."""
    if "step_log_likelihood" not in hf.get("prm", {}).get("head_inputs", []):
        return {}
    return {"likelihood_features": 1, "step_tag_id": vocab.STEP_TAG_ID, "solution_start_id": vocab.ASSISTANT_ID}


def initializers(path: Path) -> list[tuple[str, np.ndarray]]:
    return [(i.name, numpy_helper.to_array(i)) for i in onnx.load(str(path)).graph.initializer]


def recover(folder: Path) -> Llama:
    cfg = read_config(folder)
    model = Llama(cfg)
    prm = cfg.num_labels > 0
    if prm and not cfg.likelihood_features:
        model.lm_head = None
    named, anonymous = {}, []
    for name, arr in initializers(folder / "model.onnx"):
        if name.startswith("m."):
            named[name[2:]] = arr
        elif name.startswith("onnx::MatMul"):
            anonymous.append(arr)
    state = {k: torch.from_numpy(v.copy()) for k, v in named.items()}
    targets = [f"layers.{i}.{n}.weight" for i in range(cfg.num_hidden_layers) for n in LINEARS]
    # In the order the forward pass uses them (the likelihood PRM reads its LM head before its heads).
    targets += (["lm_head.weight", "score.weight", "feature_head.weight"] if cfg.likelihood_features
                else ["score.weight"] if prm else ["lm_head.weight"])
    if len(targets) != len(anonymous):
        raise SystemExit(f"{folder}: expected {len(targets)} MatMul weights, found {len(anonymous)}")
    for t, arr in zip(targets, anonymous):
        state[t] = torch.from_numpy(arr.T.copy())
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [m for m in missing if m != "inv_freq"]:
        raise SystemExit(f"{folder}: missing {missing}, unexpected {unexpected}")
    return model


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--trained-sequences", type=int, default=0)
    a = ap.parse_args()
    model = recover(a.folder)
    prm = model.score is not None
    with tempfile.TemporaryDirectory() as tmp:
        common.save(model, Path(tmp) / "x.pt")
        export_onnx.export(Path(tmp) / "x.pt", Path(tmp) / "onnx", prm)
        again = initializers(Path(tmp) / "onnx" / "model.onnx")
    original = initializers(a.folder / "model.onnx")
    bad = [n for (n, x), (_, y) in zip(original, again) if x.shape != y.shape or not np.array_equal(x, y)]
    if len(original) != len(again) or bad:
        raise SystemExit(f"{a.folder}: re-export differs in {bad[:5]}")
    common.save(model, a.out, {"step": 0, "trained_sequences": a.trained_sequences, "recovered_from": str(a.folder)})
    print(f"recovered {a.folder} -> {a.out} ({model.param_count()} parameters, re-export identical)")


if __name__ == "__main__":
    main()
