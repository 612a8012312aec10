/// Duplicate JSON keys in a safetensors header. Readers disagree on them (Foundation keeps one,
/// Python's safetensors the last), so one file could mean two adapters; era refuses them.
extension Safetensors {
    /// The first key that appears twice in one object of `header` (at any depth), or nil.
    /// Keys are compared after decoding escapes, so `"a"` and `"\u0061"` are the same key.
    /// Malformed JSON gives nil here; the JSON decoder reports it properly afterwards.
    /// - Complexity: O(header size), iterative (no recursion, whatever the nesting).
    static func duplicateKey(in header: [UInt8]) -> String? {
        struct Level {
            var isObject: Bool
            var keys: Set<[UInt16]> = []
            var expectingKey: Bool
        }
        var stack: [Level] = []
        var index = 0
        while index < header.count {
            let byte = header[index]
            switch byte {
            case UInt8(ascii: "{"): stack.append(Level(isObject: true, expectingKey: true))
            case UInt8(ascii: "["): stack.append(Level(isObject: false, expectingKey: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if stack.popLast() == nil { return nil }
            case UInt8(ascii: ","): if stack.last?.isObject == true { stack[stack.count - 1].expectingKey = true }
            case UInt8(ascii: "\""):
                guard let (key, end) = decodeString(header, from: index + 1) else { return nil }
                index = end
                if let top = stack.last, top.isObject, top.expectingKey {
                    if !stack[stack.count - 1].keys.insert(key).inserted {
                        return String(decoding: key, as: UTF16.self)
                    }
                    stack[stack.count - 1].expectingKey = false
                }
            default: break
            }
            index += 1
        }
        return nil
    }

    /// The UTF-16 code units of the JSON string starting after its opening quote, and the index
    /// of its closing quote; nil when it is unterminated or has a bad escape.
    private static func decodeString(_ bytes: [UInt8], from start: Int) -> ([UInt16], Int)? {
        var units: [UInt16] = []
        var raw: [UInt8] = []
        var index = start
        func flushRaw() {
            units.append(contentsOf: String(decoding: raw, as: UTF8.self).utf16)
            raw.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flushRaw()
                return (units, index)
            }
            guard byte == UInt8(ascii: "\\") else {
                raw.append(byte)
                index += 1
                continue
            }
            flushRaw()
            guard index + 1 < bytes.count else { return nil }
            let escape = bytes[index + 1]
            switch escape {
            case UInt8(ascii: "u"):
                guard index + 5 < bytes.count,
                    let unit = UInt16(String(decoding: bytes[(index + 2)...(index + 5)], as: UTF8.self), radix: 16)
                else { return nil }
                units.append(unit)
                index += 6
                continue
            case UInt8(ascii: "n"): units.append(10)
            case UInt8(ascii: "t"): units.append(9)
            case UInt8(ascii: "r"): units.append(13)
            case UInt8(ascii: "b"): units.append(8)
            case UInt8(ascii: "f"): units.append(12)
            default: units.append(UInt16(escape))
            }
            index += 2
        }
        return nil
    }
}
