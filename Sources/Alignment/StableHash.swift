import Foundation

/// A stable 64-bit FNV-1a hash of the sorted-key JSON of `value`, as 16 hex digits: equal
/// settings give equal hashes on every platform and run (Swift's `Hasher` is seeded per process).
func stableHash<T: Encodable>(of value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let bytes = (try? encoder.encode(value)) ?? Data()
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
}
