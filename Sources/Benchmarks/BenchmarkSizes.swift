/// The sizes a benchmark checks before it allocates (each in its own error type and words).
enum BenchmarkSizes {
    /// The product of `factors`, or nil when it overflows a 64-bit integer.
    static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = next
        }
        return result
    }
}
