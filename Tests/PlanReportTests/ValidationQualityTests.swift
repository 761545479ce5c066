import Testing
@testable import PlanReport

/// The quality table `plan report` rebuilds from a stored validation document.
struct ValidationQualityTests {
    let document = """
        {"setup": "tiny", "languages": ["en", "de"], "quality": [
          {"model": "combined", "scores": [{"language": "en", "loss": 0.5, "accuracy": 0.9}, {"language": "de", "loss": 0.7, "accuracy": 0.7}]},
          {"model": "single", "scores": [{"language": "en", "loss": 0.4, "accuracy": 0.95}, {"language": "de", "loss": 0.6, "accuracy": 0.85}]},
          {"model": "merge/ties d=0.5", "scores": [{"language": "en", "loss": 1.5, "accuracy": 0.5}, {"language": "de", "loss": 1.7, "accuracy": 0.4}]},
          {"model": "merge/cat", "scores": [{"language": "en", "loss": 1.0, "accuracy": 0.6}, {"language": "de", "loss": 1.2, "accuracy": 0.6}]}
        ]}
        """

    @Test func parsesTabulatesAndReads() throws {
        let quality = try #require(ValidationQuality.parse(runID: 3, document: document))
        #expect(quality.languages == ["en", "de"] && quality.rows.count == 4 && quality.setup == "tiny")
        let table = quality.table
        #expect(table.header == ["model", "en loss", "en acc", "de loss", "de acc", "mean acc"])
        #expect(table.rows[0] == ["combined", "0.500", "90.0%", "0.700", "70.0%", "80.0%"])
        #expect(quality.reading.contains("combined 80.0%") && quality.reading.contains("best merge cat 60.0%")
            && quality.reading.contains("worst ties d=0.5 45.0%"))
    }

    @Test func documentsWithoutQualityGiveNone() {
        #expect(ValidationQuality.parse(runID: 1, document: #"{"jobs": []}"#) == nil)
        #expect(ValidationQuality.parse(runID: 1, document: "not json") == nil)
        #expect(ValidationQuality.parse(runID: 1, document: #"{"languages": ["en"], "quality": [{"model": "x", "scores": []}]}"#) == nil)
    }
}

/// The quality plot script: inline data, `noenhanced` text, every label through `GnuplotScript`.
struct ValidationQualityPlotTests {
    @Test func scriptQuotesLabelsAndPlotsEveryLanguage() {
        let rows = [ValidationPlots.LossRow(language: "merge/ties d=0.5", losses: [0.5, 0.25]),
                    ValidationPlots.LossRow(language: "bad'label\n", losses: [0.1, 0.2])]
        let script = ValidationPlots.quality(rows, languages: ["en", "de"], name: "validation_quality_accuracy", label: "accuracy", title: "t")
        #expect(script.contains("set termoption noenhanced"))
        #expect(script.contains("\"merge/ties d=0.5\" 0.5 0.25"))
        #expect(!script.contains("bad'label") && script.contains("bad\u{2019}label"))
        #expect(script.contains("title 'en'") && script.contains("title 'de'"))
        #expect(script.contains("set output 'validation_quality_accuracy.png'"))
    }
}
