# Generates mlperf_llama2_70b_lora.log, a synthetic MLPerf Training result log in the exact MLLOG
# format (Llama 2 70B LoRA, r16, 8,192-token packed samples, global batch 8 on one 8 x H100-SXM
# node). Its timings follow the public NVIDIA NeMo v4.0 log excerpt: blocks of 384 samples in about
# 199.4 s (1.93 samples/s) and evaluations of 173 samples in about 44.4 s, every 384 samples, the
# run stopping at 3,072 samples. Run in this folder: python3 make_mlperf_fixture.py
import json, random
random.seed(4)
t = 1715600000000
out = []
def ev(key, value=None, etype="POINT_IN_TIME", meta=None, lineno=100):
    m = {"file": "/workspace/ft-llm/custom_callbacks.py", "lineno": lineno}
    if meta: m.update(meta)
    out.append("0: :::MLLOG " + json.dumps({"namespace": "", "time_ms": t, "event_type": etype, "key": key, "value": value, "metadata": m}))
out.append("+ srun --mpi=pmix --ntasks=8 --container-image=nvcr.io/nvdlfwea/mlperftv40/lora:latest ./run_and_time.sh")
out.append("0: STARTING TIMING RUN AT 2024-05-13 11:33:20 AM")
ev("cache_clear", True, lineno=58)
ev("init_start", None, "INTERVAL_START", lineno=61)
for k, v in [("submission_benchmark", "llama2_70b_lora"), ("submission_division", "closed"), ("submission_org", "example"),
             ("submission_platform", "1xDGX-H100-8GPU"), ("submission_status", "onprem"), ("seed", 7421),
             ("global_batch_size", 8), ("train_samples", 3901), ("eval_samples", 173), ("max_sequence_length", 8192),
             ("gradient_accumulation_steps", 1), ("opt_base_learning_rate", 0.0004), ("opt_learning_rate_warmup_factor", 0.0),
             ("opt_learning_rate_training_steps", 800), ("opt_adamw_weight_decay", 0.0001), ("opt_gradient_clip_norm", 0.3),
             ("lora_rank", 16), ("lora_alpha", 32)]:
    ev(k, v, lineno=70)
t += 412000
ev("init_stop", None, "INTERVAL_END", lineno=140)
t += 5
ev("run_start", None, "INTERVAL_START", lineno=141)
t += 2140
samples = 0
loss = 1.41
acc = 0.981
for block in range(8):
    ev("block_start", None, "INTERVAL_START", {"samples_count": samples}, lineno=129)
    block_ms = 0
    for step in range(48):
        step_ms = round(4153.6 * random.uniform(0.996, 1.004))
        t += step_ms
        block_ms += step_ms
        samples += 8
        if samples % 80 == 0:
            loss = max(0.9, loss - random.uniform(0.0, 0.02))
            ev("train_loss", round(loss, 4), meta={"samples_count": samples}, lineno=150)
    ev("tracked_stats", {"throughput": round(384 / (block_ms / 1000), 4)}, meta={"step": samples}, lineno=161)
    ev("block_stop", None, "INTERVAL_END", {"samples_count": samples}, lineno=112)
    ev("eval_start", None, "INTERVAL_START", {"samples_count": samples}, lineno=117)
    t += round(44380 * random.uniform(0.995, 1.005))
    acc -= random.uniform(0.006, 0.010)
    ev("eval_accuracy", round(acc, 6), meta={"samples_count": samples}, lineno=181)
    ev("eval_stop", None, "INTERVAL_END", {"samples_count": samples}, lineno=186)
ev("run_stop", round(acc, 6), "INTERVAL_END", {"samples_count": samples, "status": "success"}, lineno=195)
out.append("0: ENDING TIMING RUN AT 2024-05-13 12:06:47 PM")
open("mlperf_llama2_70b_lora.log", "w").write("\n".join(out) + "\n")
