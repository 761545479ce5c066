import Foundation

/// Least-squares fit of a device's step-time parameters (`StepCurve`) to measured runs, with the
/// step-time model itself as the forward model: for a trial curve every run is priced by
/// `StepTimeModel.throughput` on the base GPU carrying that curve, and the fit minimises
/// Σ ln(predicted / measured tokens/s per GPU)² (relative errors, so small and large runs weigh
/// alike) by Levenberg–Marquardt within bounds.
///
/// Which parameters are fitted depends on what the runs can tell apart (the rest stay at the
/// stack's values on the base GPU):
/// - `gemm_efficiency_max`: always;
/// - `half_efficiency_tokens`: with at least two distinct tokens per micro-step (micro-batch ×
///   sequence length);
/// - `step_overhead_seconds`: with more distinct step shapes (tokens per micro-step, accumulation)
///   than the parameters already fitted;
/// - `communication_overlap`: with at least two GPU counts, one above 1, and more distinct
///   shapes (counting GPUs) than the parameters already fitted.
/// Each fitted parameter needs one more distinct shape, so the fit is never under-determined.
public struct StepCurveFit: Sendable {
    /// The fitted quantities, by their JSON names.
    public enum Parameter: String, Sendable, CaseIterable {
        case gemmEfficiencyMax = "gemm_efficiency_max"
        case halfEfficiencyTokens = "half_efficiency_tokens"
        case stepOverheadSeconds = "step_overhead_seconds"
        case communicationOverlap = "communication_overlap"
    }

    /// One run: measured against fitted (and against the stack's own curve before the fit).
    public struct RunFit: Sendable {
        public var run: MeasuredRun
        public var job: TrainingJob
        public var measuredTokensPerSecondPerGPU: Double
        public var fittedTokensPerSecondPerGPU: Double
        /// What the stack's uncalibrated curve predicts on the base GPU.
        public var stackTokensPerSecondPerGPU: Double
        /// fitted / measured − 1.
        public var relativeError: Double { fittedTokensPerSecondPerGPU / measuredTokensPerSecondPerGPU - 1 }
        public var stackRelativeError: Double { stackTokensPerSecondPerGPU / measuredTokensPerSecondPerGPU - 1 }
        /// Measured MFU: measured tokens/s × model FLOPs per token (recomputed from the
        /// architecture, no recompute) / the stack's peak.
        public var measuredMFU: Double
        public var modelFlopsPerToken: Double
        /// The memory model's peak torch allocation (without the per-GPU overhead), GiB.
        public var modelledPeakMemoryGiB: Double
        public var memoryRelativeError: Double? { run.peakMemoryGiB.flatMap { $0 > 0 ? modelledPeakMemoryGiB / $0 - 1 : nil } }
        /// The log's own FLOP count over the recomputed one (Trainer `total_flos`), where given.
        public var loggedFlopsRatio: Double?
        public var measuredStepSeconds: Double { job.tokensPerMicroStep * Double(job.gradientAccumulation) / measuredTokensPerSecondPerGPU }
        public var fittedStepSeconds: Double { job.tokensPerMicroStep * Double(job.gradientAccumulation) / fittedTokensPerSecondPerGPU }
    }

    /// The catalog GPU the runs ran on (its datasheet figures stay as they are).
    public var baseGPU: GPUSpec
    public var stack: SoftwareStack
    /// The stack's curve on the base GPU: where the fit starts and what fixed parameters keep.
    public var stackCurve: StepCurve
    public var curve: StepCurve
    public var fitted: [Parameter]
    public var fixed: [Parameter] { Parameter.allCases.filter { !fitted.contains($0) } }
    public var runs: [RunFit]
    public var medianAbsError: Double
    public var maxAbsError: Double
    public var stackMedianAbsError: Double

    /// The base GPU carrying the fitted curve, named `name` (what a profile stores).
    public func device(named name: String) -> GPUSpec {
        var device = baseGPU
        device.name = name
        device.stepCurve = curve
        device.stackName = stack.name
        device.source = "profile \(name): \(baseGPU.name) datasheet + step curve fitted to \(runs.count) measured run\(runs.count == 1 ? "" : "s") (stack \(stack.name))"
        return device
    }

    /// Fits the curve to `runs` (one GPU and one stack for all of them).
    /// - Parameter fixed: parameters kept at the stack's value even when the runs could determine
    ///   them (a noisy CPU calibration fixes T_half to the stack's ridge rule).
    public static func fit(_ measured: [MeasuredRun], catalog: Catalog, networkBytesPerSecond: Double = ScenarioDefaults.networkBytesPerSecond,
                           fixed: [Parameter] = []) throws -> StepCurveFit {
        guard let first = measured.first else { throw PlanCoreError.invalidRunLog("no measured runs to fit") }
        let gpuNames = Set(measured.map { $0.spec.gpu.lowercased() })
        guard gpuNames.count == 1 else {
            throw PlanCoreError.invalidRunLog("\(first.source): field gpu: the runs are on several GPUs (\(gpuNames.sorted().joined(separator: ", "))); import one GPU per profile")
        }
        let stackNames = Set(measured.map { $0.spec.stack.lowercased() })
        guard stackNames.count == 1 else {
            throw PlanCoreError.invalidRunLog("\(first.source): field stack: the runs use several stacks (\(stackNames.sorted().joined(separator: ", "))); import one stack per profile")
        }
        let base = try catalog.gpu(first.spec.gpu)
        let stack = try catalog.stack(first.spec.stack)
        let model = StepTimeModel(stack: stack, networkBytesPerSecond: networkBytesPerSecond)
        var jobs: [TrainingJob] = []
        for run in measured {
            do { jobs.append(try run.spec.resolve(in: catalog, architecture: run.architecture, device: base).job) } catch {
                throw PlanCoreError.invalidRunLog("\(run.source): \(error)")
            }
        }
        let stackCurve = stack.curve(on: base)
        let chosen = parameters(for: jobs).filter { !fixed.contains($0) }
        let targets = measured.map(\.tokensPerSecondPerGPU)

        func predict(_ curve: StepCurve) -> [Double] {
            var device = base
            device.stepCurve = curve
            return jobs.map { model.throughput($0, gpu: device).tokensPerSecondPerGPU }
        }
        let solver = Solver(parameters: chosen, start: stackCurve) { curve in
            zip(predict(curve), targets).map { predicted, measured in
                predicted > 0 && predicted.isFinite ? log(predicted / measured) : 50
            }
        }
        let curve = solver.solve()
        let fittedRates = predict(curve)
        let stackRates = predict(stackCurve)
        let peak = stack.peakFlopsPerSecond(on: base)
        let memory = MemoryModel(stack: stack)
        var rows: [RunFit] = []
        for (index, run) in measured.enumerated() {
            let job = jobs[index]
            let breakdown = memory.breakdown(job, gpu: base)
            let perToken = job.modelFlopsPerToken
            let ratio = run.loggedTotalFlos.flatMap { flos in run.tokens.map { flos / ($0 * perToken) } }
            rows.append(RunFit(
                run: run, job: job, measuredTokensPerSecondPerGPU: run.tokensPerSecondPerGPU,
                fittedTokensPerSecondPerGPU: fittedRates[index], stackTokensPerSecondPerGPU: stackRates[index],
                measuredMFU: run.tokensPerSecondPerGPU * perToken / peak, modelFlopsPerToken: perToken,
                modelledPeakMemoryGiB: (breakdown.peak - breakdown.overhead) / Memory.gib, loggedFlopsRatio: ratio))
        }
        let errors = rows.map { abs($0.relativeError) }
        return StepCurveFit(
            baseGPU: base, stack: stack, stackCurve: stackCurve, curve: curve, fitted: chosen, runs: rows,
            medianAbsError: Statistics.median(errors), maxAbsError: errors.max() ?? 0,
            stackMedianAbsError: Statistics.median(rows.map { abs($0.stackRelativeError) }))
    }

    /// The parameters `jobs` can determine (the rule in the type's documentation).
    static func parameters(for jobs: [TrainingJob]) -> [Parameter] {
        struct Shape: Hashable { var tokens: Double; var accumulation: Int; var gpus: Int }
        var result: [Parameter] = [.gemmEfficiencyMax]
        let microSteps = Set(jobs.map(\.tokensPerMicroStep))
        let steps = Set(jobs.map { Shape(tokens: $0.tokensPerMicroStep, accumulation: $0.gradientAccumulation, gpus: 1) })
        let shapes = Set(jobs.map { Shape(tokens: $0.tokensPerMicroStep, accumulation: $0.gradientAccumulation, gpus: $0.gpus) })
        if microSteps.count >= 2 { result.append(.halfEfficiencyTokens) }
        if steps.count > result.count { result.append(.stepOverheadSeconds) }
        let gpuCounts = Set(jobs.map(\.gpus))
        if gpuCounts.count >= 2, (gpuCounts.max() ?? 1) > 1, shapes.count > result.count { result.append(.communicationOverlap) }
        return result
    }
}

/// Projected Levenberg–Marquardt over the chosen curve parameters, with a forward-difference
/// Jacobian. Efficiency and T_half are searched in log space (they are positive and span orders
/// of magnitude: a CPU reaches 1e-4 of a GPU's peak); overhead and overlap linearly.
struct Solver {
    var parameters: [StepCurveFit.Parameter]
    var start: StepCurve
    var residuals: (StepCurve) -> [Double]

    /// Bounds in the search coordinates.
    static func bounds(_ parameter: StepCurveFit.Parameter) -> ClosedRange<Double> {
        switch parameter {
        case .gemmEfficiencyMax: return log(1e-7)...0
        case .halfEfficiencyTokens: return log(1.0)...log(1e8)
        case .stepOverheadSeconds: return 0...1e4
        case .communicationOverlap: return 0...1
        }
    }

    func coordinates(_ curve: StepCurve) -> [Double] {
        clamp(parameters.map { parameter in
            switch parameter {
            case .gemmEfficiencyMax: log(max(curve.gemmEfficiencyMax, 1e-7))
            case .halfEfficiencyTokens: log(max(curve.halfEfficiencyTokens, 1))
            case .stepOverheadSeconds: curve.stepOverheadSeconds
            case .communicationOverlap: curve.communicationOverlap ?? 0.5
            }
        })
    }

    func curve(_ x: [Double]) -> StepCurve {
        var curve = start
        for (parameter, value) in zip(parameters, x) {
            switch parameter {
            case .gemmEfficiencyMax: curve.gemmEfficiencyMax = exp(value)
            case .halfEfficiencyTokens: curve.halfEfficiencyTokens = exp(value)
            case .stepOverheadSeconds: curve.stepOverheadSeconds = value
            case .communicationOverlap: curve.communicationOverlap = value
            }
        }
        return curve
    }

    func cost(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }

    func clamp(_ x: [Double]) -> [Double] {
        zip(parameters, x).map { parameter, value in
            let range = Self.bounds(parameter)
            return min(max(value, range.lowerBound), range.upperBound)
        }
    }

    func solve(iterations: Int = 200) -> StepCurve {
        var x = coordinates(start)
        var r = residuals(curve(x))
        var current = cost(r)
        var lambda = 1e-3
        let n = x.count
        for _ in 0..<iterations where current > 1e-24 {
            // Jacobian by forward differences, stepping into the feasible box.
            var jacobian = [[Double]](repeating: [Double](repeating: 0, count: n), count: r.count)
            for j in 0..<n {
                let range = Self.bounds(parameters[j])
                var h = 1e-6 * max(1, abs(x[j]))
                if x[j] + h > range.upperBound { h = -h }
                var probe = x
                probe[j] += h
                let shifted = residuals(curve(probe))
                for i in 0..<r.count { jacobian[i][j] = (shifted[i] - r[i]) / h }
            }
            var normal = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            var gradient = [Double](repeating: 0, count: n)
            for i in 0..<r.count {
                for a in 0..<n {
                    gradient[a] += jacobian[i][a] * r[i]
                    for b in 0..<n { normal[a][b] += jacobian[i][a] * jacobian[i][b] }
                }
            }
            var improved = false
            for _ in 0..<30 {
                var damped = normal
                for a in 0..<n { damped[a][a] += lambda * max(normal[a][a], 1e-12) + 1e-15 }
                guard let step = Self.solveLinear(damped, gradient.map { -$0 }) else { lambda *= 10; continue }
                let candidate = clamp(zip(x, step).map(+))
                let trial = residuals(curve(candidate))
                let trialCost = cost(trial)
                if trialCost < current {
                    let change = current - trialCost
                    x = candidate
                    r = trial
                    current = trialCost
                    lambda = max(lambda / 3, 1e-12)
                    improved = change > 1e-18 * max(1, current)
                    break
                }
                lambda *= 4
            }
            if !improved { break }
        }
        return curve(x)
    }

    /// Gaussian elimination with partial pivoting; nil when singular.
    static func solveLinear(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var m = a
        var v = b
        let n = v.count
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }), abs(m[pivot][column]) > 1e-300 else { return nil }
            m.swapAt(column, pivot)
            v.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = m[row][column] / m[column][column]
                for k in column..<n { m[row][k] -= factor * m[column][k] }
                v[row] -= factor * v[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = v[row]
            for k in (row + 1)..<n { sum -= m[row][k] * x[k] }
            x[row] = sum / m[row][row]
        }
        return x
    }
}
