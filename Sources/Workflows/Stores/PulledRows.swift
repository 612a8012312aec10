/// The rows a store's records were pulled as, by id: a store's search answers in record ids, and
/// stage two scores rows of the pulled table.
struct PulledRows: Sendable {
    private let rowOfId: [String: Int]

    /// `ids[row]` is the record pulled as `row`.
    init(_ ids: [String]) {
        var rows = [String: Int](minimumCapacity: ids.count)
        for (row, id) in ids.enumerated() { rows[id] = row }
        rowOfId = rows
    }

    /// Each list of record ids as rows; an id that was not pulled throws `unknown(id)` (the store
    /// changed since it was pulled).
    func rows(_ lists: [[String]], unknown: (String) -> any Error) throws -> [[Int]] {
        try lists.map { ids in
            try ids.map { id in
                guard let row = rowOfId[id] else { throw unknown(id) }
                return row
            }
        }
    }
}
