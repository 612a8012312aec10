import LinearAlgebra

/// Draws distinct target rows uniformly without replacement, none of them in the current batch:
/// rejection against a stamp per row (O(K) per draw while K + B is well below n, which the
/// assembler's cap keeps; the loop ends because at least K rows are outside the batch).
struct PoolDrawer {
    private var stamps: [UInt32]
    private var stamp: UInt32 = 0
    private var generator: SplitMix64
    private var drawn: [Int] = []

    init(count: Int, seed: UInt64) {
        stamps = [UInt32](repeating: 0, count: count)
        generator = SplitMix64(seed: seed, stream: .negatives)
    }

    mutating func draw(_ k: Int, excluding batch: ArraySlice<Int>) -> [Int] {
        stamp &+= 1
        if stamp == 0 {  // wrapped: old stamps could collide
            for i in stamps.indices { stamps[i] = 0 }
            stamp = 1
        }
        for row in batch { stamps[row] = stamp }
        drawn.removeAll(keepingCapacity: true)
        let n = UInt64(stamps.count)
        while drawn.count < k {
            let row = Int(generator.next() % n)
            if stamps[row] != stamp {
                stamps[row] = stamp
                drawn.append(row)
            }
        }
        return drawn
    }
}
