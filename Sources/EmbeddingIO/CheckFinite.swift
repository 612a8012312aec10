import LinearAlgebra

/// Throws if `m` holds a NaN or an infinity, naming `path` and the first bad row and column.
///
/// Kept separate from reading so a large mapped corpus is only scanned when the caller asks.
/// A float is non-finite exactly when its 8 exponent bits are all ones; the scan tests that
/// on the raw bits in blocks of 4096 (a branch-free loop the compiler vectorizes) and only
/// walks a block element by element once it is known to hold a bad value.
/// - Throws: ``EmbeddingIOError`` (kind `.nonFinite`), e.g.
///   `corpus.npy: field 'row 12, column 3': value is NaN (first non-finite element; rows and columns count from 0)`.
/// - Complexity: O(`rows * columns`), memory-bandwidth bound.
public func checkFinite(_ m: some RowMatrix, path: String) throws {
    let columns = m.columns
    let firstBad: Int? = m.withUnsafeBufferPointer { floats in
        guard let base = floats.baseAddress, !floats.isEmpty else { return nil }
        let bits = UnsafeRawPointer(base).assumingMemoryBound(to: UInt32.self)
        let exponentMask: UInt32 = 0x7F80_0000
        let block = 4096
        var start = 0
        while start < floats.count {
            let end = min(start + block, floats.count)
            var bad: UInt32 = 0
            for k in start..<end { bad |= (bits[k] & exponentMask) == exponentMask ? 1 : 0 }
            if bad != 0 {
                for k in start..<end where (bits[k] & exponentMask) == exponentMask { return k }
            }
            start = end
        }
        return nil
    }
    guard let index = firstBad else { return }
    let value = m.withUnsafeBufferPointer { $0[index] }
    let row = columns > 0 ? index / columns : 0
    let column = columns > 0 ? index % columns : 0
    let what = value.isNaN ? "NaN" : (value > 0 ? "+infinity" : "-infinity")
    throw EmbeddingIOError(.nonFinite, path: path, field: "row \(row), column \(column)",
                           "value is \(what) (first non-finite element; rows and columns count from 0)")
}
