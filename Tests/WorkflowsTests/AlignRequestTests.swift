import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing
import Workflows
import _TestSupport

/// ``AlignRequest`` on its own: it trains what the workflow trains on tables built by hand, and each
/// failure carries the role of the input at fault, which each front end names its own way (flag,
/// key path) without reading the message.
@Suite struct AlignRequestTests {
    /// 60 texts: source 6-d, target 4-d (a noisy linear image) listed in reverse, with 5 texts the
    /// source lacks.
    struct Fixture {
        let dir: TemporaryDirectory
        let sources: Matrix, targets: Matrix, ids: [String], targetIds: [String]

        init() throws {
            dir = try TemporaryDirectory()
            var g = SeededGenerator(seed: 41)
            let n = 60
            let x = Matrix.randomNormal(rows: n, columns: 6, using: &g)
            var y = try Matrix.multiply(x, Matrix.randomNormal(rows: 4, columns: 6, using: &g), transB: .transposed)
            for k in 0..<y.count { y.storage[k] += Float(0.1 * g.normal()) }
            let ids = (0..<n).map { "doc\($0)" }
            self.ids = ids
            let order = Array((0..<n).reversed())
            let extra = Matrix.randomNormal(rows: 5, columns: 4, using: &g)
            targets = Matrix(rows: n + 5, columns: 4, storage: y.gatherRows(order).storage + extra.storage)
            targetIds = order.map { ids[$0] } + (0..<5).map { "other\($0)" }
            sources = x
            try Npy.write(x, to: dir.file("s.npy"))
            try Npy.write(targets, to: dir.file("t.npy"))
            _ = try dir.write("s.txt", text: ids.joined(separator: "\n") + "\n")
            _ = try dir.write("t.txt", text: targetIds.joined(separator: "\n") + "\n")
            _ = try dir.write("o.txt", text: (0..<n).map { "unrelated\($0)" }.joined(separator: "\n") + "\n")
        }

        var settings: AlignSettings {
            var s = AlignSettings()
            (s.epochs, s.batchSize) = (2, 16)
            return s
        }

        func request(sourceIds: String? = "s.txt", targetIds: String? = "t.txt") -> AlignRequest {
            AlignRequest(
                source: dir.file("s.npy").path, sourceIds: sourceIds.map { dir.file($0).path },
                target: .files(embeddings: dir.file("t.npy").path, ids: targetIds.map { dir.file($0).path }),
                settings: settings, seed: 7, sourceModel: "q", targetModel: "d")
        }
    }

    /// How the tests name the roles: as a CLI would, by flag and file name.
    static func flag(_ role: AlignRequest.Role) -> String { "<\(role.rawValue)>" }

    @Test func theRequestTrainsWhatTheWorkflowTrainsOnTheSameTables() throws {
        let f = try Fixture()
        var events: [String] = []
        let outcome = try f.request().run { event in
            if case .started(let pairs, let p, let m) = event { events.append("\(pairs) \(p) \(m)") }
        }
        #expect(events == ["60 6 4"])
        let direct = try AlignWorkflow.run(
            AlignWorkflow.Request(
                sources: f.sources, sourceIds: f.ids, targets: f.targets, targetIds: f.targetIds,
                configuration: f.settings.configuration(seed: 7), sourceModel: "q", targetModel: "d"))
        #expect(outcome.adapter.map.weight == direct.adapter.map.weight)
        #expect(outcome.adapter.map.bias == direct.adapter.map.bias)
    }

    /// A pipeline's one id list names the rows of both files, and without it rows match by position.
    @Test func sharedIdsNameTheRowsOfBothFiles() throws {
        let f = try Fixture()
        try Npy.write(f.sources.gatherRows(Array((0..<60).reversed())), to: f.dir.file("reversed.npy"))
        try Npy.write(f.targets.gatherRows(Array(0..<60)), to: f.dir.file("t60.npy"))
        var shared = f.request(sourceIds: nil, targetIds: nil)
        shared.target = .files(embeddings: f.dir.file("t60.npy").path, ids: nil)
        shared.sharedIds = true
        let positional = try shared.prepare()
        #expect(positional.sourceIds == (0..<60).map(String.init) && positional.targetIds == positional.sourceIds)
        shared.source = f.dir.file("reversed.npy").path
        _ = try f.dir.write("r.txt", text: f.targetIds.prefix(60).joined(separator: "\n") + "\n")
        shared.sourceIds = f.dir.file("r.txt").path
        let named = try shared.prepare()
        #expect(named.sourceIds == Array(f.targetIds.prefix(60)) && named.targetIds == named.sourceIds)
    }

    @Test func failuresCarryTheRoleOfTheInput() throws {
        let f = try Fixture()
        func failure(_ request: AlignRequest) throws -> AlignRequest.Failure {
            try #require(throws: AlignRequest.Failure.self) { try request.run() }
        }
        let noSourceIds = try failure(f.request(sourceIds: nil))
        #expect(noSourceIds.role == .sourceIds)
        #expect(
            noSourceIds.message(naming: Self.flag)
                == "<sourceIds>: give the ids of the rows of <source> (or <unpaired>)")
        #expect(try failure(f.request(targetIds: nil)).role == .targetIds)

        let unrelated = try failure(f.request(sourceIds: "o.txt"))
        #expect(unrelated.role == .sourceIds)
        #expect(unrelated.message(naming: Self.flag) == "no id of <sourceIds> appears in <targetIds>: nothing to align")

        var nan = f.sources
        nan[7, 2] = .nan
        try Npy.write(nan, to: f.dir.file("nan.npy"))
        var nanRequest = f.request()
        nanRequest.source = f.dir.file("nan.npy").path
        let nonFinite = try failure(nanRequest)
        #expect(nonFinite.role == .source)
        #expect(nonFinite.message(naming: Self.flag).hasPrefix("<source>: ") && "\(nonFinite)".contains("doc7"))

        var missing = f.request()
        missing.source = f.dir.file("nope.npy").path
        let unreadable = try failure(missing)
        guard case .unreadable = unreadable.problem else { Issue.record("\(unreadable)"); return }
        #expect(unreadable.role == .source)

        var badSetting = f.request()
        badSetting.settings.temperature = 0
        #expect(try failure(badSetting).role == .settings)
    }

    @Test func unpairedFailuresCarryTheRoleOfTheInput() throws {
        let f = try Fixture()
        var sampled = f.request(sourceIds: nil, targetIds: nil)
        sampled.settings.pairing = .unpaired
        sampled.settings.samples = 100
        let sample = try #require(throws: AlignRequest.Failure.self) { try sampled.run() }
        #expect(sample.role == .sample)
        #expect(sample.message(naming: Self.flag).hasSuffix("every row of <target> takes part"))

        var anchored = f.request(sourceIds: nil, targetIds: "t.txt")
        anchored.settings.pairing = .unpaired
        anchored.settings.anchors = 5
        let anchors = try #require(throws: AlignRequest.Failure.self) { try anchored.run() }
        #expect(anchors.role == .anchors)
        #expect(anchors.message(naming: Self.flag).hasPrefix("<anchors>: give <sourceIds> and <targetIds>"))

        // A pgvector table is refused before any connection is tried.
        var table = f.request(sourceIds: nil, targetIds: nil)
        table.settings.pairing = .unpaired
        table.target = try AlignRequest.target("postgresql://u@/db?host=/nowhere&table=t", ids: nil)
        let unpairedTable = try #require(throws: AlignRequest.Failure.self) { try table.run() }
        #expect(unpairedTable.role == .target)
        guard case .unpairedTable = unpairedTable.problem else { Issue.record("\(unpairedTable)"); return }
    }

    @Test func aStoresRecordsCarryTheirIds() throws {
        let failure = try #require(throws: AlignRequest.Failure.self) {
            try AlignRequest.target("chroma://localhost:8000/c", ids: "t.txt")
        }
        #expect(failure.role == .targetIds)
        #expect(
            failure.message(naming: Self.flag)
                == "<targetIds>: not used with a Chroma collection (its records carry their ids); leave it out")
        guard case .chroma = try AlignRequest.target("chroma://localhost:8000/c", ids: nil) else {
            Issue.record("not a collection")
            return
        }
        guard case .files(_, let ids) = try AlignRequest.target("t.npy", ids: "t.txt") else {
            Issue.record("not files")
            return
        }
        #expect(ids == "t.txt")
    }

    @Test func modelNamesComeFromTheFileTheCollectionOrTheTable() {
        #expect(AlignRequest.modelName("/data/mpnet.corpus.npy") == "mpnet")
        // A role word first (the bundled example's names) is not the model; alone it is all there is.
        #expect(AlignRequest.modelName("Pipelines/quickstart/align.mpnet.npy") == "mpnet")
        #expect(AlignRequest.modelName("queries.e5small.npy") == "e5small")
        #expect(AlignRequest.modelName("corpus.npy") == "corpus")
        #expect(AlignRequest.modelName("minilm-v2.npy") == "minilm-v2")
        #expect(AlignRequest.modelName("chroma://localhost:8000/scifact-minilm") == "scifact-minilm")
        #expect(AlignRequest.modelName("postgresql://u@/db?host=/tmp&table=minilm_docs") == "minilm_docs")
    }
}
