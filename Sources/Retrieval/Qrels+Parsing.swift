import EmbeddingIO
import Foundation

extension Qrels {
    /// The two qrels layouts ``read(_:)`` recognizes.
    public enum Format: String, Sendable, Hashable {
        /// BEIR: tab-separated with the header `query-id<TAB>corpus-id<TAB>score`.
        case beirTSV
        /// TREC: `qid iteration docid relevance`, whitespace-separated, no header
        /// (the iteration column is ignored, as trec_eval does).
        case trec
    }

    /// Reads a qrels file, detecting its format from the first non-empty line: the BEIR
    /// header selects ``Format/beirTSV``, and so does a first line of three tab-separated fields
    /// ending in an integer (BEIR's columns without the header: that line is a judgment); a line of
    /// 4 whitespace-separated fields selects ``Format/trec``; anything else is an error.
    ///
    /// Blank lines are skipped. A (query, document) pair judged twice with the same grade is
    /// accepted; with different grades it is an error (the file is ambiguous). Grades may be
    /// zero or negative (judged non-relevant) and are kept.
    /// - Throws: `EmbeddingIOError` naming `url`, the 1-based line and the field
    ///   (`score`, `relevance`, ...), e.g. `qrels.tsv:7: field 'score': '1.0' is not an integer`.
    public static func read(_ url: URL) throws -> Qrels {
        try read(url, format: nil)
    }

    /// Reads a qrels file in a given format (`nil`: detect it, as ``read(_:)``).
    /// - Parameters:
    ///   - url: the qrels file (UTF-8; blank lines are skipped).
    ///   - format: the layout to parse; with ``Format/beirTSV`` the header line is still required.
    ///     `nil` detects it from the first non-empty line.
    /// - Returns: the judgments; empty for a file without any non-blank line.
    /// - Throws: `EmbeddingIOError` naming `url`, the 1-based line and the field, as ``read(_:)``.
    public static func read(_ url: URL, format: Format?) throws -> Qrels {
        try parse(lines: TextLines.read(url), path: url.path, format: format)
    }

    /// The judgments of an input file already read once for the run (see `InputFileContent`), as ``read(_:)``.
    public static func read(_ content: InputFileContent, format: Format? = nil) throws -> Qrels {
        try parse(lines: content.textLines(), path: content.path, format: format)
    }

    /// The judgments on `lines`, the lines of the qrels file `path` (named in errors), as ``read(_:format:)``.
    static func parse(lines: [String], path: String, format: Format?) throws -> Qrels {
        guard let firstIndex = lines.firstIndex(where: { !isBlank($0) }) else { return Qrels() }
        let first = lines[firstIndex]
        let isBEIRHeader =
            first.split(separator: "\t", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) } == ["query-id", "corpus-id", "score"]
        // Three tab-separated fields ending in an integer grade: BEIR's columns without their header
        // line (as files written by hand or by pandas with `header=False` are); the first line is data.
        let firstFields = first.split(separator: "\t", omittingEmptySubsequences: false)
        let isHeaderlessBEIR =
            format == nil && !isBEIRHeader && firstFields.count == 3
            && !firstFields[0].trimmingCharacters(in: .whitespaces).isEmpty
            && !firstFields[1].trimmingCharacters(in: .whitespaces).isEmpty
            && Int(firstFields[2].trimmingCharacters(in: .whitespaces)) != nil
        let detected: Format
        if let format {
            detected = format
        } else if isBEIRHeader || isHeaderlessBEIR {
            detected = .beirTSV
        } else if fields(first).count == 4 {
            detected = .trec
        } else {
            throw EmbeddingIOError(
                .badLine, path: path, line: firstIndex + 1,
                "unrecognized qrels format: expected the BEIR header 'query-id<TAB>corpus-id<TAB>score' (or BEIR lines 'query-id<TAB>corpus-id<TAB>grade' without it) or TREC lines 'qid 0 docid relevance'"
            )
        }
        if detected == .beirTSV && !isBEIRHeader && !isHeaderlessBEIR {
            throw EmbeddingIOError(
                .badLine, path: path, line: firstIndex + 1,
                "BEIR qrels must start with the header 'query-id<TAB>corpus-id<TAB>score'")
        }

        var qrels = Qrels()
        var judgedOn: [String: [String: Int]] = [:]  // line of each judgment, to report conflicts
        let dataStart = detected == .beirTSV && isBEIRHeader ? firstIndex + 1 : firstIndex
        for index in dataStart..<lines.count where !isBlank(lines[index]) {
            let lineNumber = index + 1
            let (query, document, grade) =
                try detected == .beirTSV
                ? parseBEIR(lines[index], path: path, line: lineNumber)
                : parseTREC(lines[index], path: path, line: lineNumber)
            if let previous = qrels.judgments[query]?[document] {
                guard previous == grade else {
                    throw EmbeddingIOError(
                        .duplicate, path: path, line: lineNumber,
                        "query '\(query)' document '\(document)' is judged \(grade) here but \(previous) on line \(judgedOn[query]![document]!)"
                    )
                }
                continue
            }
            qrels.judgments[query, default: [:]][document] = grade
            judgedOn[query, default: [:]][document] = lineNumber
        }
        return qrels
    }

    private static func isBlank(_ line: String) -> Bool { line.allSatisfy(\.isWhitespace) }

    private static func fields(_ line: String) -> [Substring] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    private static func parseBEIR(_ line: String, path: String, line number: Int) throws -> (String, String, Int) {
        let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw EmbeddingIOError(
                .badLine, path: path, line: number,
                "expected 3 tab-separated fields (query-id, corpus-id, score), found \(parts.count)")
        }
        let query = parts[0].trimmingCharacters(in: .whitespaces)
        let document = parts[1].trimmingCharacters(in: .whitespaces)
        guard !query.isEmpty else {
            throw EmbeddingIOError(.badLine, path: path, line: number, field: "query-id", "is empty")
        }
        guard !document.isEmpty else {
            throw EmbeddingIOError(.badLine, path: path, line: number, field: "corpus-id", "is empty")
        }
        return (query, document, try grade(parts[2], field: "score", path: path, line: number))
    }

    private static func parseTREC(_ line: String, path: String, line number: Int) throws -> (String, String, Int) {
        let parts = fields(line)
        guard parts.count == 4 else {
            throw EmbeddingIOError(
                .badLine, path: path, line: number,
                "expected 4 whitespace-separated fields (qid iteration docid relevance), found \(parts.count)")
        }
        return (String(parts[0]), String(parts[2]), try grade(parts[3], field: "relevance", path: path, line: number))
    }

    private static func grade(_ text: Substring, field: String, path: String, line: Int) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Int(trimmed) else {
            throw EmbeddingIOError(
                .badLine, path: path, line: line, field: field,
                "'\(trimmed)' is not an integer relevance grade")
        }
        return value
    }
}
