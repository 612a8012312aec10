import Foundation

/// Reading safetensors files (see ``SafetensorsFile`` for the layout).
public enum Safetensors {
    /// Header lengths above this are refused (the reference implementation's limit).
    static let maxHeaderLength = 100_000_000

    /// Reads and validates a safetensors file.
    ///
    /// Checks, each failure a clear ``EmbeddingIOError`` naming the file (and the tensor):
    /// the header length fits in the file; the header is a UTF-8 JSON object; `__metadata__`
    /// maps strings to strings; each tensor has a supported dtype (F16/F32/F64), non-negative
    /// shape and `data_offsets = [begin, end]` with `end - begin = shape product * itemSize`;
    /// sorted by offset the tensors tile the data buffer exactly (no overlap, no hole, nothing
    /// past the end, as the reference reader requires).
    /// - Complexity: reads the whole file (adapters are small).
    public static func read(_ url: URL) throws -> SafetensorsFile {
        let path = url.path
        let bytes = try ReadableFile(url).readAll()
        guard bytes.count >= 8 else {
            throw EmbeddingIOError(
                .sizeMismatch, path: path,
                "only \(bytes.count) bytes: too short for a safetensors file (8-byte header length first)")
        }
        let declared = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
        guard declared <= UInt64(maxHeaderLength) else {
            throw EmbeddingIOError(
                .malformedHeader, path: path, "header length \(declared) is implausibly large (not a safetensors file?)"
            )
        }
        let headerLength = Int(declared)
        guard 8 + headerLength <= bytes.count else {
            throw EmbeddingIOError(
                .sizeMismatch, path: path,
                "header length \(headerLength) exceeds the \(bytes.count - 8) bytes after it (truncated file?)")
        }
        let headerBytes = bytes.subdata(in: 8..<(8 + headerLength))
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw EmbeddingIOError(
                .malformedHeader, path: path, "header does not start with '{': not a safetensors file")
        }
        if let key = duplicateKey(in: [UInt8](headerBytes)) {
            throw EmbeddingIOError(
                .malformedHeader, path: path, field: key,
                "appears twice in one object of the header; readers disagree on which one counts "
                    + "(Python's safetensors takes the last), so era refuses the file: write it again without the duplicate"
            )
        }
        let entries: [String: HeaderEntry]
        do {
            entries = try JSONDecoder().decode([String: HeaderEntry].self, from: headerBytes)
        } catch let DecodingError.dataCorrupted(context) {
            throw EmbeddingIOError(
                .malformedHeader, path: path, field: fieldName(context.codingPath),
                "invalid header JSON: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw EmbeddingIOError(
                .malformedHeader, path: path, field: fieldName(context.codingPath), "missing key '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw EmbeddingIOError(
                .malformedHeader, path: path, field: fieldName(context.codingPath), context.debugDescription)
        } catch {
            throw EmbeddingIOError(.malformedHeader, path: path, "invalid header JSON: \(error)")
        }

        let buffer = bytes.subdata(in: (8 + headerLength)..<bytes.count)
        var file = SafetensorsFile()
        file.sourcePath = path
        var placed: [(name: String, begin: Int, end: Int)] = []
        for (name, entry) in entries {
            switch entry {
            case .metadata(let metadata):
                file.metadata = metadata
            case .tensor(let dtypeName, let shape, let offsets):
                guard let dtype = SafetensorsFile.Tensor.DType(rawValue: dtypeName) else {
                    throw EmbeddingIOError(
                        .unsupportedDType, path: path, field: name,
                        "dtype \(dtypeName) is not supported (need F32, F16 or F64)")
                }
                guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
                    throw EmbeddingIOError(
                        .badOffsets, path: path, field: name,
                        "data_offsets \(offsets) must be [begin, end] with 0 <= begin <= end")
                }
                let count = try Npy.checkedProduct(shape, path: path)
                let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
                guard !overflow, byteCount == offsets[1] - offsets[0] else {
                    throw EmbeddingIOError(
                        .badOffsets, path: path, field: name,
                        "shape \(shape) of \(dtypeName) needs \(overflow ? "too many" : String(byteCount)) bytes but data_offsets \(offsets) span \(offsets[1] - offsets[0])"
                    )
                }
                guard offsets[1] <= buffer.count else {
                    throw EmbeddingIOError(
                        .sizeMismatch, path: path, field: name,
                        "data_offsets \(offsets) reach past the \(buffer.count)-byte data buffer (truncated file?)")
                }
                placed.append((name, offsets[0], offsets[1]))
                file.tensors[name] = SafetensorsFile.Tensor(
                    dtype: dtype, shape: shape, data: buffer.subdata(in: offsets[0]..<offsets[1]))
            }
        }
        try checkTiling(placed, bufferSize: buffer.count, path: path)
        return file
    }

    /// Sorted by begin, the tensors must cover `0..<bufferSize` exactly once.
    private static func checkTiling(_ placed: [(name: String, begin: Int, end: Int)], bufferSize: Int, path: String)
        throws
    {
        var expected = 0
        var previous = "the start of the data"
        for tensor in placed.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            if tensor.begin < expected {
                throw EmbeddingIOError(
                    .badOffsets, path: path, field: tensor.name,
                    "data overlaps \(previous) (begins at \(tensor.begin), before \(expected))")
            }
            if tensor.begin > expected {
                throw EmbeddingIOError(
                    .badOffsets, path: path, field: tensor.name,
                    "a gap of \(tensor.begin - expected) unused bytes precedes it (after \(previous))")
            }
            expected = tensor.end
            previous = "'\(tensor.name)'"
        }
        guard expected == bufferSize else {
            throw EmbeddingIOError(
                .sizeMismatch, path: path,
                "the tensors cover \(expected) bytes but the data buffer has \(bufferSize) (trailing bytes or missing tensor)"
            )
        }
    }

    private static func fieldName(_ path: [any CodingKey]) -> String? {
        path.isEmpty ? nil : path.map(\.stringValue).joined(separator: ".")
    }

    /// One top-level header entry: the metadata map or a tensor description.
    private enum HeaderEntry: Decodable {
        case metadata([String: String])
        case tensor(dtype: String, shape: [Int], offsets: [Int])

        enum Keys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }

        init(from decoder: any Decoder) throws {
            if decoder.codingPath.last?.stringValue == "__metadata__" {
                self = .metadata(try decoder.singleValueContainer().decode([String: String].self))
                return
            }
            let container = try decoder.container(keyedBy: Keys.self)
            self = .tensor(
                dtype: try container.decode(String.self, forKey: .dtype),
                shape: try container.decode([Int].self, forKey: .shape),
                offsets: try container.decode([Int].self, forKey: .dataOffsets))
        }
    }
}
