import Foundation
import Yams

extension ScenarioLoader {
    func readSchedule(_ root: inout MappingReader, declared: [String]) -> Schedule {
        var result = ScenarioDefaults.schedule
        guard var fields = root.mapping("schedule") else { return result }
        let diagnostics = fields.diagnostics
        result.horizonDays = fields.int(.scheduleHorizonDays, default: result.horizonDays)
        // Days and periods lie within the horizon.
        let horizon = Double(result.horizonDays)
        func within(_ field: ScenarioField) -> FieldBounds { field.spec.bounds.capped(at: horizon) }
        var known = Set(declared)

        var additions: [LanguageAddition] = []
        for var item in fields.mappingList("additions") {
            let day = item.requiredDouble(.scheduleAdditionsDay, bounds: within(.scheduleAdditionsDay))
            let language = item.string("language", default: nil)
            let examples = item.requiredDouble(.scheduleAdditionsExamples)
            let tokens = item.requiredDouble(.scheduleAdditionsTokensPerExample)
            if language == nil { diagnostics.error(item.child("language"), "missing required field") }
            if let language, known.contains(language) {
                diagnostics.error(item.child("language"), "language \"\(TerminalText.excerpt(language))\" already exists; additions add new languages")
            }
            item.finish()
            if let day, let language, let examples, let tokens {
                known.insert(language)
                additions.append(LanguageAddition(day: day, language: language, examples: examples, tokensPerExample: tokens))
            }
        }
        result.additions = additions

        for var item in fields.mappingList("events") {
            let day = item.requiredDouble(.scheduleEventsDay, bounds: within(.scheduleEventsDay))
            let language = item.string("language", default: nil)
            let add = item.requiredDouble(.scheduleEventsAddExamples)
            if let language { checkLanguage(language, known: known, path: item.child("language"), diagnostics) } else {
                diagnostics.error(item.child("language"), "missing required field")
            }
            item.finish()
            if let day, let language, let add { result.events.append(UpdateEvent(day: day, language: language, addExamples: add)) }
        }
        for var item in fields.mappingList("periodic") {
            let selection = readSelection(&item, known: known)
            let every = item.requiredDouble(.schedulePeriodicEveryDays, bounds: within(.schedulePeriodicEveryDays))
            let add = item.requiredDouble(.schedulePeriodicAddExamples)
            let start = item.optionalDouble(.schedulePeriodicStartDay, bounds: within(.schedulePeriodicStartDay))
            item.finish()
            if let selection, let every, let add {
                result.periodic.append(PeriodicUpdate(languages: selection, everyDays: every, addExamples: add, startDay: start))
            }
        }
        for var item in fields.mappingList("poisson") {
            let selection = readSelection(&item, known: known)
            let rate = item.requiredDouble(.schedulePoissonPerYear)
            let add = item.requiredDouble(.schedulePoissonAddExamples)
            item.finish()
            if let selection, let rate, let add {
                result.poisson.append(PoissonUpdate(languages: selection, perYear: rate, addExamples: add))
            }
        }
        result.releaseEveryDays = fields.int(.scheduleReleaseEveryDays, default: result.releaseEveryDays)
        result.maxUpdateDelayHours = fields.double(.scheduleMaxUpdateDelayHours, default: result.maxUpdateDelayHours)
        fields.finish()
        return result
    }

    private func checkLanguage(_ code: String, known: Set<String>, path: String, _ diagnostics: DiagnosticCollector) {
        if !known.contains(code) {
            diagnostics.error(path, "unknown language \"\(TerminalText.excerpt(code))\"; declare it under languages or schedule.additions")
        }
    }

    private func readSelection(_ item: inout MappingReader, known: Set<String>) -> LanguageSelection? {
        guard let node = item.node("languages") else {
            item.diagnostics.error(item.child("languages"), "missing required field (a list of languages, or all)")
            return nil
        }
        if case let .scalar(scalar) = node, scalar.string == "all" { return .all }
        guard case let .sequence(sequence) = node else {
            item.diagnostics.error(item.child("languages"), "expected a list of languages or all, got \(node.kindName)")
            return nil
        }
        var codes: [String] = []
        for (index, element) in sequence.enumerated() {
            let path = "\(item.child("languages"))[\(index)]"
            guard let code = MappingReader.text(element, path: path, diagnostics: item.diagnostics) else { continue }
            checkLanguage(code, known: known, path: path, item.diagnostics)
            codes.append(code)
        }
        return .some(codes)
    }
}
