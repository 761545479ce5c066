import Foundation
import PlanTestSupport
import Testing

/// The README stays a front door (at most 25,000 bytes, the two quick-start commands, links to the
/// reference in docs/), and every relative link and image in the documentation resolves: the file
/// exists in the repository and a `#anchor` names a heading of it (GitHub's slug rules).
struct DocumentationTests {
    /// The repository root: this file is `Tests/PlanCommandsTests/DocumentationTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The documents whose links are checked, relative to the root: README.md, CHANGELOG.md,
    /// scenarios/README.md and every Markdown file under docs/.
    static let documents: [String] = {
        var paths = ["README.md", "CHANGELOG.md", "scenarios/README.md"]
        let docs = root.appendingPathComponent("docs")
        let files = FileManager.default.enumerator(at: docs, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        let prefix = docs.standardizedFileURL.path + "/"
        paths += files.filter { $0.pathExtension.lowercased() == "md" }
            .map { "docs/" + $0.standardizedFileURL.path.dropFirst(prefix.count) }
            .sorted()
        return paths
    }()

    static func readme() throws -> String {
        try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    }

    @Test func readmeIsAtMost25000Bytes() throws {
        let size = try Data(contentsOf: Self.root.appendingPathComponent("README.md")).count
        #expect(size <= 25_000, "README.md is \(size) bytes; move reference material to docs/")
    }

    @Test func readmeNamesTheTwoQuickStartCommands() throws {
        let readme = try Self.readme()
        #expect(readme.contains("scripts/quickstart.sh"))
        #expect(readme.contains("swift test"))
    }

    @Test func readmeLinksTheReferencePages() throws {
        let linked = Set(MarkdownLinks.targets(try Self.readme()).map { String($0.prefix { $0 != "#" }) })
        for page in ["docs/README.md", "docs/commands.md", "docs/cost-model.md", "docs/validation.md", "docs/calibration.md", "CHANGELOG.md"] {
            #expect(linked.contains(page), "README.md does not link \(page)")
        }
    }

    @Test func theCheckedDocumentsIncludeEveryReferencePage() {
        for page in ["docs/README.md", "docs/commands.md", "docs/cost-model.md", "docs/validation.md", "docs/calibration.md"] {
            #expect(Self.documents.contains(page), "\(page) is missing")
        }
    }

    @Test(arguments: DocumentationTests.documents) func relativeLinksResolve(document: String) throws {
        let problems = try MarkdownLinks.problems(in: document, root: Self.root)
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
    }

    // The checker itself: it must find what is broken and pass what is not.

    @Test func slugsFollowGitHub() {
        #expect(MarkdownLinks.slug("Model FLOPs, hardware FLOPs and an explicit MFU") == "model-flops-hardware-flops-and-an-explicit-mfu")
        #expect(MarkdownLinks.slug("`plan calibrate --import`") == "plan-calibrate---import")
        #expect(MarkdownLinks.slug("`model: {hf_config: PATH, name?}` (a Hugging Face config.json)")
                == "model-hf_config-path-name-a-hugging-face-configjson")
        #expect(MarkdownLinks.slug("2026-12-02") == "2026-12-02")
        #expect(MarkdownLinks.slug("See [the guide](x.md) — *now*") == "see-the-guide--now")
    }

    @Test func linksInCodeAreNotLinks() {
        let text = """
            A [page](a.md) and ![an image](img/b.png "title"), `[not](c.md)`, ``a `[tick](d.md)` span``.
            [ref]: e.md

            ```sh
            [fenced](f.md)
            ```
            [nested ![x](g.png)](h.md#part) and <a id="z"></a>[angle](<i j.md>)
            """
        #expect(MarkdownLinks.targets(text) == ["a.md", "img/b.png", "e.md", "g.png", "h.md#part", "i j.md"])
    }

    @Test func repeatedHeadingsGetNumberedAnchors() {
        let anchors = MarkdownLinks.anchors("# Intro\n## Usage\n```\n# not a heading\n```\n## Usage\n#hashtag\n### Usage ###\n")
        #expect(anchors == ["intro", "usage", "usage-1", "usage-2"])
    }

    @Test func brokenLinksAreReported() throws {
        let folder = try temporaryFolder("plan-docs")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("docs"), withIntermediateDirectories: true)
        try "# Real heading\n".write(to: folder.appendingPathComponent("docs/b.md"), atomically: true, encoding: .utf8)
        try """
            [ok](docs/b.md#real-heading) [folder](docs) [here](#top) [web](https://example.com/x.md)
            [missing](docs/none.md) [anchor](docs/b.md#unreal) [up](../outside.md) [self](#nowhere)

            # Top
            """.write(to: folder.appendingPathComponent("a.md"), atomically: true, encoding: .utf8)
        let problems = try MarkdownLinks.problems(in: "a.md", root: folder)
        #expect(problems.map(\.target) == ["docs/none.md", "docs/b.md#unreal", "../outside.md", "#nowhere"])
    }
}
