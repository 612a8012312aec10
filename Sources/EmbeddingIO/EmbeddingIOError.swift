#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one error thrown by EmbeddingIO's readers and writers.
///
/// Its ``description`` always starts with the file path, then the line (1-based) and the
/// field when the problem sits at one, then the problem in words a person can act on:
///
///     data/corpus.npy: header declares shape (5183, 384) of <f4 = 7961088 data bytes after offset
///     128, but the file holds 7000000 (truncated file or header that lies about its shape)
///
/// ``kind`` lets code and tests branch on the category without parsing the text.
public struct EmbeddingIOError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The category of a failure.
    public enum Kind: String, Sendable, Hashable {
        /// The file cannot be opened, read, written, renamed or mapped (an OS error).
        case io
        /// The file is shorter (truncated) or longer than its header says.
        case sizeMismatch
        /// The file does not start with the expected magic bytes.
        case badMagic
        /// The header (npy dict, safetensors JSON) cannot be parsed or lacks a key.
        case malformedHeader
        /// An element type this reader does not support (`<i4`, `>f4`, `BF16`, ...).
        case unsupportedDType
        /// A shape that is not what the caller needs (ndim, negative dims, overflow).
        case badShape
        /// Offsets of a safetensors tensor that are out of bounds, overlap or leave holes.
        case badOffsets
        /// A NaN or infinity in a matrix.
        case nonFinite
        /// A text line that is empty, has the wrong number of fields or a bad value.
        case badLine
        /// The same id (or judgment) appears twice.
        case duplicate
        /// Two files that must agree (ids and matrix rows) do not.
        case countMismatch
        /// A value the writer cannot store (id with a newline, header too large for v1, ...).
        case invalidValue
        /// An output path that would destroy an input, another output, a special file or a file
        /// era did not write (see ``OutputGuard``).
        case unsafeOutput
    }

    /// The category of the failure.
    public var kind: Kind
    /// The file concerned (as given by the caller).
    public var path: String
    /// The 1-based line, for text files.
    public var line: Int?
    /// The field, column or key concerned (`score`, `shape`, `weight`, `row 12 column 3`).
    public var field: String?
    /// The problem and, where possible, how to fix it.
    public var message: String

    /// An error at `path` (and, when given, `line` and `field`).
    /// - Parameters:
    ///   - kind: the category of the failure.
    ///   - path: the file concerned, as the caller named it.
    ///   - line: the 1-based line, for text files; nil otherwise.
    ///   - field: the field, column or key concerned; nil when the problem is the whole file.
    ///   - message: the problem and, where possible, how to fix it (no path: ``description`` adds it).
    public init(_ kind: Kind, path: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.kind = kind
        self.path = path
        self.line = line
        self.field = field
        self.message = message
    }

    /// `path[:line][: field 'field']: message`.
    public var description: String {
        var location = path
        if let line { location += ":\(line)" }
        if let field { location += ": field '\(field)'" }
        return "\(location): \(message)"
    }
}

extension EmbeddingIOError {
    /// An OS-level failure (`errno`) while doing `action` on `path`.
    static func posix(_ action: String, path: String, errno code: Int32) -> EmbeddingIOError {
        let reason = String(cString: strerror(code))
        let hint =
            code == ENOENT && looksLikeURL(path)
            ? "; this is a web address, not a file: where era reads a Chroma collection (the index, or the alignment target) "
                + "write it as chroma://HOST:PORT/COLLECTION (chromas:// for HTTPS); anything else must be a local file"
            : ""
        return EmbeddingIOError(.io, path: path, "cannot \(action): \(reason) (errno \(code))\(hint)")
    }

    /// Whether a path was written as an http(s) address: `http://host/x` read as a file path is
    /// `http:/host/x` (or, made absolute, `/cwd/http:/host/x`).
    public static func looksLikeURL(_ path: String) -> Bool {
        path.split(separator: "/").contains { ["http:", "https:"].contains($0.lowercased()) }
    }
}
