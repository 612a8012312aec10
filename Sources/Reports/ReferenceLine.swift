public struct ReferenceLine: Sendable, Codable, Hashable {
    public var label: String
    /// The subset the value is measured on.
    public var subset: String
    public var value: Double

    public init(label: String, subset: String, value: Double) {
        self.label = label
        self.subset = subset
        self.value = value
    }
}
