"""genai_config.json for an exported generator, so ONNX Runtime GenAI loads the folder as it is.

GenAI (0.18) reads genai_config.json beside the .onnx file: the decoder's shape (layers, heads, head size),
the token ids, the context length, and the graph's input/output names, where the per-layer KV names are
printf patterns with %d. Our tokenizer.json is a Hugging Face one; GenAI reads it through its own tokenizer.

Use from the export (export_onnx.py passes the names it gave the graph), or for a folder already exported
with the Optimum decoder layout:  python3 genai_config.py ../../models/generator-small
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

FILE_NAME = "genai_config.json"

# Nominal GenAI names -> the graph names of the Optimum decoder layout (export_onnx.py's default export).
_FIXED_INPUTS = ("input_ids", "attention_mask", "position_ids")


def optimum_names(layers: int) -> tuple[list[str], list[str]]:
    """The input and output names of the Optimum decoder layout for a model of `layers` layers."""
    names_in = list(_FIXED_INPUTS)
    names_out = ["logits"]
    for i in range(layers):
        for kind in ("key", "value"):
            names_in.append(f"past_key_values.{i}.{kind}")
            names_out.append(f"present.{i}.{kind}")
    return names_in, names_out


def _pattern(names: list[str], kind: str, layers: int) -> str:
    """The one printf pattern (layer index as %d) that every layer's `kind` tensor name follows."""
    # A KV tensor's last word is its kind ('past_key_values.0.value' holds 'key' too, but ends in 'value');
    # the digits that run 0..layers-1 across them are the index (in 'past.0.key_v2' the 2 is not).
    found = [n for n in names if re.findall(r"[A-Za-z]+", n)[-1:] == [kind]]
    if len(found) != layers:
        raise ValueError(f"expected {layers} '{kind}' tensors, found {found}")
    for m in re.finditer(r"\d+", found[0]):
        pattern = found[0][: m.start()] + "%d" + found[0][m.end():]
        if [pattern % i for i in range(layers)] == found:
            return pattern
    raise ValueError(f"no layer-index pattern fits {found}")


def genai_config(config: dict, input_names: list[str], output_names: list[str], onnx_file: str = "model.onnx",
                 share_buffer: bool = False, head_size: int | None = None) -> dict:
    """The genai_config.json for a decoder with Hugging Face `config` and graph names `input_names`/`output_names`.

    share_buffer: whether past and present KV may share one buffer of the context length (only graphs whose
    attention writes into the past buffer in place, as GroupQueryAttention does; our Optimum layout concatenates).
    head_size: the KV tensors' head size when the graph pads it (the fused layout pads heads to a multiple of 16).
    position_ids is mapped only when the graph takes it (the fused layout derives positions from the mask).
    """
    layers = config["num_hidden_layers"]
    heads = config["num_attention_heads"]
    for required in _FIXED_INPUTS[:2]:
        if required not in input_names:
            raise ValueError(f"the graph has no input '{required}' (inputs: {input_names})")
    if "logits" not in output_names:
        raise ValueError(f"the graph has no output 'logits' (outputs: {output_names})")
    past_in = [n for n in input_names if n not in _FIXED_INPUTS]
    present_out = [n for n in output_names if n != "logits"]
    context = config["max_position_embeddings"]
    return {
        "model": {
            "type": config["model_type"],
            "bos_token_id": config["bos_token_id"],
            "eos_token_id": config["eos_token_id"],
            "pad_token_id": config["pad_token_id"],
            "vocab_size": config["vocab_size"],
            "context_length": context,
            "decoder": {
                "filename": onnx_file,
                "session_options": {"log_id": "onnxruntime-genai", "provider_options": []},
                "hidden_size": config["hidden_size"],
                "num_attention_heads": heads,
                "num_key_value_heads": config.get("num_key_value_heads", heads),
                "num_hidden_layers": layers,
                "head_size": head_size or config.get("head_dim", config["hidden_size"] // heads),
                "inputs": {
                    "input_ids": "input_ids",
                    "attention_mask": "attention_mask",
                    **({"position_ids": "position_ids"} if "position_ids" in input_names else {}),
                    "past_key_names": _pattern(past_in, "key", layers),
                    "past_value_names": _pattern(past_in, "value", layers),
                },
                "outputs": {
                    "logits": "logits",
                    "present_key_names": _pattern(present_out, "key", layers),
                    "present_value_names": _pattern(present_out, "value", layers),
                },
            },
        },
        # GenAI's defaults for a plain generate call: greedy up to the context; callers set their own options.
        "search": {
            "do_sample": False,
            "max_length": context,
            "min_length": 0,
            "num_beams": 1,
            "num_return_sequences": 1,
            "temperature": 1.0,
            "top_k": 1,
            "top_p": 1.0,
            "repetition_penalty": 1.0,
            "no_repeat_ngram_size": 0,
            "diversity_penalty": 0.0,
            "length_penalty": 1.0,
            "early_stopping": True,
            "past_present_share_buffer": share_buffer,
        },
    }


def write(folder: Path, config: dict, input_names: list[str], output_names: list[str], onnx_file: str = "model.onnx",
          share_buffer: bool = False, head_size: int | None = None) -> Path:
    """Writes genai_config.json into `folder` and returns its path."""
    path = Path(folder) / FILE_NAME
    path.write_text(json.dumps(genai_config(config, input_names, output_names, onnx_file, share_buffer, head_size), indent=1) + "\n")
    return path


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="Write genai_config.json for a generator folder in the Optimum decoder layout.")
    ap.add_argument("folders", type=Path, nargs="+")
    for folder in ap.parse_args().folders:
        cfg = json.loads((folder / "config.json").read_text())
        print(write(folder, cfg, *optimum_names(cfg["num_hidden_layers"])))
