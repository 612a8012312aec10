import Foundation

/// NumPy `.npy` files: read, memory-map and write 2-D float matrices (and 1-D vectors).
///
/// Layout (NEP 1 / `numpy.lib.format`): the 6 magic bytes `\x93NUMPY`, major and minor
/// version bytes, the header length (little-endian `u16` for version 1.0, `u32` for 2.0
/// and 3.0), then a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (5183, 384), }` padded with spaces and
/// a final newline, then the raw elements. Version 3.0 only allows UTF-8 in the header.
public enum Npy {
    /// `\x93NUMPY`.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// Refuse header lengths above this (numpy's own reader refuses above 10 000 by default).
    static let maxHeaderLength = 1 << 20
}

/// The float element types EmbeddingIO reads and writes (little-endian only).
public enum NpyDType: String, Sendable, Hashable, CaseIterable {
    case float16 = "<f2"
    case float32 = "<f4"
    case float64 = "<f8"

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float16: 2
        case .float32: 4
        case .float64: 8
        }
    }
}

/// The parsed header of a `.npy` file, validated against the file size.
public struct NpyHeader: Sendable, Hashable {
    /// Major format version: 1, 2 or 3 (the minor version is always 0).
    public var version: Int
    /// The numpy type string as written, e.g. `<f4`, `>f8`, `<i4`.
    public var descr: String
    /// True when the elements are stored column-major.
    public var fortranOrder: Bool
    /// The array shape; `[]` for a scalar.
    public var shape: [Int]
    /// Byte offset of the first element (a multiple of 64 for files numpy writes).
    public var dataOffset: Int
    /// `shape` product, checked for overflow.
    public var elementCount: Int
    /// The supported float type, or nil when `descr` is anything else.
    public var dtype: NpyDType? { NpyDType(rawValue: descr) }
}

extension Npy {
    /// Reads and validates the header of `url` without reading the data.
    ///
    /// Checks: magic bytes, version (1.0/2.0/3.0), the dict literal (keys `descr`,
    /// `fortran_order`, `shape` and nothing else), non-negative dimensions whose product
    /// (times the item size) does not overflow, and — when the item size can be read from
    /// `descr` — that the file holds exactly `elementCount * itemSize` bytes after the header.
    /// The dtype itself is *not* required to be supported here (see ``NpyHeader/dtype``).
    /// - Throws: ``EmbeddingIOError`` naming `url`.
    public static func readHeader(_ url: URL) throws -> NpyHeader {
        try readHeader(ReadableFile(url))
    }

    static func readHeader(_ file: some ByteReader) throws -> NpyHeader {
        let path = file.path
        guard file.size >= 10 else {
            throw EmbeddingIOError(
                .sizeMismatch, path: path, "only \(file.size) bytes: too short to be a .npy file (needs at least 10)")
        }
        let prefix = try file.bytes(at: 0, count: 10, what: "the .npy preamble")
        guard Array(prefix[0..<6]) == magic else {
            throw EmbeddingIOError(
                .badMagic, path: path, "not a .npy file: it does not start with the bytes \\x93NUMPY")
        }
        let (major, minor) = (Int(prefix[6]), Int(prefix[7]))
        guard (1...3).contains(major), minor == 0 else {
            throw EmbeddingIOError(
                .malformedHeader, path: path,
                "unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)")
        }
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
            headerStart = 10
        } else {
            let rest = try file.bytes(at: 10, count: 2, what: "the header length")
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(rest[0]) << 16 | Int(rest[1]) << 24
            headerStart = 12
        }
        guard headerLength <= maxHeaderLength else {
            throw EmbeddingIOError(
                .malformedHeader, path: path,
                "header length \(headerLength) bytes is implausibly large (limit \(maxHeaderLength))")
        }
        guard headerStart + headerLength <= file.size else {
            throw EmbeddingIOError(
                .sizeMismatch, path: path,
                "header claims \(headerLength) bytes but the file has only \(file.size - headerStart) after the preamble"
            )
        }
        let headerBytes = try file.bytes(at: headerStart, count: headerLength, what: "the header")
        let text: String
        if major == 3 {
            guard let utf8 = String(validating: headerBytes, as: UTF8.self) else {
                throw EmbeddingIOError(.malformedHeader, path: path, "version 3.0 header is not valid UTF-8")
            }
            text = utf8
        } else {
            // Versions 1.0 and 2.0 are latin-1: every byte is one Unicode scalar.
            text = String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        }
        let dict = try NpyHeaderDict.parse(text, path: path)
        var header = NpyHeader(
            version: major, descr: dict.descr, fortranOrder: dict.fortranOrder, shape: dict.shape,
            dataOffset: headerStart + headerLength, elementCount: 0)
        header.elementCount = try checkedProduct(dict.shape, path: path)
        if let itemSize = itemSize(ofDescr: dict.descr) {
            let (dataBytes, overflow) = header.elementCount.multipliedReportingOverflow(by: itemSize)
            guard !overflow else {
                throw EmbeddingIOError(
                    .badShape, path: path, field: "shape",
                    "shape \(shapeText(dict.shape)) x \(itemSize)-byte items overflows the addressable size")
            }
            let available = file.size - header.dataOffset
            guard available == dataBytes else {
                throw EmbeddingIOError(
                    .sizeMismatch, path: path,
                    "header declares shape \(shapeText(dict.shape)) of \(dict.descr) = \(dataBytes) data bytes after offset \(header.dataOffset), but the file holds \(available) (truncated file or header that lies about its shape)"
                )
            }
        }
        return header
    }

    /// The product of `shape`, refusing negative dimensions and overflow.
    static func checkedProduct(_ shape: [Int], path: String) throws -> Int {
        var product = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw EmbeddingIOError(
                    .badShape, path: path, field: "shape", "negative dimension in shape \(shapeText(shape))")
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw EmbeddingIOError(
                    .badShape, path: path, field: "shape",
                    "shape \(shapeText(shape)) has more elements than can be addressed (product overflows)")
            }
            product = next
        }
        return product
    }

    /// The item size in a simple type string (`<f4` -> 4, `|b1` -> 1), nil for structured or odd ones.
    static func itemSize(ofDescr descr: String) -> Int? {
        guard let first = descr.first, "<>|=".contains(first), descr.count >= 3 else { return nil }
        let digits = descr.dropFirst(2)
        guard let size = Int(digits), size > 0 else { return nil }
        // Unicode strings ('<U8') count 4 bytes per character.
        return descr.dropFirst().first == "U" ? size * 4 : size
    }

    /// `(3, 4)`, `(5,)` or `()`, as numpy prints shapes.
    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
