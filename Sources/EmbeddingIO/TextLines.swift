import Foundation

/// Splitting a text file into lines the same way for ids and qrels.
public enum TextLines {
    /// The lines of `url`: UTF-8 (a leading byte-order mark is skipped), split on `\n`, a
    /// trailing `\r` dropped from each line, and one final empty line (after the last
    /// newline) removed. Line `k` of the file is element `k - 1`.
    ///
    /// Splits on Unicode scalars, not `Character`s: Swift treats `"\r\n"` as one `Character`,
    /// so a `Character` split on `"\n"` would miss Windows line ends.
    public static func read(_ url: URL) throws -> [String] {
        try parse(ReadableFile.readText(url), path: url.path)
    }

    /// The lines of `data`, the content of the text file `path` (named in errors), as ``read(_:)``.
    public static func parse(_ data: Data, path: String) throws -> [String] {
        guard var text = String(data: data, encoding: .utf8) else {
            throw EmbeddingIOError(.badLine, path: path, "is not valid UTF-8 text")
        }
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
            String(scalars.last == "\r" ? scalars.dropLast() : scalars)
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
