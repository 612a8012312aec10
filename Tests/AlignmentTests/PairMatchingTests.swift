import Alignment
import LinearAlgebra
import Testing

@Suite struct PairMatchingTests {
    let sources = Matrix([[1, 0], [2, 0], [3, 0], [4, 0]])
    let sourceIds = ["a", "b", "c", "d"]
    let targets = Matrix([[30, 0, 0], [10, 0, 0], [50, 0, 0]])
    let targetIds = ["c", "a", "e"]

    @Test func matchesByIdInSourceOrder() throws {
        let pairs = try PairMatching.match(
            sourceIds: sourceIds, sources: sources, targetIds: targetIds, targets: targets)
        #expect(pairs.ids == ["a", "c"])
        #expect(pairs.sources == Matrix([[1, 0], [3, 0]]))
        #expect(pairs.targets == Matrix([[10, 0, 0], [30, 0, 0]]))
    }

    @Test func samplesAreSeededAndInSourceOrder() throws {
        let ids = (0..<100).map { "t\($0)" }
        let x = Matrix(rows: 100, columns: 1, storage: (0..<100).map(Float.init))
        let a = try PairMatching.match(
            sourceIds: ids, sources: x, targetIds: ids.reversed(), targets: x, sample: 10, seed: 5)
        let b = try PairMatching.match(
            sourceIds: ids, sources: x, targetIds: ids.reversed(), targets: x, sample: 10, seed: 5)
        let c = try PairMatching.match(
            sourceIds: ids, sources: x, targetIds: ids.reversed(), targets: x, sample: 10, seed: 6)
        #expect(a == b && a != c && a.count == 10)
        #expect(a.sources.storage == a.sources.storage.sorted())
        // Target rows follow the ids, not the row numbers: ids are reversed in the target table.
        #expect(a.targets.storage == a.sources.storage.map { 99 - $0 })
        let all = try PairMatching.match(sourceIds: ids, sources: x, targetIds: ids, targets: x, sample: 1000)
        #expect(all.count == 100)
    }

    @Test func clearErrors() throws {
        #expect(throws: AlignmentError.noCommonIds) {
            try PairMatching.match(
                sourceIds: ["x", "y", "z", "w"], sources: sources, targetIds: targetIds,
                targets: targets)
        }
        #expect(throws: AlignmentError.empty(what: "sample of 0 texts")) {
            try PairMatching.match(
                sourceIds: sourceIds, sources: sources, targetIds: targetIds, targets: targets,
                sample: 0)
        }
        var bad = targets
        bad[0, 1] = .nan
        #expect(throws: AlignmentError.nonFinite(what: "target row 0 (id 'c')")) {
            try PairMatching.match(sourceIds: sourceIds, sources: sources, targetIds: targetIds, targets: bad)
        }
        #expect(throws: AlignmentError.self) {
            try PairMatching.match(sourceIds: ["a"], sources: sources, targetIds: targetIds, targets: targets)
        }
    }
}
