import Foundation

/// Reads measured runs from the files fine-tuning stacks write (realscale.md §5):
///
/// - HF Trainer `trainer_state.json`, `train_results.json`, `all_results.json`: one run per file,
///   whose facts (model, method, GPUs, …) come from `facts` (the `plan calibrate --import` flags).
///   Tokens/s per GPU = `num_input_tokens_seen` (summed over all processes) / `train_runtime` / GPUs,
///   else `train_tokens_per_second` (per device). `total_flos` is never used: it is 6 × non-embedding
///   parameters × tokens, which ignores attention and overstates LoRA about 1.5×; the cost model
///   recomputes FLOPs from the architecture.
/// - torchtune DiskLogger lines (`Step N | … tokens_per_second_per_gpu:… peak_memory_alloc:…`):
///   one run per file, the median `tokens_per_second_per_gpu` over the steps after the first (which
///   includes warm-up), the largest `peak_memory_alloc` (GiB) as its peak memory.
/// - The probe CSV: the header `csvHeader` (columns found by name, extra columns ignored, no quoting),
///   one run per row; `targets` separated by `;`; `peak_memory_gib` may be empty. A `model` that
///   ends in `.json` is an architecture file (plan's export or a Hugging Face config.json)
///   relative to the CSV's folder.
///
/// - MLPerf Training result logs (`:::MLLOG` events): one run per file, see `mlperf(_:file:)`.
///
/// Every problem is a `PlanCoreError.invalidRunLog` naming the file (and line) and the field.
public struct RunLogReader: Sendable {
    /// The CSV columns, in the order the probe writes them.
    public static let csvColumns = [
        "model", "method", "rank", "targets", "gpu", "gpus", "micro_batch", "gradient_accumulation", "sequence_length",
        "gradient_checkpointing", "stack", "tokens_per_second_per_gpu", "peak_memory_gib",
    ]
    public static var csvHeader: String { csvColumns.joined(separator: ",") }

    public var catalog: Catalog
    /// The run's facts for Trainer and torchtune files (nil: such files are refused).
    public var facts: JobSpec?

    public init(catalog: Catalog, facts: JobSpec?) {
        self.catalog = catalog
        self.facts = facts
    }

    /// The runs in `data`, read from `file` (its folder resolves model files named in a CSV).
    public func read(_ data: Data, file: String) throws -> [MeasuredRun] {
        let text = String(decoding: data, as: UTF8.self)
        // Byte scans only: a 64 MiB file is neither copied nor split before the row limit applies.
        let whitespace: Set<UInt8> = [9, 10, 11, 12, 13, 32]
        guard let start = data.firstIndex(where: { !whitespace.contains($0) }) else {
            throw PlanCoreError.invalidRunLog("\(file): the file is empty")
        }
        if data[start] == UInt8(ascii: "{") || data[start] == UInt8(ascii: "[") || file.lowercased().hasSuffix(".json") {
            return [try trainer(data, file: file)]
        }
        if MLPerfLog.detect(text) { return [try mlperf(text, file: file)] }
        let end = data[start...].firstIndex(where: { $0 == 10 || $0 == 13 }) ?? data.endIndex
        let firstLine = String(decoding: data[start..<end], as: UTF8.self)
        if firstLine.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }).contains("tokens_per_second_per_gpu") {
            return try csv(text, file: file)
        }
        if text.contains("tokens_per_second_per_gpu:") { return [try torchtune(text, file: file)] }
        throw PlanCoreError.invalidRunLog(
            "\(file): not a Trainer JSON, a torchtune log (tokens_per_second_per_gpu:…), an MLPerf log (:::MLLOG lines) or a probe CSV (header \(Self.csvHeader))")
    }

    // MARK: HF Trainer

    func trainer(_ data: Data, file: String) throws -> MeasuredRun {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw PlanCoreError.invalidRunLog("\(file): not JSON (\(TerminalText.excerpt(Self.reason(error), limit: 2 * TerminalText.excerptCharacters)))")
        }
        guard let object = parsed as? [String: Any] else {
            throw PlanCoreError.invalidRunLog("\(file): expected a JSON object (trainer_state.json, train_results.json or all_results.json)")
        }
        // trainer_state.json keeps the speed metrics in the last log_history entry that has them.
        let history = (object["log_history"] as? [[String: Any]]) ?? []
        let final = history.last { $0["train_runtime"] != nil } ?? [:]
        func value(_ key: String) throws -> Double? {
            guard let raw = object[key] ?? final[key] else { return nil }
            // JSON true/false arrive as NSNumber too (1 and 0): a boolean is not a count.
            guard let number = raw as? NSNumber, !Self.isBoolean(number), number.doubleValue.isFinite else {
                let shown = (raw as? NSNumber).flatMap { Self.isBoolean($0) ? ($0.boolValue ? "true" : "false") : nil } ?? "\(raw)"
                throw PlanCoreError.invalidRunLog("\(file): field \(key): expected a number, got \(TerminalText.excerpt(shown))")
            }
            return number.doubleValue
        }
        let (spec, architecture) = try resolvedFacts(file: file)
        guard let runtime = try value("train_runtime") else {
            throw PlanCoreError.invalidRunLog("\(file): missing field train_runtime (seconds; HF Trainer train_results.json or trainer_state.json)")
        }
        guard runtime > 0 else { throw PlanCoreError.invalidRunLog("\(file): field train_runtime: must be positive, got \(runtime)") }
        let tokens = try value("num_input_tokens_seen")
        let perDevice = try value("train_tokens_per_second")
        let rate: Double
        if let tokens {
            guard tokens > 0 else { throw PlanCoreError.invalidRunLog("\(file): field num_input_tokens_seen: must be positive, got \(tokens)") }
            rate = tokens / runtime / Double(spec.gpus)
            guard rate.isFinite else {
                throw PlanCoreError.invalidRunLog(
                    "\(file): fields num_input_tokens_seen / train_runtime: \(tokens) tokens in \(runtime) s is not a finite rate")
            }
        } else if let perDevice {
            guard perDevice > 0 else {
                throw PlanCoreError.invalidRunLog("\(file): field train_tokens_per_second: must be positive, got \(perDevice)")
            }
            rate = perDevice
        } else {
            throw PlanCoreError.invalidRunLog(
                "\(file): missing field num_input_tokens_seen (or train_tokens_per_second): "
                    + "train with include_num_input_tokens_seen=True or include_tokens_per_second=True")
        }
        return MeasuredRun(
            source: file, format: .trainer, spec: spec, architecture: architecture, tokensPerSecondPerGPU: rate,
            loggedTotalFlos: try value("total_flos"), tokens: tokens ?? rate * runtime * Double(spec.gpus), runtimeSeconds: runtime)
    }

    // MARK: torchtune

    func torchtune(_ text: String, file: String) throws -> MeasuredRun {
        var rates: [(step: Int, value: Double)] = []
        var peak: Double?
        var lines = Lines(text)
        var number = 0
        while let line = lines.next() {
            number += 1
            guard line.utf8.contains(Self.rateKey) else { continue }
            let where_ = "\(file):line \(number)"
            let (parsedStep, fields) = Self.torchtuneFields(line)
            let step = parsedStep ?? rates.count + 1
            guard let raw = fields["tokens_per_second_per_gpu"], let rate = Double(raw), rate.isFinite, rate > 0 else {
                throw PlanCoreError.invalidRunLog(
                    "\(where_): field tokens_per_second_per_gpu: expected a positive number, got '\(TerminalText.excerpt(fields["tokens_per_second_per_gpu"] ?? ""))'")
            }
            rates.append((step, rate))
            if let raw = fields["peak_memory_alloc"] {
                guard let gib = Double(raw), gib.isFinite, gib >= 0 else {
                    throw PlanCoreError.invalidRunLog("\(where_): field peak_memory_alloc: expected GiB, got '\(TerminalText.excerpt(raw))'")
                }
                peak = max(peak ?? 0, gib)
            }
        }
        let (spec, architecture) = try resolvedFacts(file: file)
        let steady = rates.count > 1 ? Array(rates.sorted { $0.step < $1.step }.dropFirst()) : rates
        let median = Statistics.median(steady.map(\.value))
        return MeasuredRun(source: file, format: .torchtune, spec: spec, architecture: architecture,
                           tokensPerSecondPerGPU: median, peakMemoryGiB: peak)
    }

    /// `tokens_per_second_per_gpu:` as bytes.
    static let rateKey = Array("tokens_per_second_per_gpu:".utf8)

    /// One DiskLogger line on its UTF-8 bytes: `|`-separated pieces, each trimmed; `Step N` gives
    /// the step, every other space-separated `key:value` token a field (the last of a key wins;
    /// an empty key or value is no field).
    static func torchtuneFields(_ line: Substring) -> (step: Int?, fields: [String: String]) {
        let bytes = Array(line.utf8)
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), colon = UInt8(ascii: ":")
        var step: Int?
        var fields: [String: String] = [:]
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "|")) ?? bytes.count
            var lower = start, upper = end
            while lower < upper, bytes[lower] == space || bytes[lower] == tab { lower += 1 }
            while upper > lower, bytes[upper - 1] == space || bytes[upper - 1] == tab { upper -= 1 }
            let piece = bytes[lower..<upper]
            if piece.starts(with: Self.stepPrefix),
               let n = Int(String(decoding: piece.dropFirst(Self.stepPrefix.count).drop { $0 == space || $0 == tab }, as: UTF8.self)) {
                step = n
            } else {
                for token in piece.split(separator: space) {
                    guard let at = token.firstIndex(of: colon), at > token.startIndex, at + 1 < token.endIndex else { continue }
                    fields[String(decoding: token[..<at], as: UTF8.self)] = String(decoding: token[(at + 1)...], as: UTF8.self)
                }
            }
            start = end + 1
        }
        return (step, fields)
    }

    static let stepPrefix = Array("Step ".utf8)

    // MARK: probe CSV

    func csv(_ text: String, file: String) throws -> [MeasuredRun] {
        var lines = Lines(text)
        let header = (lines.next() ?? "").split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var column: [String: Int] = [:]
        for (index, name) in header.enumerated() where column[name] == nil { column[name] = index }
        if let missing = Self.csvColumns.first(where: { column[$0] == nil }) {
            throw PlanCoreError.invalidRunLog("\(file): header: missing column \(missing); expected \(Self.csvHeader)")
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        var runs: [MeasuredRun] = []
        var architectures: [String: ModelArchitecture] = [:]
        var number = 1
        while let line = lines.next() {
            number += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let where_ = "\(file):line \(number)"
            // Counted while reading: a million rows stop at the first one past the limit.
            guard runs.count < WorkLimits.importedRuns else {
                throw PlanCoreError.invalidRunLog("\(where_): more than the limit of \(WorkLimits.importedRuns) measured runs in one import")
            }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func cell(_ name: String) -> String { column[name].flatMap { $0 < cells.count ? cells[$0] : nil } ?? "" }
            func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int {
                guard let value = Int(cell(name)), range.contains(value) else {
                    throw PlanCoreError.invalidRunLog(
                        "\(where_): field \(name): expected an integer in \(range.lowerBound)...\(range.upperBound), got '\(TerminalText.excerpt(cell(name)))'")
                }
                return value
            }
            if let short = Self.csvColumns.dropLast().first(where: { (column[$0] ?? 0) >= cells.count }) {
                throw PlanCoreError.invalidRunLog("\(where_): field \(short): missing (the row has \(cells.count) of \(header.count) columns)")
            }
            var spec = JobSpec(model: cell("model"))
            guard let method = Finetune.Method(rawValue: cell("method")) else {
                throw PlanCoreError.invalidRunLog("\(where_): field method: expected lora, qlora or full, got '\(TerminalText.excerpt(cell("method")))'")
            }
            spec.method = method
            spec.rank = try integer("rank", ScenarioField.finetuneRank.spec.bounds.wholeRange)
            spec.targets = JobSpec.parseTargets(cell("targets"))
            spec.gpu = cell("gpu")
            spec.gpus = try integer("gpus", 1...MemoryModel.maximumGPUs)
            spec.microBatch = try integer("micro_batch", ScenarioField.finetuneMicroBatchSize.spec.bounds.wholeRange)
            spec.gradientAccumulation = try integer("gradient_accumulation", ScenarioField.finetuneGradientAccumulation.spec.bounds.wholeRange)
            spec.sequenceLength = try integer("sequence_length", ScenarioField.finetuneSequenceLength.spec.bounds.wholeRange)
            switch cell("gradient_checkpointing").lowercased() {
            case "true", "1", "yes": spec.gradientCheckpointing = true
            case "false", "0", "no": spec.gradientCheckpointing = false
            default:
                throw PlanCoreError.invalidRunLog(
                    "\(where_): field gradient_checkpointing: expected true or false, got '\(TerminalText.excerpt(cell("gradient_checkpointing")))'")
            }
            spec.stack = cell("stack").isEmpty ? SoftwareStack.defaultName : cell("stack")
            guard let rate = Double(cell("tokens_per_second_per_gpu")), rate.isFinite, rate > 0 else {
                throw PlanCoreError.invalidRunLog(
                    "\(where_): field tokens_per_second_per_gpu: expected a positive number, got '\(TerminalText.excerpt(cell("tokens_per_second_per_gpu")))'")
            }
            var peak: Double?
            if !cell("peak_memory_gib").isEmpty {
                guard let gib = Double(cell("peak_memory_gib")), gib.isFinite, gib >= 0 else {
                    throw PlanCoreError.invalidRunLog(
                        "\(where_): field peak_memory_gib: expected GiB or empty, got '\(TerminalText.excerpt(cell("peak_memory_gib")))'")
                }
                peak = gib
            }
            let architecture = try check(spec, file: where_, folder: folder, fieldPrefix: "", architectures: &architectures)
            runs.append(MeasuredRun(source: where_, format: .csv, spec: spec, architecture: architecture,
                                    tokensPerSecondPerGPU: rate, peakMemoryGiB: peak))
        }
        guard !runs.isEmpty else { throw PlanCoreError.invalidRunLog("\(file): no rows after the header") }
        return runs
    }

    // MARK: facts

    /// The flags' job, checked; the model may be an architecture file.
    func resolvedFacts(file: String) throws -> (JobSpec, ModelArchitecture?) {
        guard let facts, !facts.model.isEmpty else {
            throw PlanCoreError.invalidRunLog("\(file): field --model: a Trainer, torchtune or MLPerf log needs the run's facts as flags (--model, --method, --gpu, …)")
        }
        let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var architectures: [String: ModelArchitecture] = [:]
        return (facts, try check(facts, file: file, folder: folder, fieldPrefix: "--", architectures: &architectures))
    }

    /// Checks every name in `spec` against the catalog; returns the architecture of a model file
    /// (each file read once per import: `architectures` keeps them by path).
    func check(_ spec: JobSpec, file: String, folder: URL, fieldPrefix: String,
               architectures: inout [String: ModelArchitecture]) throws -> ModelArchitecture? {
        func field(_ name: String) -> String { fieldPrefix.isEmpty ? name : fieldPrefix + name.replacingOccurrences(of: "_", with: "-") }
        var architecture: ModelArchitecture?
        if spec.model.lowercased().hasSuffix(".json") {
            let url = spec.model.hasPrefix("/") ? URL(fileURLWithPath: spec.model) : folder.appendingPathComponent(spec.model)
            if let known = architectures[url.path] {
                architecture = known
            } else {
                do {
                    guard let data = try BoundedFile.read(url.path, limit: WorkLimits.modelConfigBytes) else {
                        throw PlanCoreError.invalidRunLog("\(file): field \(field("model")): cannot read the architecture file \(url.path)")
                    }
                    architecture = try ModelArchitecture.read(data, file: url.path, name: url.deletingPathExtension().lastPathComponent)
                } catch let PlanCoreError.invalidRunLog(message) {
                    throw PlanCoreError.invalidRunLog(message)
                } catch {
                    throw PlanCoreError.invalidRunLog("\(file): field \(field("model")): \(error)")
                }
                architectures[url.path] = architecture
            }
        } else {
            do { _ = try catalog.model(spec.model) } catch {
                throw PlanCoreError.invalidRunLog("\(file): field \(field("model")): \(error)")
            }
        }
        do { _ = try catalog.gpu(spec.gpu) } catch { throw PlanCoreError.invalidRunLog("\(file): field \(field("gpu")): \(error)") }
        do { _ = try catalog.stack(spec.stack) } catch { throw PlanCoreError.invalidRunLog("\(file): field \(field("stack")): \(error)") }
        if spec.targets.isEmpty { throw PlanCoreError.invalidRunLog("\(file): field \(field("targets")): needs at least one projection") }
        if let bad = spec.targets.first(where: { !ModelArchitecture.projectionNames.contains($0) }) {
            throw PlanCoreError.invalidRunLog(
                "\(file): field \(field("targets")): unknown projection '\(TerminalText.excerpt(bad))'; expected names from \(ModelArchitecture.projectionNames.joined(separator: ","))")
        }
        return architecture
    }

    /// JSON `true` / `false`, which Foundation hands over as an NSNumber of type char.
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// The first line of a Foundation error, without its debug payload.
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        let detail = (nsError.userInfo["NSDebugDescription"] as? String) ?? nsError.localizedDescription
        return detail.split(whereSeparator: \.isNewline).first.map(String.init) ?? "unreadable"
    }
}

/// The lines of a text, one at a time (`\n`, `\r\n` or `\r` ends a line), found on its UTF-8
/// bytes: reading stops wherever the reader stops, whatever the text's length.
struct Lines: IteratorProtocol {
    private let text: String
    private var position: String.Index
    private var done = false

    init(_ text: String) {
        self.text = text
        position = text.utf8.startIndex
    }

    mutating func next() -> Substring? {
        guard !done else { return nil }
        let utf8 = text.utf8
        guard let end = utf8[position...].firstIndex(where: { $0 == 10 || $0 == 13 }) else {
            done = true
            return text[position...]
        }
        let line = text[position..<end]
        position = utf8.index(after: end)
        if utf8[end] == 13, position < utf8.endIndex, utf8[position] == 10 { position = utf8.index(after: position) }
        return line
    }
}
