/// A plain left-aligned text table with a rule under the header.
public struct TextTable: Sendable {
    public var rows: [[String]]
    public init(_ rows: [[String]]) { self.rows = rows }

    public func render() -> String {
        let columns: Int = rows.map(\.count).max() ?? 0
        let widths: [Int] = (0..<columns).map { (column: Int) -> Int in
            rows.map { (row: [String]) -> Int in column < row.count ? row[column].count : 0 }.max() ?? 0
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        guard let header = rows.first else { return "" }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.dropFirst().map(line)).joined(separator: "\n")
    }
}
