/// What a front end shows of one workflow event: a line for a person (a run's stage log) and
/// where the run stands (a progress bar); either may be absent.
public struct EventReport: Sendable, Equatable {
    /// `completed` of `total` (nil: not known yet), with a short message.
    public struct Progress: Sendable, Equatable {
        public var completed: Int
        public var total: Int?
        public var message: String

        public init(completed: Int, total: Int?, _ message: String) {
            self.completed = completed
            self.total = total
            self.message = message
        }
    }

    public var line: String?
    public var progress: Progress?

    public init(line: String? = nil, progress: Progress? = nil) {
        self.line = line
        self.progress = progress
    }
}
