import Foundation
import Testing
@testable import PlanCore

/// Issue 28 for `plan calibrate --import`: rows are counted while reading, booleans are not
/// numbers, long values are cut in messages, and a fit whose figures are not finite or whose
/// runs are faster than the GPU's peak is refused (exit 65) instead of being stored.
struct ImportLimitTests {
    let catalog: Catalog
    init() throws { catalog = try Catalog.bundled() }

    static let header = RunLogReader.csvHeader + "\n"
    static func row(rate: String = "2650.5", microBatch: Int = 1) -> String {
        "llama-3.1-8b,lora,16,q_proj;v_proj,a100-80gb,1,\(microBatch),1,2048,true,hf,\(rate),\n"
    }

    func read(_ text: String, file: String) throws -> [MeasuredRun] {
        var facts = JobSpec(model: "llama-3.1-8b")
        facts.gpu = "a100-80gb"
        return try RunLogReader(catalog: catalog, facts: facts).read(Data(text.utf8), file: file)
    }

    func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let PlanCoreError.invalidRunLog(message) {
            return message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func rowsBeyondTheLimitStopTheReadAtTheFirstOnePast() throws {
        let limit = WorkLimits.importedRuns
        #expect(try read(Self.header + String(repeating: Self.row(), count: limit), file: "p.csv").count == limit)
        // 200,000 rows: the read stops at row limit + 1 (line limit + 2).
        let text = Self.header + String(repeating: Self.row(), count: 200_000)
        #expect(message { _ = try read(text, file: "p.csv") } == "p.csv:line \(limit + 2): more than the limit of \(limit) measured runs in one import")
    }

    @Test func booleansAreNotNumbers() {
        let found = message { _ = try read(#"{"train_runtime": 100, "num_input_tokens_seen": true}"#, file: "t.json") }
        #expect(found == "t.json: field num_input_tokens_seen: expected a number, got true")
        #expect(message { _ = try read(#"{"train_runtime": false, "num_input_tokens_seen": 5}"#, file: "t.json") }?.contains("got false") == true)
    }

    @Test func longValuesAreCutInMessages() throws {
        let long = String(repeating: "9", count: 100_000) + "x"
        for text in [Self.header + Self.row(rate: long), #"{"train_runtime": "\#(long)", "num_input_tokens_seen": 5}"#,
                     "Step 1 | tokens_per_second_per_gpu:\(long)\n"] {
            let found = try #require(message { _ = try read(text, file: text.hasPrefix("{") ? "t.json" : "t.log") })
            #expect(found.count < 400, "\(found.count) characters")
            #expect(found.contains("(100001 characters)"))
        }
    }

    @Test func infiniteRatesAreRefusedByTheReader() {
        let found = message { _ = try read(#"{"train_runtime": 1e-300, "num_input_tokens_seen": 1e300}"#, file: "t.json") }
        #expect(found?.hasSuffix("is not a finite rate") == true)
    }

    /// 1e308 tokens/s is an infinite MFU: it used to fail writing JSON (exit 70) or be stored.
    @Test(arguments: ["1e308", "1e30", "1e-300"])
    func runsOutsideThePlausibleMFUAreRefused(rate: String) throws {
        let runs = try read(Self.header + Self.row(rate: rate) + Self.row(microBatch: 2), file: "p.csv")
        let fit = try StepCurveFit.fit(runs, catalog: catalog)
        let found = try #require(message { try fit.checkImported() })
        #expect(found.hasPrefix("p.csv:line 2: field tokens_per_second_per_gpu: "), "\(found)")
        #expect(found.contains("a measured run's MFU lies between 1e-07 and 1"))
    }

    @Test func plausibleRunsPass() throws {
        let runs = try read(Self.header + Self.row() + Self.row(rate: "2901", microBatch: 2), file: "p.csv")
        try StepCurveFit.fit(runs, catalog: catalog).checkImported()
    }

    @Test func linesEndAtEveryNewlineConvention() {
        var lines = Lines("a\r\nb\rc\n\nd")
        var seen: [String] = []
        while let line = lines.next() { seen.append(String(line)) }
        #expect(seen == ["a", "b", "c", "", "d"])
    }
}
