import Foundation

/// A report as a list of blocks, rendered once to Markdown and once to HTML so that the two
/// never disagree.
public struct ReportDocument: Sendable, Equatable {
    public enum Block: Sendable, Equatable {
        case heading(level: Int, text: String)
        case paragraph(String)
        case bullets([String])
        /// Header row, then rows; `numeric[i]` right-aligns column i.
        case table(header: [String], rows: [[String]], numeric: [Bool])
        /// An image beside the report (relative path) with its alt text.
        case image(path: String, alt: String)
        case code(String)
    }

    public var title: String
    public var blocks: [Block]

    public init(title: String, blocks: [Block] = []) {
        self.title = title
        self.blocks = blocks
    }

    /// Relative paths of every image the report shows.
    public var images: [String] {
        blocks.compactMap { if case let .image(path, _) = $0 { return path } else { return nil } }
    }
}
