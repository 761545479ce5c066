import Foundation

/// Finds PlanCore's data files (catalogs, embedded scenarios) without SwiftPM's generated
/// `Bundle.module`, which traps when the bundle is missing; here a missing bundle is an error.
enum ResourceLocator {
    /// SwiftPM names the bundle `<package identity>_PlanCore.resources`, and the identity is
    /// the checkout's folder name, so the folder is found by suffix.
    static let bundleSuffix = "_PlanCore.resources"

    /// Candidate folders, in order: `PLAN_RESOURCES`, beside the executable (SwiftPM's layout),
    /// and the source tree this file was compiled from.
    static var candidates: [URL] {
        var urls: [URL] = []
        if let override = ProcessInfo.processInfo.environment["PLAN_RESOURCES"], !override.isEmpty {
            urls.append(URL(fileURLWithPath: override))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var folders = [executable.deletingLastPathComponent(), Bundle.main.bundleURL]
        folders += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() where name.hasSuffix(bundleSuffix) {
                urls.append(folder.appendingPathComponent(name))
            }
        }
        urls.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources"))
        return urls
    }

    /// The contents of resource `relativePath` (e.g. `models.yaml`, `Scenarios/x.yaml`).
    static func text(_ relativePath: String) throws -> String {
        for folder in candidates {
            for base in [folder, folder.appendingPathComponent("Resources")] {
                let url = base.appendingPathComponent(relativePath)
                if let data = FileManager.default.contents(atPath: url.path),
                    let text = String(data: data, encoding: .utf8)
                {
                    return text
                }
            }
        }
        throw PlanCoreError.catalog("cannot find \(relativePath) (looked for *\(bundleSuffix) beside the executable; set PLAN_RESOURCES to its folder)")
    }

    /// File names in resource folder `relativePath`.
    static func list(_ relativePath: String) -> [String] {
        for folder in candidates {
            for base in [folder, folder.appendingPathComponent("Resources")] {
                let url = base.appendingPathComponent(relativePath)
                if let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) {
                    return names.sorted()
                }
            }
        }
        return []
    }
}
