/// The `.npy` header dict literal: parsing (a tiny Python-literal reader) and writing.
struct NpyHeaderDict: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// The Python literal values that can appear in a header.
    indirect enum Value {
        case string(String)
        case bool(Bool)
        case none
        case integer(String)  // digits kept as text so huge values report cleanly
        case sequence([Value])
        case dict([(String, Value)])

        /// The value as Python would print it, for messages (never the Swift case name).
        var literal: String {
            switch self {
            case .string(let s): "'\(s)'"
            case .bool(let b): b ? "True" : "False"
            case .none: "None"
            case .integer(let digits): digits
            case .sequence(let items):
                "(" + items.map(\.literal).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
            case .dict(let pairs): "{" + pairs.map { "'\($0.0)': \($0.1.literal)" }.joined(separator: ", ") + "}"
            }
        }
    }

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` (any key order,
    /// any whitespace, single or double quotes). Extra or missing keys are errors, as in numpy.
    static func parse(_ text: String, path: String) throws -> NpyHeaderDict {
        var parser = Parser(scalars: Array(text.unicodeScalars), path: path)
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.atEnd else { throw parser.fail("unexpected text after the closing '}'") }
        guard case .dict(let pairs) = value else { throw parser.fail("the header is not a dict literal") }
        let keys = pairs.map(\.0)
        guard Set(keys) == ["descr", "fortran_order", "shape"], keys.count == 3 else {
            throw EmbeddingIOError(
                .malformedHeader, path: path,
                "header keys are \(keys) but must be exactly 'descr', 'fortran_order', 'shape'")
        }
        let lookup = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        guard case .string(let descr) = lookup["descr"]! else {
            throw EmbeddingIOError(
                .unsupportedDType, path: path, field: "descr",
                "structured or non-string dtype \(lookup["descr"]!) is not supported (need '<f4', '<f2' or '<f8')")
        }
        guard case .bool(let fortran) = lookup["fortran_order"]! else {
            throw EmbeddingIOError(.malformedHeader, path: path, field: "fortran_order", "must be True or False")
        }
        guard case .sequence(let dims) = lookup["shape"]! else {
            throw EmbeddingIOError(.malformedHeader, path: path, field: "shape", "must be a tuple of integers")
        }
        var shape: [Int] = []
        for dim in dims {
            guard case .integer(let digits) = dim else {
                throw EmbeddingIOError(
                    .malformedHeader, path: path, field: "shape",
                    "must be a tuple of integers, found \(dim.literal) in \(Value.sequence(dims).literal)")
            }
            guard let n = Int(digits) else {
                throw EmbeddingIOError(.badShape, path: path, field: "shape", "dimension \(digits) is out of range")
            }
            shape.append(n)
        }
        return NpyHeaderDict(descr: descr, fortranOrder: fortran, shape: shape)
    }

    /// The dict text as numpy writes it, without padding.
    var literal: String {
        "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(Npy.shapeText(shape)), }"
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        let path: String
        var index = 0

        var atEnd: Bool { index >= scalars.count }

        func fail(_ problem: String) -> EmbeddingIOError {
            EmbeddingIOError(.malformedHeader, path: path, "malformed header dict at character \(index): \(problem)")
        }

        mutating func skipSpace() {
            while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        }

        mutating func expect(_ c: Unicode.Scalar) throws {
            skipSpace()
            guard index < scalars.count, scalars[index] == c else { throw fail("expected '\(c)'") }
            index += 1
        }

        mutating func peek() -> Unicode.Scalar? {
            skipSpace()
            return index < scalars.count ? scalars[index] : nil
        }

        mutating func value(depth: Int = 0) throws -> Value {
            guard depth < 16 else { throw fail("nesting too deep") }
            guard let c = peek() else { throw fail("unexpected end of header") }
            switch c {
            case "'", "\"": return .string(try string())
            case "(", "[":
                let close: Unicode.Scalar = c == "(" ? ")" : "]"
                index += 1
                var items: [Value] = []
                while peek() != close {
                    items.append(try value(depth: depth + 1))
                    if peek() == "," { index += 1 } else { break }
                }
                try expect(close)
                return .sequence(items)
            case "{":
                index += 1
                var pairs: [(String, Value)] = []
                while peek() != "}" {
                    guard let q = peek() else { throw fail("unexpected end of header (missing '}')") }
                    guard q == "'" || q == "\"" else { throw fail("dict keys must be quoted strings") }
                    let key = try string()
                    try expect(":")
                    pairs.append((key, try value(depth: depth + 1)))
                    if peek() == "," { index += 1 } else { break }
                }
                try expect("}")
                return .dict(pairs)
            default:
                var word = ""
                while index < scalars.count,
                    scalars[index].properties.isAlphabetic
                        || ("0"..."9").contains(scalars[index]) || scalars[index] == "-" || scalars[index] == "_"
                {
                    word.unicodeScalars.append(scalars[index])
                    index += 1
                }
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                default:
                    let digits = word.hasSuffix("L") ? String(word.dropLast()) : word  // Python 2 longs
                    guard !digits.isEmpty, digits.drop(while: { $0 == "-" }).allSatisfy(\.isASCIIDigit) else {
                        throw fail(word.isEmpty ? "unexpected character '\(c)'" : "unexpected word '\(word)'")
                    }
                    return .integer(digits)
                }
            }
        }

        mutating func string() throws -> String {
            let quote = scalars[index]
            index += 1
            var out = String.UnicodeScalarView()
            while index < scalars.count, scalars[index] != quote {
                if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
                out.append(scalars[index])
                index += 1
            }
            guard index < scalars.count else { throw fail("unterminated string") }
            index += 1
            return String(out)
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
