import Foundation

/// Id files: one id per line, in the same order as the rows of the matching matrix.
public enum IdList {
    /// Reads the ids of `url`, one per line.
    ///
    /// Rules: UTF-8 (a leading byte-order mark is skipped); a trailing `\r` on each line is
    /// dropped (Windows line ends); one final newline is allowed (a single trailing empty
    /// line is ignored). Spaces and tabs around an id are dropped, as around qrels fields, so
    /// `"d1 "` matches the judgments of `d1`. Any other empty (or whitespace-only) line and any
    /// repeated id is an error, because ids must map one-to-one onto matrix rows. Swift compares
    /// text by canonical equivalence, so two ids that differ only in Unicode normalization
    /// (precomposed "é" and "e" + combining accent) would be one id to every later lookup: they
    /// are refused with a message saying so. An empty file has no ids.
    /// - Throws: ``EmbeddingIOError`` naming `url` and the 1-based line.
    /// - Complexity: O(file size).
    public static func read(_ url: URL) throws -> [String] {
        try parse(lines: TextLines.read(url), path: url.path)
    }

    /// The ids of an input file already read once for the run (see ``InputFileContent``), as ``read(_:)``.
    public static func read(_ content: InputFileContent) throws -> [String] {
        try parse(lines: content.textLines(), path: content.path)
    }

    /// The ids on `lines`, the lines of the file `path` (named in errors), by the rules of ``read(_:)``.
    static func parse(lines: [String], path: String) throws -> [String] {
        var ids: [String] = []
        ids.reserveCapacity(lines.count)
        var firstLine: [String: Int] = [:]
        firstLine.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated() {
            let lineNumber = offset + 1
            guard !line.allSatisfy(\.isWhitespace) else {
                throw EmbeddingIOError(
                    .badLine, path: path, line: lineNumber,
                    "empty line among the ids (each line must hold one id; only one final newline is allowed)")
            }
            let id = line.trimmingCharacters(in: .whitespaces)
            if let previous = firstLine.updateValue(lineNumber, forKey: id) {
                let earlier = ids[previous - 1]
                guard earlier.unicodeScalars.elementsEqual(id.unicodeScalars) else {
                    throw EmbeddingIOError(
                        .duplicate, path: path, line: lineNumber,
                        "id \(id.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }) "
                            + "is canonically equivalent to the id on line \(previous) "
                            + "(\(earlier.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) })): "
                            + "the same text in another Unicode normalization, so era cannot tell them apart; "
                            + "normalize the ids (e.g. to NFC) in this file and in the qrels")
                }
                throw EmbeddingIOError(
                    .duplicate, path: path, line: lineNumber,
                    "id '\(id)' already appeared on line \(previous); ids must be unique")
            }
            ids.append(id)
        }
        return ids
    }

    /// Writes `ids` to `url`, one per line with a final newline, atomically.
    /// - Throws: ``EmbeddingIOError`` naming `url` if an id is empty, contains a line break
    ///   or repeats (the file could not be read back as the same list), or on OS errors.
    public static func write(_ ids: [String], to url: URL) throws {
        var seen = Set<String>()
        var text = ""
        for (index, id) in ids.enumerated() {
            guard !id.allSatisfy(\.isWhitespace), !id.contains(where: \.isNewline) else {
                throw EmbeddingIOError(
                    .invalidValue, path: url.path, line: index + 1,
                    "id #\(index) \(id.debugDescription) is empty or contains a line break")
            }
            guard seen.insert(id).inserted else {
                throw EmbeddingIOError(
                    .duplicate, path: url.path, line: index + 1, "id '\(id)' is repeated; ids must be unique")
            }
            text += id
            text += "\n"
        }
        try AtomicFile.write(Data(text.utf8), to: url)
    }

    /// Checks that an id list and a matrix describe the same number of items.
    /// - Parameters:
    ///   - ids: the ids, one per matrix row.
    ///   - rows: the row count of the matrix.
    ///   - idsPath: the id file, named first in the error.
    ///   - matrixPath: the matrix file, named in the error's message.
    /// - Throws: ``EmbeddingIOError`` (kind `.countMismatch`) naming both files and both counts.
    public static func check(_ ids: [String], matchRowsOf rows: Int, idsPath: String, matrixPath: String) throws {
        guard ids.count != rows else { return }
        throw EmbeddingIOError(
            .countMismatch, path: idsPath,
            "has \(ids.count) ids but \(matrixPath) has \(rows) rows; each row needs exactly one id, in the same order")
    }
}
