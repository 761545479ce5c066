import Foundation
import Yams

/// `regions:` and `hardware.placement` (docs/goodput.md).
extension ScenarioLoader {
    /// Regions a scenario may list.
    static let maximumRegions = 1_000

    /// `regions:` (empty when absent). `hardware` gives each region's defaults (price, grid, PUE).
    func readRegions(_ root: inout MappingReader, hardware: Hardware?) -> [Region] {
        guard let node = root.node("regions") else { return [] }
        guard case let .sequence(sequence) = node else {
            root.diagnostics.error("regions", "expected a list of regions ({name, usd_per_gpu_hour, kg_co2_per_kwh, pue}), got \(node.kindName)")
            return []
        }
        guard sequence.count <= Self.maximumRegions else {
            root.diagnostics.error("regions", "\(sequence.count) regions, more than the limit of \(Self.maximumRegions)")
            return []
        }
        if sequence.isEmpty { root.diagnostics.error("regions", "needs at least one region (or leave the field out)") }
        var result: [Region] = []
        for (index, item) in sequence.enumerated() {
            guard var fields = MappingReader(item, path: "regions[\(index)]", diagnostics: root.diagnostics) else { continue }
            let name = fields.string("name", default: nil)
            if name == nil { fields.diagnostics.error(fields.child("name"), "missing required field (a region name)") }
            if let name, Self.placementKeywords.contains(name) {
                fields.diagnostics.error(fields.child("name"), "\"\(name)\" is a placement policy; give the region another name")
            }
            if let name, result.contains(where: { $0.name == name }) {
                fields.diagnostics.error(fields.child("name"), "region \"\(TerminalText.excerpt(name))\" is listed twice")
            }
            let price = fields.optionalDouble(.regionUSDPerGPUHour)
            let pue = fields.optionalDouble(.regionPUE)
            let intensity = readIntensity(&fields)
            fields.finish()
            guard let name, let hardware else { continue }
            result.append(Region(name: name, usdPerGPUHour: price ?? hardware.usdPerGPUHour,
                                 kgCO2PerKWh: intensity ?? [hardware.kgCO2PerKWh], pue: pue ?? hardware.pue))
        }
        return result
    }

    static let placementKeywords = ["cheapest", "cleanest"]

    /// `kg_co2_per_kwh`: one number, or a list of 24 (hour 0 first); nil when absent or invalid.
    private func readIntensity(_ fields: inout MappingReader) -> [Double]? {
        let spec = ScenarioField.regionKgCO2PerKWh.spec
        guard let node = fields.node(spec.key) else { return nil }
        let path = fields.child(spec.key)
        guard case let .sequence(sequence) = node else {
            return MappingReader.value(node, path: path, bounds: spec.bounds, diagnostics: fields.diagnostics).map { [$0] }
        }
        guard sequence.count == 24 else {
            fields.diagnostics.error(path, "expected one number or 24 hourly values, got a list of \(sequence.count)")
            return nil
        }
        let values = sequence.enumerated().compactMap { index, item in
            MappingReader.value(item, path: "\(path)[\(index)]", bounds: spec.bounds, diagnostics: fields.diagnostics)
        }
        return values.count == 24 ? values : nil
    }

    /// `hardware.placement` checked against the regions: it needs them, and a region name must be one.
    func checkPlacement(_ text: String?, regions: [Region], diagnostics: DiagnosticCollector) -> Placement {
        guard let text else { return .cheapest }
        if regions.isEmpty && !diagnostics.items.contains(where: { $0.path.hasPrefix("regions") }) {
            diagnostics.error("hardware.placement", "placement needs a regions: list")
            return .cheapest
        }
        switch text {
        case "cheapest": return .cheapest
        case "cleanest": return .cleanest
        default:
            if !regions.isEmpty && !regions.contains(where: { $0.name == text }) {
                diagnostics.error(
                    "hardware.placement",
                    "unknown region \"\(TerminalText.excerpt(text))\"; expected cheapest, cleanest or one of \(regions.map(\.name).joined(separator: ", "))")
            }
            return .region(text)
        }
    }
}
