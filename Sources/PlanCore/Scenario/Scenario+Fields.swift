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

    /// The valid values of a variable field: a closed range, an optional exclusive lower
    /// bound, and whether the field is a whole number (rounded when set).
    public struct FieldBounds: Sendable, Equatable {
        public var range: ClosedRange<Double>
        public var above: Double?
        public var isWhole: Bool

        /// `value` moved to the nearest valid value (NaN has none).
        public func clamped(_ value: Double) -> Double? {
            guard !value.isNaN else { return nil }
            var result = min(max(value, range.lowerBound), range.upperBound)
            if let above, result <= above { result = min(range.upperBound, isWhole ? (above + 1).rounded(.down) : above.nextUp) }
            return result
        }
    }

    /// The bounds of a variable field (see `variablePaths`); throws for an unknown path.
    /// Every whole-number field's upper bound is far below `Int.max`, so a checked value always converts.
    public func bounds(at path: String) throws -> FieldBounds {
        func real(_ range: ClosedRange<Double>, above: Double? = nil) -> FieldBounds { FieldBounds(range: range, above: above, isWhole: false) }
        func whole(_ range: ClosedRange<Double>) -> FieldBounds { FieldBounds(range: range, above: nil, isWhole: true) }
        switch path {
        case "hardware.mfu", "hardware.merge_efficiency", "hardware.gemm_efficiency": return real(0...1, above: Self.minimumEfficiency)
        case "hardware.network_gb_per_s": return real(0...1e6, above: 0)
        case "finetune.micro_batch_size": return whole(1...65_536)
        case "finetune.gradient_accumulation": return whole(1...1e6)
        case "hardware.usd_per_gpu_hour": return real(0...1e6)
        case "hardware.pue": return real(1...10)
        case "hardware.kg_co2_per_kwh": return real(0...10)
        case "hardware.gpu_watts": return real(0...1e6, above: 0)
        case "hardware.pool_gpus": return whole(Double(widestJobGPUs)...1e6)
        case "finetune.epochs": return real(0...10_000, above: 0)
        case "finetune.rank": return whole(1...65_536)
        case "finetune.sequence_length": return whole(1...1e7)
        case "overheads.job_startup_minutes", "overheads.merge_startup_minutes": return real(0...1e6)
        case "overheads.evaluation_examples_per_language": return whole(0...1e9)
        case "languages.count": return whole(1...Double(Self.maximumLanguages))
        case "schedule.horizon_days": return whole(1...36_500)
        case "schedule.events.add_examples", "schedule.periodic.add_examples", "schedule.poisson.add_examples": return real(0...1e12)
        case "schedule.periodic.every_days": return real(0...36_500, above: 0)
        case "schedule.poisson.per_year": return real(0...100_000)
        default:
            let (_, field) = try languageField(path)
            return field == "examples" ? real(0...1e12) : real(1...1e8)
        }
    }

    /// A copy with one variable field set to `value`; throws for unknown paths or values out
    /// of the field's range. Integer fields are rounded (after the range check, so that no
    /// value converts to `Int` unchecked).
    public func setting(_ path: String, to value: Double) throws -> Scenario {
        let bounds = try bounds(at: path)
        guard value.isFinite else { throw PlanCoreError.invalidArgument("\(path) must be a finite number") }
        if let above = bounds.above, value <= above {
            throw PlanCoreError.invalidArgument("\(path) must be greater than \(above), got \(value)")
        }
        if !bounds.range.contains(value) {
            throw PlanCoreError.invalidArgument("\(path) must be between \(bounds.range.lowerBound) and \(bounds.range.upperBound), got \(value)")
        }
        var copy = self
        let whole = Int(value.rounded())  // safe: |value| <= 1e9 here
        switch path {
        case "hardware.mfu": copy.hardware.mfu = value
        case "hardware.usd_per_gpu_hour": copy.hardware.usdPerGPUHour = value
        case "hardware.pue": copy.hardware.pue = value
        case "hardware.kg_co2_per_kwh": copy.hardware.kgCO2PerKWh = value
        case "hardware.gpu_watts": copy.hardware.gpuWatts = value
        case "hardware.pool_gpus": copy.hardware.poolGPUs = whole
        case "hardware.merge_efficiency": copy.hardware.mergeEfficiency = value
        case "hardware.gemm_efficiency": copy.hardware.gemmEfficiency = value
        case "hardware.network_gb_per_s": copy.hardware.networkBytesPerSecond = value * 1e9
        case "finetune.micro_batch_size": copy.finetune.microBatchSize = whole
        case "finetune.gradient_accumulation": copy.finetune.gradientAccumulation = whole
        case "finetune.epochs": copy.finetune.epochs = value
        case "finetune.rank": copy.finetune.rank = whole
        case "finetune.sequence_length": copy.finetune.sequenceLength = whole
        case "overheads.job_startup_minutes": copy.overheads.jobStartupMinutes = value
        case "overheads.merge_startup_minutes": copy.overheads.mergeStartupMinutes = value
        case "overheads.evaluation_examples_per_language": copy.overheads.evaluationExamplesPerLanguage = whole
        case "languages.count": copy.languages = Self.resized(languages, to: whole)
        case "schedule.horizon_days": copy.schedule.horizonDays = whole
        case "schedule.events.add_examples": for i in copy.schedule.events.indices { copy.schedule.events[i].addExamples = value }
        case "schedule.periodic.every_days": for i in copy.schedule.periodic.indices { copy.schedule.periodic[i].everyDays = value }
        case "schedule.periodic.add_examples": for i in copy.schedule.periodic.indices { copy.schedule.periodic[i].addExamples = value }
        case "schedule.poisson.per_year": for i in copy.schedule.poisson.indices { copy.schedule.poisson[i].perYear = value }
        case "schedule.poisson.add_examples": for i in copy.schedule.poisson.indices { copy.schedule.poisson[i].addExamples = value }
        default:
            let (codes, field) = try languageField(path)
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
                "unknown or non-numeric field \"\(TerminalText.excerpt(path))\"; variable fields: \(Self.variablePaths.joined(separator: ", "))")
        }
        if parts[1] == "*" { return (Set(languages.map(\.code)), parts[2]) }
        guard language(parts[1]) != nil else {
            throw PlanCoreError.invalidArgument("unknown language \"\(TerminalText.excerpt(parts[1]))\" in \(TerminalText.excerpt(path))")
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
