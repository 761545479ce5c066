import Foundation

extension Scenario {
    /// Numeric fields that Monte Carlo and sweeps may vary, by their YAML path. Language fields
    /// take a code (`languages.en.examples`) or `*` for every language.
    public static let variablePaths = [
        "hardware.mfu", "hardware.usd_per_gpu_hour", "hardware.pue", "hardware.kg_co2_per_kwh",
        "hardware.gpu_watts", "hardware.pool_gpus", "hardware.merge_efficiency", "hardware.gemm_efficiency",
        "hardware.network_gb_per_s",
        "finetune.epochs", "finetune.rank", "finetune.sequence_length", "finetune.micro_batch_size",
        "finetune.gradient_accumulation",
        "overheads.job_startup_minutes", "overheads.merge_startup_minutes",
        "overheads.evaluation_examples_per_language",
        "languages.<code|*>.examples", "languages.<code|*>.tokens_per_example", "languages.count",
        "schedule.events.add_examples", "schedule.periodic.every_days", "schedule.periodic.add_examples",
        "schedule.poisson.per_year", "schedule.poisson.add_examples", "schedule.horizon_days",
    ]

    /// The current value of a variable field.
    public func value(at path: String) throws -> Double {
        switch path {
        case "hardware.mfu": return hardware.mfu ?? CostModel(scenario: self).rate(context: finetune.sequenceLength).mfu
        case "hardware.gemm_efficiency":
            return hardware.gemmEfficiency ?? hardware.gpu.stepCurve?.gemmEfficiencyMax ?? hardware.stack.gemmEfficiencyMax
        case "hardware.network_gb_per_s": return hardware.networkBytesPerSecond / 1e9
        case "finetune.micro_batch_size": return Double(finetune.microBatchSize)
        case "finetune.gradient_accumulation": return Double(finetune.gradientAccumulation)
        case "hardware.usd_per_gpu_hour": return hardware.usdPerGPUHour
        case "hardware.pue": return hardware.pue
        case "hardware.kg_co2_per_kwh": return hardware.kgCO2PerKWh
        case "hardware.gpu_watts": return hardware.gpuWatts
        case "hardware.pool_gpus": return Double(hardware.poolGPUs)
        case "hardware.merge_efficiency": return hardware.mergeEfficiency
        case "finetune.epochs": return finetune.epochs
        case "finetune.rank": return Double(finetune.rank)
        case "finetune.sequence_length": return Double(finetune.sequenceLength)
        case "overheads.job_startup_minutes": return overheads.jobStartupMinutes
        case "overheads.merge_startup_minutes": return overheads.mergeStartupMinutes
        case "overheads.evaluation_examples_per_language": return Double(overheads.evaluationExamplesPerLanguage)
        case "languages.count": return Double(languages.count)
        case "schedule.horizon_days": return Double(schedule.horizonDays)
        case "schedule.events.add_examples": return schedule.events.first?.addExamples ?? 0
        case "schedule.periodic.every_days": return schedule.periodic.first?.everyDays ?? 0
        case "schedule.periodic.add_examples": return schedule.periodic.first?.addExamples ?? 0
        case "schedule.poisson.per_year": return schedule.poisson.first?.perYear ?? 0
        case "schedule.poisson.add_examples": return schedule.poisson.first?.addExamples ?? 0
        default:
            let (codes, field) = try languageField(path)
            let values = languages.filter { codes.contains($0.code) }.map { field == "examples" ? $0.examples : $0.tokensPerExample }
            return values.reduce(0, +) / Double(max(values.count, 1))
        }
    }

    /// A copy with one variable field set to `value`; throws for unknown paths or values out
    /// of the field's range. Integer fields are rounded.
    public func setting(_ path: String, to value: Double) throws -> Scenario {
        guard value.isFinite else { throw PlanCoreError.invalidArgument("\(path) must be a finite number") }
        func check(_ range: ClosedRange<Double>, above: Double? = nil) throws {
            if let above, value <= above { throw PlanCoreError.invalidArgument("\(path) must be greater than \(above), got \(value)") }
            if !range.contains(value) {
                throw PlanCoreError.invalidArgument("\(path) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            }
        }
        var copy = self
        let whole = Int(value.rounded())
        switch path {
        case "hardware.mfu": try check(0...1, above: 0); copy.hardware.mfu = value
        case "hardware.usd_per_gpu_hour": try check(0...1e6); copy.hardware.usdPerGPUHour = value
        case "hardware.pue": try check(1...10); copy.hardware.pue = value
        case "hardware.kg_co2_per_kwh": try check(0...10); copy.hardware.kgCO2PerKWh = value
        case "hardware.gpu_watts": try check(0...1e6, above: 0); copy.hardware.gpuWatts = value
        case "hardware.pool_gpus":
            try check(Double(widestJobGPUs)...1e6); copy.hardware.poolGPUs = whole
        case "hardware.merge_efficiency": try check(0...1, above: 0); copy.hardware.mergeEfficiency = value
        case "hardware.gemm_efficiency": try check(0...1, above: 0); copy.hardware.gemmEfficiency = value
        case "hardware.network_gb_per_s": try check(0...1e6, above: 0); copy.hardware.networkBytesPerSecond = value * 1e9
        case "finetune.micro_batch_size": try check(1...65_536); copy.finetune.microBatchSize = whole
        case "finetune.gradient_accumulation": try check(1...1e6); copy.finetune.gradientAccumulation = whole
        case "finetune.epochs": try check(0...10_000, above: 0); copy.finetune.epochs = value
        case "finetune.rank": try check(1...65_536); copy.finetune.rank = whole
        case "finetune.sequence_length": try check(1...1e7); copy.finetune.sequenceLength = whole
        case "overheads.job_startup_minutes": try check(0...1e6); copy.overheads.jobStartupMinutes = value
        case "overheads.merge_startup_minutes": try check(0...1e6); copy.overheads.mergeStartupMinutes = value
        case "overheads.evaluation_examples_per_language":
            try check(0...1e9); copy.overheads.evaluationExamplesPerLanguage = whole
        case "languages.count":
            try check(1...10_000); copy.languages = Self.resized(languages, to: whole)
        case "schedule.horizon_days": try check(1...36_500); copy.schedule.horizonDays = whole
        case "schedule.events.add_examples":
            try check(0...1e12); for i in copy.schedule.events.indices { copy.schedule.events[i].addExamples = value }
        case "schedule.periodic.every_days":
            try check(0...36_500, above: 0); for i in copy.schedule.periodic.indices { copy.schedule.periodic[i].everyDays = value }
        case "schedule.periodic.add_examples":
            try check(0...1e12); for i in copy.schedule.periodic.indices { copy.schedule.periodic[i].addExamples = value }
        case "schedule.poisson.per_year":
            try check(0...100_000); for i in copy.schedule.poisson.indices { copy.schedule.poisson[i].perYear = value }
        case "schedule.poisson.add_examples":
            try check(0...1e12); for i in copy.schedule.poisson.indices { copy.schedule.poisson[i].addExamples = value }
        default:
            let (codes, field) = try languageField(path)
            if field == "examples" { try check(0...1e12) } else { try check(1...1e8) }
            for i in copy.languages.indices where codes.contains(copy.languages[i].code) {
                if field == "examples" { copy.languages[i].examples = value } else { copy.languages[i].tokensPerExample = value }
            }
        }
        return copy
    }

    private func languageField(_ path: String) throws -> (Set<String>, String) {
        let parts = path.split(separator: ".").map(String.init)
        guard parts.count == 3, parts[0] == "languages", ["examples", "tokens_per_example"].contains(parts[2]) else {
            throw PlanCoreError.invalidArgument(
                "unknown or non-numeric field \"\(path)\"; variable fields: \(Self.variablePaths.joined(separator: ", "))")
        }
        if parts[1] == "*" { return (Set(languages.map(\.code)), parts[2]) }
        guard language(parts[1]) != nil else {
            throw PlanCoreError.invalidArgument("unknown language \"\(parts[1])\" in \(path)")
        }
        return ([parts[1]], parts[2])
    }

    /// `count` languages: the first ones kept, new ones (`l2`, `l3`, ...) copying the average.
    static func resized(_ languages: [Language], to count: Int) -> [Language] {
        if count <= languages.count { return Array(languages.prefix(count)) }
        let n = Double(languages.count)
        let examples = languages.map(\.examples).reduce(0, +) / n
        let tokens = languages.map(\.tokensPerExample).reduce(0, +) / n
        var result = languages
        var index = languages.count + 1
        while result.count < count {
            let code = "l\(index)"
            if !result.contains(where: { $0.code == code }) {
                result.append(Language(code: code, examples: examples, tokensPerExample: tokens))
            }
            index += 1
        }
        return result
    }
}
