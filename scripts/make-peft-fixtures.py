#!/usr/bin/env python3
"""Regenerates the PEFT golden merge fixtures (Tests/PlanKernelsTests/Fixtures/peft-merge).

    python3 scripts/make-peft-fixtures.py OUT            # adapters/, expected/, cases.json
    python3 scripts/make-peft-fixtures.py OUT --full     # also base/ and logits.json
    python3 scripts/make-peft-fixtures.py OUT --adapters Tests/PlanKernelsTests/Fixtures/peft-merge/adapters
                                                         # merge the given adapters instead of making new ones

Needs torch, transformers, peft and safetensors (the committed fixtures: torch 2.15.0+cu132 run on
the CPU, transformers 5.24.0, peft 0.21.2, safetensors 0.8.0). Everything runs on the CPU in
float32, seeded:

- base: a tiny random Llama (hidden 64, MLP 160, 2 layers, 4 heads, 2 KV heads, head_dim 16,
  vocab 128), initialised after torch.manual_seed(0). Merging does not read the base weights;
  only `--full` saves them (and the logits need them).
- adapters/<lang>/: one PEFT LoRA adapter per language (en fr de zh ja, in that order), r = 8,
  lora_alpha = 16, on the seven projections. Language i (0-based) calls torch.manual_seed(i + 1),
  then fills every lora_A / lora_B weight, in the model's module order (layer, then q k v o gate
  up down, A before B), with torch.randn(shape) * 0.05 (random "as after training": PEFT's own
  init has B = 0).
- expected/<case>/: for each case of CASES, the adapters loaded into one PeftModel and merged
  with PeftModel.add_weighted_adapter(adapters, weights, case, combination_type, svd_rank,
  density, majority_sign_method), saved with save_pretrained.
- cases.json: the case list, PEFT's and torch's versions and the prompt of logits.json.
- logits.json (--full): per case, the last-position logits of base + merged adapter on PROMPT.

The merged adapters are PEFT's factors as it stores them: compare factors for the factor-level
types and ΔW = (lora_alpha / r) · B · A for the *svd types (see the fixture README).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

LANGUAGES = ["en", "fr", "de", "zh", "ja"]
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
RANK, ALPHA, SCALE = 8, 16, 0.05
PROMPT = [1, 5, 9, 17, 33, 2, 7, 11]
MERGED = "merged"
UNIFORM, MIXED, FIFTH = [1.0] * 5, [1.0, 0.5, -0.3, 0.8, 0.25], [0.2] * 5

# (name, combination_type, adapters, weights, density, majority_sign_method, svd_rank)
CASES = [
    ("linear_uniform", "linear", LANGUAGES, UNIFORM, None, "total", None),
    ("linear_mixed", "linear", LANGUAGES, MIXED, None, "total", None),
    ("ties_d0.5_total", "ties", LANGUAGES, UNIFORM, 0.5, "total", None),
    ("ties_d0.2_total_mean", "ties", LANGUAGES, FIFTH, 0.2, "total", None),
    ("ties_d0.5_frequency", "ties", LANGUAGES, UNIFORM, 0.5, "frequency", None),
    ("ties_d1.0_total", "ties", LANGUAGES, UNIFORM, 1.0, "total", None),
    ("ties_d0.7_mixed", "ties", LANGUAGES, MIXED, 0.7, "total", None),
    ("magnitude_prune_d0.5", "magnitude_prune", LANGUAGES, UNIFORM, 0.5, "total", None),
    ("dare_ties_d1.0", "dare_ties", LANGUAGES, UNIFORM, 1.0, "total", None),
    ("dare_linear_d1.0", "dare_linear", LANGUAGES, MIXED, 1.0, "total", None),
    ("cat_uniform", "cat", LANGUAGES, UNIFORM, None, "total", None),
    ("svd_uniform", "svd", LANGUAGES, UNIFORM, None, "total", None),
    ("ties_svd_d0.5", "ties_svd", LANGUAGES, UNIFORM, 0.5, "total", None),
    ("magnitude_prune_svd_d0.3_r4", "magnitude_prune_svd", LANGUAGES, FIFTH, 0.3, "total", 4),
    ("ties_pair_en_fr", "ties", ["en", "fr"], [1.0, 1.0], 0.5, "total", None),
]


def base_model():
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=128, hidden_size=64, intermediate_size=160, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, head_dim=16, max_position_embeddings=64, rms_norm_eps=1e-6, bos_token_id=1,
        eos_token_id=2, tie_word_embeddings=False)
    torch.manual_seed(0)
    model = LlamaForCausalLM(config).eval()
    # The adapters' base_model_name_or_path, as if loaded from the folder `base` beside them.
    model.name_or_path = model.config.name_or_path = "base"
    return model


def make_adapter(index, folder):
    import torch
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=RANK, lora_alpha=ALPHA, target_modules=TARGETS, lora_dropout=0.0, bias="none")
    model = get_peft_model(base_model(), config)
    torch.manual_seed(index + 1)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_A" in name or "lora_B" in name:
                parameter.copy_(torch.randn(parameter.shape) * SCALE)
    model.save_pretrained(folder)


def merge(adapters_folder, case, out):
    from peft import PeftModel

    name, combination, adapters, weights, density, sign, svd_rank = case
    model = PeftModel.from_pretrained(base_model(), os.path.join(adapters_folder, adapters[0]), adapter_name=adapters[0])
    for language in adapters[1:]:
        model.load_adapter(os.path.join(adapters_folder, language), adapter_name=language)
    # Adapter names may not contain "." (case names do): merge under a fixed name, save as the case.
    model.add_weighted_adapter(
        adapters, weights, MERGED, combination_type=combination, svd_rank=svd_rank, density=density,
        majority_sign_method=sign)
    with tempfile.TemporaryDirectory() as scratch:
        # save_pretrained puts a non-default adapter in a subfolder named after it.
        model.save_pretrained(scratch, selected_adapters=[MERGED])
        shutil.move(os.path.join(scratch, MERGED), os.path.join(out, "expected", name))
    return model, name


def last_logits(model):
    import torch

    model.set_adapter(MERGED)
    with torch.no_grad():
        return model(torch.tensor([PROMPT])).logits[0, -1].tolist()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="output folder (created; must not exist)")
    parser.add_argument("--adapters", help="merge these adapters/<lang> folders instead of making new ones")
    parser.add_argument("--full", action="store_true", help="also write base/ and logits.json")
    options = parser.parse_args()
    try:
        import peft
        import torch
    except ImportError as error:
        sys.exit(f"make-peft-fixtures: {error}; pip install torch transformers peft safetensors")
    if os.path.exists(options.out):
        sys.exit(f"make-peft-fixtures: {options.out} exists; give a new folder")
    torch.use_deterministic_algorithms(True)
    os.makedirs(os.path.join(options.out, "expected"))
    adapters = os.path.join(options.out, "adapters")
    if options.adapters:
        shutil.copytree(options.adapters, adapters)
    else:
        for index, language in enumerate(LANGUAGES):
            make_adapter(index, os.path.join(adapters, language))
    logits = {}
    for case in CASES:
        model, name = merge(adapters, case, options.out)
        if options.full:
            logits[name] = last_logits(model)
    cases = {
        "reference": "peft add_weighted_adapter",
        "peft_version": peft.__version__,
        "torch_version": torch.__version__,
        "prompt": PROMPT,
        "cases": [
            {"name": n, "combination_type": t, "adapters": a, "weights": w, "density": d, "majority_sign_method": s,
             "svd_rank": r}
            for n, t, a, w, d, s, r in CASES
        ],
    }
    with open(os.path.join(options.out, "cases.json"), "w") as file:
        file.write(json.dumps(cases, indent=1))
    if options.full:
        base_model().save_pretrained(os.path.join(options.out, "base"))
        with open(os.path.join(options.out, "logits.json"), "w") as file:
            file.write(json.dumps(logits))
    print(f"wrote {len(CASES)} cases to {options.out}")


if __name__ == "__main__":
    main()
