import PlanKernels
import PlanReport

// PlanKernels' benchmark results as PlanReport's renderers take them.

extension MergeBenchmark.Result {
    var output: BenchOutput.Merge {
        BenchOutput.Merge(
            method: method, tasks: tasks, elements: elements, density: density, seconds: seconds, gbPerS: gbPerS,
            streamSeconds: streamSeconds, streamGBPerS: streamGBPerS, peakFraction: peakFraction, kernels: kernels,
            portableSeconds: portableSeconds, blasCore: blasCore, threads: threads)
    }
}

extension GEMMBenchmark.Result {
    var output: BenchOutput.GEMM {
        BenchOutput.GEMM(size: size, seconds: seconds, gflops: gflops, peakGFLOPS: peak.gflops, peakFraction: peakFraction,
                         peakMethod: peak.method, blasCore: blasCore, threads: threads)
    }
}

extension FineTuneBenchmark.Result {
    var output: BenchOutput.Finetune {
        BenchOutput.Finetune(
            dModel: config.dModel, layers: config.layers, heads: config.heads, kvHeads: config.kvHeads, mlp: config.mlp,
            vocab: config.vocab, sequenceLength: config.sequenceLength, rank: rank, tokensPerStep: tokensPerStep, seconds: seconds,
            modelFlops: flops.total, gflops: gflops, sgemmSize: sgemmSize, sgemmGFLOPS: sgemmGFLOPS, peakFraction: peakFraction,
            loss: loss, blasCore: blasCore, threads: threads)
    }
}
