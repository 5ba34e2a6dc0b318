"""Export a checkpoint to ONNX, with config and tokenizer files.

Generator, --layout optimum (the Hugging Face Optimum decoder layout): input_ids, attention_mask,
position_ids, past_key_values.{i}.key/value -> logits, present.{i}.key/value.
Generator, --layout fused (ONNX Runtime GenAI's model-builder layout, export_fused.py): input_ids,
attention_mask, past_key_values.{i}.key/value of fixed capacity -> logits, present.{i}.key/value,
attention as com.microsoft.GroupQueryAttention updating the cache in place.
PRM: input_ids, attention_mask, position_ids -> logits [b, t, 2]; a likelihood-feature PRM is exported
incremental (unless --full): past_key_values.{i}.key/value and prm_state [b, width] in,
present.{i}.key/value and prm_states [b, t, width] (the state after each new token) out, so a caller
scores only the tokens a solution gained since its last scoring.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

import common
import export_fused
import genai_config
import vocab
from model import Llama, prm_state_width, prm_step


class DecoderWithPast(torch.nn.Module):
    def __init__(self, m: Llama):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids, *past):
        logits, presents = self.m(input_ids, attention_mask, position_ids, list(past))
        return (logits, *presents)


class IncrementalScorer(torch.nn.Module):
    def __init__(self, m: Llama):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids, prm_state, *past):
        logits, presents, states = prm_step(self.m, input_ids, attention_mask, position_ids, list(past), prm_state)
        return (logits, states, *presents)


class Scorer(torch.nn.Module):
    def __init__(self, m: Llama):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids):
        return self.m(input_ids, attention_mask, position_ids)[0]


def hf_config(m: Llama, prm: bool) -> dict:
    c = m.c
    cfg = {
        "architectures": ["LlamaForTokenClassification" if prm else "LlamaForCausalLM"],
        "model_type": "llama", "vocab_size": c.vocab_size, "hidden_size": c.hidden_size,
        "intermediate_size": c.intermediate_size, "num_hidden_layers": c.num_hidden_layers,
        "num_attention_heads": c.num_attention_heads, "num_key_value_heads": c.num_key_value_heads,
        "head_dim": c.head_dim, "max_position_embeddings": c.max_position_embeddings,
        "rms_norm_eps": c.rms_norm_eps, "rope_theta": c.rope_theta, "hidden_act": "silu",
        "tie_word_embeddings": False, "torch_dtype": "float32",
        "bos_token_id": vocab.BOS_ID, "eos_token_id": vocab.EOS_ID, "pad_token_id": vocab.PAD_ID,
    }
    if prm:
        cfg["num_labels"] = 2
        cfg["prm"] = {"convention": "step_tag_two_class", "step_tag": vocab.STEP_TAG, "positive_index": 1}
        if c.likelihood_features:
            # Informational: the graph computes these itself; an incremental graph carries what they need
            # from earlier tokens in prm_state.
            cfg["prm"]["head_inputs"] = ["hidden_state", "step_log_likelihood"]
    return cfg


def past_inputs(c, b: int, past_len: int, axes: dict, names_in: list, names_out: list) -> list:
    """Random past tensors for tracing, with their names and dynamic axes added."""
    past = []
    for i in range(c.num_hidden_layers):
        for kind in ("key", "value"):
            past.append(torch.randn(b, c.num_key_value_heads, past_len, c.head_dim))
            names_in.append(f"past_key_values.{i}.{kind}")
            names_out.append(f"present.{i}.{kind}")
            axes[names_in[-1]] = {0: "batch", 2: "past"}
            axes[names_out[-1]] = {0: "batch", 2: "total"}
    return past


def export(ckpt: Path, out: Path, prm: bool, layout: str = "optimum", full: bool = False) -> None:
    m, _ = common.load(ckpt)
    if prm and m.feature_head is None:
        m.lm_head = None  # a likelihood-feature PRM reads its LM head inside the graph; others drop it
    m.eval()
    out.mkdir(parents=True, exist_ok=True)
    b, t, past_len = 2, 3, 4
    ids = torch.randint(10, vocab.VOCAB_SIZE, (b, t))
    pos = torch.arange(past_len, past_len + t).unsqueeze(0).expand(b, t)
    if prm and m.feature_head is not None and not full:
        c = m.c
        names_in, names_out = ["input_ids", "attention_mask", "position_ids", "prm_state"], ["logits", "prm_states"]
        axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
                "position_ids": {0: "batch", 1: "seq"}, "prm_state": {0: "batch"},
                "logits": {0: "batch", 1: "seq"}, "prm_states": {0: "batch", 1: "seq"}}
        past = past_inputs(c, b, past_len, axes, names_in, names_out)
        state = torch.zeros(b, prm_state_width(c))
        mask = torch.ones((b, past_len + t), dtype=torch.long)
        torch.onnx.export(IncrementalScorer(m), (ids, mask, pos, state, *past), str(out / "model.onnx"),
                          input_names=names_in, output_names=names_out, dynamic_axes=axes,
                          opset_version=17, do_constant_folding=True)
    elif prm:
        mask = torch.ones((b, t), dtype=torch.long)
        torch.onnx.export(Scorer(m), (ids, mask, pos - past_len), str(out / "model.onnx"),
                          input_names=["input_ids", "attention_mask", "position_ids"], output_names=["logits"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                        "position_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}},
                          opset_version=17, do_constant_folding=True)
    elif layout == "fused":
        names_in, names_out, head_size = export_fused.export(m, str(out / "model.onnx"))
    else:
        c = m.c
        names_in, names_out = ["input_ids", "attention_mask", "position_ids"], ["logits"]
        axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
                "position_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}}
        past = past_inputs(c, b, past_len, axes, names_in, names_out)
        mask = torch.ones((b, past_len + t), dtype=torch.long)
        torch.onnx.export(DecoderWithPast(m), (ids, mask, pos, *past), str(out / "model.onnx"),
                          input_names=names_in, output_names=names_out, dynamic_axes=axes,
                          opset_version=17, do_constant_folding=True)
    (out / "config.json").write_text(json.dumps(hf_config(m, prm), indent=1))
    gen_cfg = {"bos_token_id": vocab.BOS_ID, "eos_token_id": vocab.EOS_ID, "pad_token_id": vocab.PAD_ID}
    if not prm:
        (out / "generation_config.json").write_text(json.dumps(gen_cfg, indent=1))
        if layout == "fused":
            genai_config.write(out, hf_config(m, prm), names_in, names_out, share_buffer=True, head_size=head_size)
        else:
            genai_config.write(out, hf_config(m, prm), names_in, names_out)
    vocab.write_tokenizer(out)
    print(f"exported {ckpt} -> {out}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--prm", action="store_true")
    ap.add_argument("--layout", choices=["optimum", "fused"], default="optimum", help="generator graph layout")
    ap.add_argument("--full", action="store_true", help="a PRM graph without KV cache (scores whole sequences only)")
    a = ap.parse_args()
    export(a.checkpoint, a.out, a.prm, a.layout, a.full)
