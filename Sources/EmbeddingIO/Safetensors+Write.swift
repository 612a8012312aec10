import Foundation

extension SafetensorsFile {
    /// Writes the file atomically (see ``AtomicFile``); the same content always gives the
    /// same bytes.
    ///
    /// Layout follows the reference (Rust/Python) writer: tensors are laid out by dtype from
    /// widest to narrowest (F64, F32, F16), then by name (byte-wise), so every tensor starts
    /// aligned to its item size; the JSON header lists `__metadata__` first (omitted when
    /// empty), then the tensors in that same order, compactly, padded with spaces to a
    /// multiple of 8 bytes. The bytes equal the reference writer's except that metadata keys
    /// are sorted here (the reference emits them in hash order), which keeps output reproducible.
    /// - Throws: ``EmbeddingIOError`` naming `url` for an invalid tensor name (empty or
    ///   `__metadata__`) or an OS error.
    public func write(to url: URL) throws {
        try AtomicFile.write(try encoded(path: url.path), to: url)
    }

    /// The complete file bytes (what ``write(to:)`` writes).
    /// - Parameter path: the name used in error messages.
    /// - Throws: ``EmbeddingIOError`` for an invalid tensor name (empty or `__metadata__`).
    public func encoded(path: String = "<safetensors in memory>") throws -> Data {
        let ordered = tensors.sorted { a, b in
            if a.value.dtype.itemSize != b.value.dtype.itemSize {
                return a.value.dtype.itemSize > b.value.dtype.itemSize
            }
            return a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
        }
        var json = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, tensor) in ordered {
            guard !name.isEmpty, name != "__metadata__" else {
                throw EmbeddingIOError(.invalidValue, path: path, field: name, "a tensor cannot be named '\(name)'")
            }
            let end = offset + tensor.data.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\(jsonString(name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}"
            )
            offset = end
        }
        json += entries.joined(separator: ",") + "}"
        var header = Array(json.utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        var out = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for (_, tensor) in ordered { out.append(tensor.data) }
        return out
    }
}

/// `s` as a JSON string literal, escaped as serde_json does (non-ASCII kept verbatim).
func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case _ where scalar.value < 0x20:
            out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
