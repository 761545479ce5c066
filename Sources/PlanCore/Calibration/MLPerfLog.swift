import Foundation

/// An MLPerf Training result log, as the `mlperf_logging` package writes it: one event per line,
/// `:::MLLOG {json}` after whatever prefix the launcher adds (`0: `, `[0] `), each event a JSON
/// object with `key`, `value`, `time_ms`, `event_type` and `metadata`. Lines without the marker
/// are skipped, as are keys not listed here (`epoch_start`, `block_start`, `train_loss`,
/// `tracked_stats`, the optimizer settings, …).
///
/// Read: `run_start` and `run_stop` (`time_ms`; the run's `samples_count` and `status` in
/// `run_stop`'s metadata), `eval_start` / `eval_stop` (the evaluation intervals inside the run),
/// `eval_accuracy` (its `metadata.samples_count`: when each evaluation ran), `global_batch_size`,
/// `train_samples` and `eval_samples` (MLPerf's sizes of the training and evaluation sets),
/// `max_sequence_length`, `gradient_accumulation_steps`, `lora_rank`, `submission_platform`,
/// `submission_benchmark`. Samples trained: `run_stop`'s `samples_count`, else the largest
/// `samples_count` any event carries.
///
/// Every problem is a `PlanCoreError.invalidRunLog` naming the file (and line) and the key.
public struct MLPerfLog: Sendable, Equatable {
    public var runStartMilliseconds: Double
    public var runStopMilliseconds: Double
    /// `run_stop`'s `metadata.status` (`success`, `aborted`), where given.
    public var status: String?
    /// Samples trained between `run_start` and `run_stop`.
    public var samples: Double
    /// Seconds inside `eval_start` … `eval_stop` intervals.
    public var evaluationSeconds: Double
    /// Timed evaluation intervals.
    public var timedEvaluations: Int
    /// `eval_accuracy`'s `samples_count`, in log order.
    public var evaluationSampleCounts: [Double]
    public var globalBatchSize: Int?
    /// `train_samples`: the training set's size (MLPerf's rule), not a count of trained samples.
    public var trainingSetSamples: Double?
    /// `eval_samples`: the samples each evaluation runs.
    public var evaluationSetSamples: Double?
    public var maxSequenceLength: Int?
    public var gradientAccumulationSteps: Int?
    public var loraRank: Int?
    public var platform: String?
    public var benchmark: String?

    /// Wall-clock seconds from `run_start` to `run_stop`: MLPerf's time to train.
    public var runSeconds: Double { (runStopMilliseconds - runStartMilliseconds) / 1000 }
    /// The run less its timed evaluations.
    public var trainingSeconds: Double { runSeconds - evaluationSeconds }

    /// Trained samples between evaluations: the first gap between `eval_accuracy` counts (the
    /// first count when there is one); nil without any.
    public var evaluationEverySamples: Double? {
        var counts: [Double] = []
        for count in evaluationSampleCounts where count > 0 && count != counts.last { counts.append(count) }
        guard let first = counts.first else { return nil }
        return counts.count > 1 && counts[1] > first ? counts[1] - first : first
    }

    /// The evaluation schedule the log shows (every `evaluationEverySamples`, `eval_samples`
    /// each); nil when either is missing.
    public var evaluationSchedule: EvaluationSchedule? {
        guard let every = evaluationEverySamples, let samples = evaluationSetSamples, samples > 0 else { return nil }
        return EvaluationSchedule(everySamples: every, samples: samples)
    }

    static let marker = ":::MLLOG"

    /// Whether `text` holds MLLOG events.
    static func detect(_ text: String) -> Bool { text.contains(Self.marker) }

    /// Reads the events of `text` (from `file`, for messages).
    public static func parse(_ text: String, file: String) throws -> MLPerfLog {
        var lines = Lines(text)
        var number = 0
        var start: Double?, stop: Double?, status: String?, stopSamples: Double?, largestCount: Double?
        var openEvaluation: (time: Double, line: Int)?
        var evaluationSeconds = 0.0, timed = 0
        var counts: [Double] = []
        var log = MLPerfLog(runStartMilliseconds: 0, runStopMilliseconds: 0, samples: 0, evaluationSeconds: 0, timedEvaluations: 0,
                            evaluationSampleCounts: [])
        while let line = lines.next() {
            number += 1
            guard let found = line.range(of: Self.marker) else { continue }
            let event = try Event(line[found.upperBound...], file: file, line: number)
            guard stop == nil else { continue }  // events after run_stop are not part of the run
            if let count = try event.samplesCount() { largestCount = max(largestCount ?? 0, count) }
            switch event.key {
            case "run_start": if start == nil { start = try event.time() }
            case "run_stop":
                guard start != nil else { throw event.error("run_stop with no run_start before it (missing run_start)") }
                let time = try event.time()
                if let open = openEvaluation { throw event.error("run_stop while the eval_start at line \(open.line) has no eval_stop") }
                stop = time
                status = event.metadata["status"] as? String
                stopSamples = try event.samplesCount()
            case "eval_start":
                if let open = openEvaluation { throw event.error("eval_start while the one at line \(open.line) has no eval_stop") }
                openEvaluation = (try event.time(), number)
            case "eval_stop":
                guard let open = openEvaluation else { throw event.error("eval_stop without an eval_start") }
                let time = try event.time()
                guard time >= open.time else { throw event.error("eval_stop at time_ms \(time) is before its eval_start (\(open.time))") }
                if start != nil { (evaluationSeconds, timed) = (evaluationSeconds + (time - open.time) / 1000, timed + 1) }
                openEvaluation = nil
            case "eval_accuracy": if let count = try event.samplesCount() { counts.append(count) }
            case "global_batch_size": log.globalBatchSize = try event.whole(1...Int(1e9))
            case "train_samples": log.trainingSetSamples = try event.number(above: 0)
            case "eval_samples": log.evaluationSetSamples = try event.number(above: 0)
            case "max_sequence_length": log.maxSequenceLength = try event.whole(ScenarioField.finetuneSequenceLength.spec.bounds.wholeRange)
            case "gradient_accumulation_steps": log.gradientAccumulationSteps = try event.whole(ScenarioField.finetuneGradientAccumulation.spec.bounds.wholeRange)
            case "lora_rank": log.loraRank = try event.whole(ScenarioField.finetuneRank.spec.bounds.wholeRange)
            case "submission_platform": log.platform = (event.object["value"] as? String).map { TerminalText.excerpt($0) }
            case "submission_benchmark": log.benchmark = (event.object["value"] as? String).map { TerminalText.excerpt($0) }
            default: break
            }
        }
        guard let start else { throw PlanCoreError.invalidRunLog("\(file): missing run_start (no :::MLLOG event with \"key\": \"run_start\")") }
        guard let stop else {
            throw PlanCoreError.invalidRunLog("\(file): missing run_stop: the run did not finish or the log is cut (no :::MLLOG event with \"key\": \"run_stop\")")
        }
        guard stop > start else {
            throw PlanCoreError.invalidRunLog("\(file): run_stop (time_ms \(stop)) is not after run_start (time_ms \(start))")
        }
        guard let samples = stopSamples ?? largestCount, samples > 0 else {
            throw PlanCoreError.invalidRunLog(
                "\(file): no samples_count (run_stop, eval_accuracy or block_stop metadata): the samples the run trained are unknown")
        }
        log.runStartMilliseconds = start
        log.runStopMilliseconds = stop
        log.status = status.map { TerminalText.excerpt($0) }
        log.samples = samples
        log.evaluationSeconds = evaluationSeconds
        log.timedEvaluations = timed
        log.evaluationSampleCounts = counts
        guard log.trainingSeconds > 0 else {
            throw PlanCoreError.invalidRunLog(
                "\(file): the evaluations (\(String(format: "%.4g", evaluationSeconds)) s) fill the whole run (\(String(format: "%.4g", log.runSeconds)) s); no training time is left")
        }
        return log
    }

    /// One `:::MLLOG` event.
    struct Event {
        var object: [String: Any]
        var key: String
        var file: String
        var line: Int

        init(_ json: Substring, file: String, line: Int) throws {
            self.file = file
            self.line = line
            let parsed: Any
            do { parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) } catch {
                throw PlanCoreError.invalidRunLog(
                    "\(file):line \(line): the event after :::MLLOG is not JSON (\(TerminalText.excerpt(RunLogReader.reason(error), limit: 2 * TerminalText.excerptCharacters)))")
            }
            guard let object = parsed as? [String: Any], let key = object["key"] as? String else {
                throw PlanCoreError.invalidRunLog("\(file):line \(line): the event after :::MLLOG is not a JSON object with a string \"key\"")
            }
            self.object = object
            self.key = key
        }

        var metadata: [String: Any] { object["metadata"] as? [String: Any] ?? [:] }

        func error(_ message: String) -> PlanCoreError {
            PlanCoreError.invalidRunLog("\(file):line \(line): \(message)")
        }

        /// A JSON number (not a boolean), finite.
        static func number(_ raw: Any?) -> Double? {
            guard let number = raw as? NSNumber, !RunLogReader.isBoolean(number), number.doubleValue.isFinite else { return nil }
            return number.doubleValue
        }

        static func shown(_ raw: Any?) -> String { TerminalText.excerpt(raw.map { "\($0)" } ?? "nothing") }

        func time() throws -> Double {
            guard let time = Self.number(object["time_ms"]), time >= 0 else {
                throw error("\(key): field time_ms: expected milliseconds since the epoch, got \(Self.shown(object["time_ms"]))")
            }
            return time
        }

        func samplesCount() throws -> Double? {
            guard let raw = metadata["samples_count"] else { return nil }
            guard let count = Self.number(raw), count >= 0 else {
                throw error("\(key): field metadata.samples_count: expected a non-negative number, got \(Self.shown(raw))")
            }
            return count
        }

        func number(above lower: Double) throws -> Double {
            guard let value = Self.number(object["value"]), value > lower else {
                throw error("\(key): field value: expected a number above \(String(format: "%g", lower)), got \(Self.shown(object["value"]))")
            }
            return value
        }

        func whole(_ range: ClosedRange<Int>) throws -> Int {
            guard let value = Self.number(object["value"]), value == value.rounded(), value >= Double(range.lowerBound),
                  value <= Double(range.upperBound) else {
                throw error("\(key): field value: expected a whole number in \(range.lowerBound)...\(range.upperBound), got \(Self.shown(object["value"]))")
            }
            return Int(value)
        }
    }
}
