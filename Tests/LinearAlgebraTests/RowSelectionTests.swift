import LinearAlgebra
import Testing

@Suite struct RowSelectionTests {
    static let table = Matrix(rows: 5, columns: 3, storage: (0..<15).map(Float.init))

    @Test func selectsWithoutCopyingAndGathersOnDemand() {
        let all = RowSelection(Self.table)
        #expect(all.count == 5 && all.columns == 3 && all.tableRow(4) == 4)
        let picked = RowSelection(Self.table, rows: [4, 0, 4])
        #expect(picked.count == 3)
        #expect(picked.gathered().storage == [12, 13, 14, 0, 1, 2, 12, 13, 14])
        // Positions into a selection, not table rows.
        let sub = picked.selecting([1, 2])
        #expect(sub.gathered().storage == [0, 1, 2, 12, 13, 14])
        #expect(picked.gathered([2]).storage == [12, 13, 14])
    }
}
