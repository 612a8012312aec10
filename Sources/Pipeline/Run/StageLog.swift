import Foundation

/// A line sink for a stage's `log.txt`.
public struct StageLog: Sendable {
    private let sink: @Sendable (String) -> Void

    public init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// Appends one line.
    public func callAsFunction(_ line: String) {
        sink(line)
    }
}
