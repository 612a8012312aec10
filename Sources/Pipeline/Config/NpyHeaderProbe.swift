import Foundation

/// Reads only the header of a `.npy` file (format 1.0, 2.0 or 3.0) to learn its shape and dtype,
/// so validation can check dimensions without loading data.
///
/// Internal stand-in until EmbeddingIO's `Npy.readHeader` is on main; then this file goes.
struct NpyHeaderProbe: Sendable, Hashable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    struct Failure: Error, Sendable {
        var message: String
    }

    /// Reads the header of the file at `path`.
    /// - Throws: `Failure` when the file cannot be read or is not a well-formed `.npy` header.
    static func read(path: String) throws(Failure) -> NpyHeaderProbe {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(message: "cannot open the file") }
        defer { try? handle.close() }
        let prefix = (try? handle.read(upToCount: 12)) ?? Data()
        let bytes = [UInt8](prefix)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw Failure(message: "not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: UInt64
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw Failure(message: "truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw Failure(message: "unsupported .npy format version \(major).\(bytes[7])")
        }
        guard headerLength > 0, headerLength < 1 << 20 else { throw Failure(message: "implausible .npy header length \(headerLength)") }
        do { try handle.seek(toOffset: headerStart) } catch { throw Failure(message: "truncated .npy header") }
        guard let headerData = try? handle.read(upToCount: headerLength), headerData.count == headerLength,
              let header = String(data: headerData, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw Failure(message: "truncated .npy header")
        }
        return try parse(header: header)
    }

    /// Parses the Python-literal dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
    static func parse(header: String) throws(Failure) -> NpyHeaderProbe {
        func value(after key: String) -> Substring? {
            guard let range = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
            var rest = header[range.upperBound...].drop(while: { $0 == " " })
            guard rest.first == ":" else { return nil }
            rest = rest.dropFirst().drop(while: { $0 == " " })
            return rest
        }
        guard let descrText = value(after: "descr"), let quote = descrText.first, quote == "'" || quote == "\"",
              let close = descrText.dropFirst().firstIndex(of: quote) else {
            throw Failure(message: "the .npy header has no 'descr'")
        }
        let descr = String(descrText[descrText.index(after: descrText.startIndex)..<close])
        guard let fortranText = value(after: "fortran_order") else { throw Failure(message: "the .npy header has no 'fortran_order'") }
        let fortran = fortranText.hasPrefix("True")
        guard let shapeText = value(after: "shape"), shapeText.first == "(", let end = shapeText.firstIndex(of: ")") else {
            throw Failure(message: "the .npy header has no 'shape'")
        }
        let inner = shapeText[shapeText.index(after: shapeText.startIndex)..<end]
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if trimmed.isEmpty { continue }
            guard let dim = Int(trimmed), dim >= 0 else { throw Failure(message: "bad shape (\(inner)) in the .npy header") }
            shape.append(dim)
        }
        return NpyHeaderProbe(descr: descr, fortranOrder: fortran, shape: shape)
    }
}
