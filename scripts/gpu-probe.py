#!/usr/bin/env python3
"""Measure fine-tuning throughput and peak memory on this machine, for `plan calibrate --import`.

Builds a *randomly initialised* model of a catalog architecture (no download: the shape comes from
`plan scenarios show --model NAME --format json`, or a file saved from it), wraps it in PEFT LoRA /
QLoRA or trains it fully, runs warm-up plus N timed optimizer steps for each configuration of a
grid (method x micro-batch x sequence length), and writes one CSV row per configuration:

    model,method,rank,targets,gpu,gpus,micro_batch,gradient_accumulation,sequence_length,
    gradient_checkpointing,stack,tokens_per_second_per_gpu,peak_memory_gib

Install (optional dependencies, only on the machine that runs the probe):

    pip install torch transformers peft            # + bitsandbytes for --methods qlora

Examples:

    # one GPU (5-10 minutes for this grid on an A100/H100)
    python3 scripts/gpu-probe.py --model llama-3.1-8b --methods lora,qlora --micro-batches 1,2,4 \
        --sequence-lengths 1024,4096 --gradient-checkpointing --output probe.csv
    # several GPUs of one node (FSDP2 over the decoder layers)
    torchrun --nproc-per-node 8 scripts/gpu-probe.py --model llama-3.1-70b --methods lora ...
    # anywhere, on the CPU, with a tiny 2-layer version of a catalog architecture
    python3 scripts/gpu-probe.py --model llama-3.2-1b --layers 2 --hidden 256 --mlp 512 --heads 4 \
        --kv-heads 2 --vocab 1024 --device cpu --gpu a100-80gb --micro-batches 1,2 --sequence-lengths 64,128 \
        --warmup 1 --steps 3 --output probe.csv

Precision: on CUDA, LoRA keeps the base in bf16 (PEFT's adapters in fp32) and full fine-tuning keeps
fp32 weights, both under bf16 autocast (the HF Trainer `bf16=True` recipe); QLoRA stores the linear
weights in NF4 with double quantisation (bitsandbytes). On the CPU everything runs in fp32 and peak
memory is not measured (the column stays empty). The probe never falls back from CUDA to the CPU:
`--device cuda` without a usable GPU is an error.

Exit codes: 0 ok, 2 usage (bad arguments, missing optional dependency, no GPU), 1 nothing measured.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time

CSV_COLUMNS = [
    "model", "method", "rank", "targets", "gpu", "gpus", "micro_batch", "gradient_accumulation",
    "sequence_length", "gradient_checkpointing", "stack", "tokens_per_second_per_gpu", "peak_memory_gib",
]
PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
OVERRIDES = ["layers", "hidden", "mlp", "heads", "kv_heads", "vocab", "head_dim"]
# nvidia-smi / torch device names -> plan's catalog GPUs (first match wins).
GPU_NAMES = [("H200", "h200"), ("H100 PCIe", "h100-pcie"), ("H100", "h100-sxm"), ("A100-SXM4-40GB", "a100-40gb"),
             ("A100-PCIE-40GB", "a100-40gb"), ("A100", "a100-80gb"), ("L40S", "l40s"), ("4090", "rtx-4090")]


class ProbeError(Exception):
    """A problem the user can fix; printed as one line, exit 2."""


def int_list(text):
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got '{text}'")
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive integers, got '{text}'")
    return values


def method_list(text):
    methods = [part.strip() for part in text.split(",") if part.strip()]
    bad = [m for m in methods if m not in ("lora", "qlora", "full")]
    if not methods or bad:
        raise argparse.ArgumentTypeError(f"methods are lora, qlora and full, got '{text}'")
    return methods


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="gpu-probe.py", description="Time fine-tuning steps of a randomly initialised catalog model; write plan's CSV.")
    parser.add_argument("--model", required=True, help="catalog model name (plan scenarios list)")
    parser.add_argument("--arch", help="architecture JSON saved from `plan scenarios show --model NAME --format json` "
                                       "(for a machine without plan); default: ask plan")
    parser.add_argument("--plan", help="path to the plan executable (default: plan on PATH, then .build/{release,debug}/plan)")
    for name in OVERRIDES:
        parser.add_argument("--" + name.replace("_", "-"), type=int, help=f"override the architecture's {name} (tiny models)")
    parser.add_argument("--methods", type=method_list, default=["lora"], help="comma-separated: lora, qlora, full")
    parser.add_argument("--micro-batches", type=int_list, default=[1, 2], help="sequences per GPU per micro-step")
    parser.add_argument("--sequence-lengths", type=int_list, default=[2048], help="tokens per sequence")
    parser.add_argument("--gradient-accumulation", type=int, default=1, help="micro-steps per optimizer step")
    parser.add_argument("--gradient-checkpointing", action="store_true", help="recompute activations")
    parser.add_argument("--rank", type=int, default=16, help="LoRA rank (alpha = rank)")
    parser.add_argument("--targets", default="all", help="adapted projections, comma-separated, or all")
    parser.add_argument("--warmup", type=int, default=3, help="untimed optimizer steps first")
    parser.add_argument("--steps", type=int, default=10, help="timed optimizer steps")
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--gpu", help="plan catalog GPU this device is (default: from the CUDA device name; required on cpu)")
    parser.add_argument("--stack", default="hf", help="plan software stack these runs represent (default hf: transformers + PEFT)")
    parser.add_argument("--attention", default="sdpa", help="transformers attn_implementation (sdpa, flash_attention_2, eager)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default="probe.csv", help="CSV to write (an architecture file goes beside it with overrides)")
    args = parser.parse_args(argv)
    if args.gradient_accumulation < 1 or args.rank < 1 or args.warmup < 0 or args.steps < 1:
        parser.error("--gradient-accumulation, --rank and --steps must be at least 1, --warmup at least 0")
    args.target_list = PROJECTIONS if args.targets.strip() in ("", "all") else [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in args.target_list if t not in PROJECTIONS]
    if unknown:
        parser.error(f"unknown projection {unknown[0]}; expected names from {','.join(PROJECTIONS)}")
    if args.device == "cpu" and not args.gpu:
        parser.error("--device cpu needs --gpu NAME: the plan catalog GPU whose datasheet the fitted curve is expressed against")
    return args


def find_plan(explicit):
    if explicit:
        return explicit
    found = shutil.which("plan")
    if found:
        return found
    here = os.path.dirname(os.path.abspath(__file__))
    for build in ("release", "debug"):
        candidate = os.path.join(here, "..", ".build", build, "plan")
        if os.access(candidate, os.X_OK):
            return candidate
    raise ProbeError("cannot find plan: give --plan PATH, or --arch FILE saved from `plan scenarios show --model NAME --format json`")


def load_architecture(args):
    """The catalog architecture (from plan or --arch) with the command line's overrides."""
    if args.arch:
        try:
            with open(args.arch) as handle:
                arch = json.load(handle)
        except (OSError, ValueError) as error:
            raise ProbeError(f"cannot read --arch {args.arch}: {error}")
    else:
        plan = find_plan(args.plan)
        result = subprocess.run([plan, "scenarios", "show", "--model", args.model, "--format", "json"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise ProbeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"plan exited {result.returncode}")
        arch = json.loads(result.stdout)
    return apply_overrides(arch, {name: getattr(args, name) for name in OVERRIDES})


def apply_overrides(arch, overrides):
    """A copy of `arch` with the given fields replaced; a changed shape gets a new name."""
    arch = dict(arch)
    changed = {k: v for k, v in overrides.items() if v is not None and arch.get(k) != v}
    if "hidden" in changed or "heads" in changed:
        if "head_dim" not in changed:
            arch["head_dim"] = changed.get("hidden", arch["hidden"]) // changed.get("heads", arch["heads"])
    arch.update(changed)
    if arch["heads"] % arch["kv_heads"] != 0:
        raise ProbeError(f"heads ({arch['heads']}) must be a multiple of kv_heads ({arch['kv_heads']})")
    if changed:
        arch["name"] = arch["name"] + "-" + "-".join(f"{k}{v}" for k, v in sorted(changed.items()))
        arch["source"] = "gpu-probe override of " + str(arch.get("source", "catalog"))
        arch.pop("total_parameters", None)
        arch.pop("published_params", None)
    arch["overridden"] = bool(changed)
    return arch


def model_column(arch, output):
    """The CSV `model` cell: the catalog name, or an architecture file written beside the CSV."""
    if not arch.get("overridden"):
        return arch["name"]
    folder = os.path.dirname(os.path.abspath(output))
    stem = os.path.splitext(os.path.basename(output))[0]
    file_name = f"{stem}.{arch['name']}.json"
    exported = {k: v for k, v in arch.items() if k != "overridden"}
    with open(os.path.join(folder, file_name), "w") as handle:
        json.dump(exported, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return file_name


def csv_row(model, method, rank, targets, gpu, gpus, micro_batch, gradient_accumulation, sequence_length,
            gradient_checkpointing, stack, tokens_per_second_per_gpu, peak_memory_gib):
    return {
        "model": model, "method": method, "rank": rank, "targets": ";".join(targets), "gpu": gpu, "gpus": gpus,
        "micro_batch": micro_batch, "gradient_accumulation": gradient_accumulation, "sequence_length": sequence_length,
        "gradient_checkpointing": "true" if gradient_checkpointing else "false", "stack": stack,
        "tokens_per_second_per_gpu": f"{tokens_per_second_per_gpu:.6g}",
        "peak_memory_gib": "" if peak_memory_gib is None else f"{peak_memory_gib:.4f}",
    }


def write_csv(rows, path):
    """Writes `rows` (dicts from csv_row) with plan's exact header, atomically."""
    temporary = path + ".tmp"
    with open(temporary, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    os.replace(temporary, path)


def grid(args):
    return [(method, micro_batch, sequence_length)
            for method in args.methods for sequence_length in args.sequence_lengths for micro_batch in args.micro_batches]


# ---------------------------------------------------------------- torch parts (optional dependencies)

def require(module, install):
    try:
        return __import__(module)
    except ImportError:
        raise ProbeError(f"{module} is not installed: {install}")


class Runtime:
    """Device, process group and dtype choices."""

    def __init__(self, args):
        self.torch = require("torch", "pip install torch transformers peft")
        require("transformers", "pip install transformers peft")
        torch = self.torch
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        if args.device == "cuda":
            if not torch.cuda.is_available():
                raise ProbeError("--device cuda but torch sees no usable CUDA device (no fallback to the CPU; use --device cpu to measure it)")
            self.device = torch.device("cuda", self.local_rank)
            torch.cuda.set_device(self.device)
            if self.world > 1:
                torch.distributed.init_process_group("nccl")
            name = torch.cuda.get_device_name(self.device)
            self.gpu = args.gpu or next((plan for key, plan in GPU_NAMES if key in name), None)
            if not self.gpu:
                raise ProbeError(f"cannot map the CUDA device '{name}' to a plan catalog GPU; give --gpu NAME")
            self.device_name = name
        else:
            if self.world > 1:
                raise ProbeError("torchrun with --device cpu is not supported: run one process")
            self.device = torch.device("cpu")
            self.gpu = args.gpu
            self.device_name = "cpu"

    @property
    def cuda(self):
        return self.device.type == "cuda"

    def synchronize(self):
        if self.cuda:
            self.torch.cuda.synchronize(self.device)

    def reduce_max(self, value):
        if self.world == 1:
            return value
        tensor = self.torch.tensor([value], device=self.device, dtype=self.torch.float64)
        self.torch.distributed.all_reduce(tensor, op=self.torch.distributed.ReduceOp.MAX)
        return float(tensor.item())

    def reduce_mean(self, value):
        if self.world == 1:
            return value
        tensor = self.torch.tensor([value], device=self.device, dtype=self.torch.float64)
        self.torch.distributed.all_reduce(tensor)
        return float(tensor.item()) / self.world


def build_model(arch, method, args, runtime):
    """A randomly initialised causal LM of `arch`, ready to train with `method`."""
    torch = runtime.torch
    import transformers
    common = dict(vocab_size=arch["vocab"], hidden_size=arch["hidden"], intermediate_size=arch["mlp"],
                  num_hidden_layers=arch["layers"], num_attention_heads=arch["heads"], num_key_value_heads=arch["kv_heads"],
                  head_dim=arch["head_dim"], tie_word_embeddings=bool(arch.get("tied_embeddings", False)),
                  max_position_embeddings=max(args.sequence_lengths), use_cache=False)
    config = transformers.Qwen2Config(**common) if arch.get("qkv_bias") else transformers.LlamaConfig(**common)
    weights_dtype = torch.float32 if (not runtime.cuda or method == "full") else torch.bfloat16
    torch.manual_seed(args.seed)
    with torch.device(runtime.device if method != "qlora" else "cpu"):
        model = transformers.AutoModelForCausalLM.from_config(
            config, torch_dtype=weights_dtype, attn_implementation=args.attention if runtime.cuda else "sdpa")
    if method == "qlora":
        if not runtime.cuda:
            raise ProbeError("--methods qlora needs CUDA (bitsandbytes NF4 kernels)")
        if runtime.world > 1:
            raise ProbeError("qlora on several GPUs is not supported by the probe: run it on one GPU")
        quantize_linears(model, require("bitsandbytes", "pip install bitsandbytes"), torch)
        model.to(runtime.device)
        model.is_loaded_in_4bit = True
    if args.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if method in ("lora", "qlora"):
        peft = require("peft", "pip install peft")
        lora = peft.LoraConfig(r=args.rank, lora_alpha=args.rank, lora_dropout=0.05, target_modules=args.target_list,
                               task_type="CAUSAL_LM")
        model = peft.get_peft_model(model, lora)
    if runtime.world > 1:
        model = shard(model, runtime)
    model.train()
    return model


def quantize_linears(model, bnb, torch):
    """Replaces every projection in the decoder layers by an NF4 (double-quantised) bitsandbytes layer."""
    for module_name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, torch.nn.Linear) and child_name in PROJECTIONS:
                replacement = bnb.nn.Linear4bit(child.in_features, child.out_features, bias=child.bias is not None,
                                                compute_dtype=torch.bfloat16, compress_statistics=True, quant_type="nf4")
                replacement.weight = bnb.nn.Params4bit(child.weight.data.to(torch.bfloat16), requires_grad=False,
                                                       compress_statistics=True, quant_type="nf4")
                if child.bias is not None:
                    replacement.bias = torch.nn.Parameter(child.bias.data, requires_grad=False)
                setattr(module, child_name, replacement)


def shard(model, runtime):
    """FSDP2 over each decoder layer, then the root (plan's default sharding past one GPU)."""
    try:
        from torch.distributed.fsdp import fully_shard, MixedPrecisionPolicy
    except ImportError:
        try:
            from torch.distributed._composable.fsdp import fully_shard, MixedPrecisionPolicy
        except ImportError:
            raise ProbeError("several GPUs need torch >= 2.4 (FSDP2 fully_shard)")
    torch = runtime.torch
    policy = MixedPrecisionPolicy(param_dtype=torch.bfloat16, reduce_dtype=torch.float32)
    for module in model.modules():
        if type(module).__name__.endswith("DecoderLayer"):
            fully_shard(module, mp_policy=policy)
    fully_shard(model, mp_policy=policy)
    return model


def measure(arch, method, micro_batch, sequence_length, args, runtime):
    """(tokens/s per GPU, peak GiB or None, seconds timed) of one configuration."""
    torch = runtime.torch
    model = build_model(arch, method, args, runtime)
    trainable = [p for p in model.parameters() if p.requires_grad]
    # Fused AdamW on one GPU (what HF Trainer's adamw_torch_fused runs); the foreach default on FSDP2 shards.
    optimizer = torch.optim.AdamW(trainable, lr=1e-5, **({"fused": True} if runtime.cuda and runtime.world == 1 else {}))
    generator = torch.Generator(device="cpu").manual_seed(args.seed + runtime.rank)
    batch = torch.randint(0, arch["vocab"], (micro_batch, sequence_length), generator=generator).to(runtime.device)
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if runtime.cuda else torch.autocast("cpu", enabled=False)

    def step():
        for _ in range(args.gradient_accumulation):
            with autocast:
                loss = model(input_ids=batch, labels=batch).loss / args.gradient_accumulation
            loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    if runtime.cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(runtime.device)
    for _ in range(args.warmup):
        step()
    runtime.synchronize()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    runtime.synchronize()
    seconds = time.perf_counter() - start
    tokens = args.steps * args.gradient_accumulation * micro_batch * sequence_length
    rate = runtime.reduce_mean(tokens / seconds)
    peak = runtime.reduce_max(torch.cuda.max_memory_allocated(runtime.device) / 2**30) if runtime.cuda else None
    del optimizer, model
    if runtime.cuda:
        torch.cuda.empty_cache()
    return rate, peak, seconds


def main(argv):
    args = parse_arguments(argv)
    try:
        runtime = Runtime(args)
        arch = load_architecture(args)
        lead = runtime.rank == 0
        model = model_column(arch, args.output) if lead else arch["name"]
        if lead:
            print(f"gpu-probe: {arch['name']} ({arch['layers']} layers, hidden {arch['hidden']}, vocab {arch['vocab']}), "
                  f"randomly initialised, on {runtime.world} x {runtime.device_name} (plan gpu {runtime.gpu}), "
                  f"{args.warmup} warm-up + {args.steps} timed steps per configuration", file=sys.stderr)
        rows = []
        for method, micro_batch, sequence_length in grid(args):
            label = f"{method} micro_batch={micro_batch} seq={sequence_length} ga={args.gradient_accumulation}"
            try:
                rate, peak, seconds = measure(arch, method, micro_batch, sequence_length, args, runtime)
            except runtime.torch.cuda.OutOfMemoryError if runtime.cuda else MemoryError:
                if lead:
                    print(f"  {label}: out of memory (no row)", file=sys.stderr)
                if runtime.cuda:
                    runtime.torch.cuda.empty_cache()
                continue
            if lead:
                memory = f"peak {peak:.2f} GiB" if peak is not None else "peak not measured on cpu"
                print(f"  {label}: {rate:.1f} tokens/s per GPU, {memory} ({seconds:.1f} s timed)", file=sys.stderr)
            rows.append(csv_row(model, method, args.rank, args.target_list, runtime.gpu, runtime.world, micro_batch,
                                args.gradient_accumulation, sequence_length, args.gradient_checkpointing, args.stack, rate, peak))
        if not rows:
            print("gpu-probe: error: no configuration could be measured", file=sys.stderr)
            return 1
        if lead:
            write_csv(rows, args.output)
            print(f"gpu-probe: wrote {len(rows)} rows to {args.output}; next: plan calibrate --import {args.output} --name NAME",
                  file=sys.stderr)
        return 0
    except ProbeError as error:
        print(f"gpu-probe: error: {error}", file=sys.stderr)
        return 2
    finally:
        torch = sys.modules.get("torch")
        if torch is not None and torch.distributed.is_available() and torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
