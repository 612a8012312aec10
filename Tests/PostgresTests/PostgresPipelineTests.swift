import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Pipeline
import Retrieval
import Testing
import Workflows
import _TestSupport

@testable import Postgres

/// `data.index.postgres` in a pipeline: align fetching the sampled rows by id, adapt mining
/// through the table, evaluate searching it; the same adapter as the files give, and a changed
/// table noticed on resume.
@Suite(.serialized) struct PostgresPipelineTests {
    /// 300 documents (ids in text order = row order, as the table is pulled), 60 queries near
    /// their relevant documents, 24-d, written as files.
    struct Fixture {
        let directory: TemporaryDirectory
        let documents: Matrix
        let documentIds: [String]
        var documentsFile: URL { directory.file("documents.npy") }
        var documentIdsFile: URL { directory.file("documents.txt") }
        var queriesFile: URL { directory.file("queries.npy") }
        var queryIdsFile: URL { directory.file("queries.txt") }
        var qrelsFile: URL { directory.file("qrels.tsv") }

        init() throws {
            directory = try TemporaryDirectory()
            var generator = SeededGenerator(seed: 41)
            documents = Matrix.randomNormal(rows: 300, columns: 24, using: &generator).normalizedRows()
            documentIds = (0..<300).map { String(format: "d%03d", $0) }
            var noisy = Matrix.randomNormal(rows: 60, columns: 24, using: &generator)
            for i in 0..<60 { for j in 0..<24 { noisy[i, j] = documents[i * 5, j] + 0.3 * noisy[i, j] } }
            try Npy.write(noisy.normalizedRows(), to: queriesFile)
            try Npy.write(documents, to: documentsFile)
            _ = try directory.write("documents.txt", text: documentIds.joined(separator: "\n") + "\n")
            _ = try directory.write("queries.txt", text: (0..<60).map { "q\($0)" }.joined(separator: "\n") + "\n")
            _ = try directory.write(
                "qrels.tsv",
                text: "query-id\tcorpus-id\tscore\n" + (0..<60).map { "q\($0)\t\(documentIds[$0 * 5])\t1\n" }.joined())
        }

        /// align → adapt → evaluate with `index` as data.index; without `alignFromIndex`,
        /// `data.alignment.index_model` is the documents file.
        func pipeline(_ name: String, index: String, alignFromIndex: Bool) throws -> URL {
            let yaml = """
                name: \(name)
                seed: 0
                data:
                  queries:
                    embeddings: \(queriesFile.path)
                    ids: \(queryIdsFile.path)
                    index_model_embeddings: \(queriesFile.path)
                  index:
                \(index)
                  alignment:
                    query_model: \(documentsFile.path)
                    \(alignFromIndex ? "" : "index_model: \(documentsFile.path)")
                    ids: \(documentIdsFile.path)
                  qrels:
                    labeled: \(qrelsFile.path)
                    evaluation: \(qrelsFile.path)
                stages:
                  - name: align
                    kind: align
                    options: {epochs: 1, samples: 200}
                  - name: adapt
                    kind: adapt
                    options: {from: align, max_steps: 30, evaluation_interval: 10, hard_pool: 50}
                  - kind: evaluate
                    options: {baselines: [index-as-is], unseen: false, significance: false, exclude_labeled: false}
                """
            return try directory.write("\(name).yaml", text: yaml)
        }

        func files() -> String {
            "    embeddings: \(documentsFile.path)\n    ids: \(documentIdsFile.path)"
        }

        static func postgres(_ location: PostgresLocation) -> String {
            "    postgres: {uri: \"\(location.connection)\", table: \(location.table)}"
        }
    }

    static func run(_ path: URL, output: URL) throws -> RunSummary {
        let config = try PipelineConfig.load(path: path.path)
        return try PipelineRunner(config: config, registry: .builtIn, runDirectory: output).run()
    }

    /// The file `name` in the folder of stage `stage` of the run in `run`.
    static func file(_ name: String, of stage: String, in run: URL) throws -> URL {
        let files = FileManager.default.enumerator(at: run, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
        return try #require(
            files?.first { $0.lastPathComponent == name && $0.deletingLastPathComponent().lastPathComponent == stage },
            "no \(stage)/\(name) in \(run.path)")
    }

    @Test(.enabled(if: TestServer.available)) func thePipelineThroughTheTableWritesTheAdapterOfTheFiles() throws {
        let fixture = try Fixture()
        try TestServer.withLoadedTable(ids: fixture.documentIds, vectors: fixture.documents) { location in
            let viaTable = try Self.run(
                try fixture.pipeline("table", index: Fixture.postgres(location), alignFromIndex: true),
                output: fixture.directory.file("table"))
            let onFiles = try Self.run(
                try fixture.pipeline("files", index: fixture.files(), alignFromIndex: false),
                output: fixture.directory.file("files"))
            #expect(viaTable.ran == ["align", "adapt", "evaluate"])
            #expect(viaTable.metrics.stages["align"]?.values == onFiles.metrics.stages["align"]?.values)
            #expect(viaTable.metrics.stages["adapt"]?.values == onFiles.metrics.stages["adapt"]?.values)
            let run = { (name: String, stage: String) in
                try Self.file("adapter.safetensors", of: stage, in: fixture.directory.file(name))
            }
            for stage in ["align", "adapt"] {
                let a = try Adapter.load(try run("table", stage)), b = try Adapter.load(try run("files", stage))
                #expect(a.map.weight == b.map.weight, "\(stage)")
                #expect(a.map.bias == b.map.bias, "\(stage)")
            }
            // The evaluation searched the table (an exact scan) and scored what exact search of the files scores.
            let rows = { (summary: RunSummary) in summary.metrics.stages["evaluate"]?.evaluation?.rows ?? [] }
            #expect(rows(viaTable).map(\.name) == rows(onFiles).map(\.name) && !rows(viaTable).isEmpty)
            for (a, b) in zip(rows(viaTable), rows(onFiles)) {
                let x = a.values["all"]?["ndcg@10"], y = b.values["all"]?["ndcg@10"]
                #expect(x != nil && abs((x ?? 0) - (y ?? 1)) <= 1e-6, "\(a.name): \(x ?? -1) vs \(y ?? -1)")
            }
            // The logs say where the rows came from, and the command lines name the table, never a password.
            let directory = fixture.directory.file("table")
            let adaptLog = try String(contentsOf: try Self.file("log.txt", of: "adapt", in: directory), encoding: .utf8)
            #expect(adaptLog.contains("hard negatives searched through postgresql://"), "\(adaptLog)")
            #expect(adaptLog.contains("--corpus 'postgresql://") && adaptLog.contains("table=\(location.table)"))
            #expect(!adaptLog.contains("--corpus-ids"))
            let alignLog = try String(contentsOf: try Self.file("log.txt", of: "align", in: directory), encoding: .utf8)
            #expect(alignLog.contains("200 rows of postgresql://"), "\(alignLog)")
            #expect(alignLog.contains("--target 'postgresql://") && !alignLog.contains("--target-ids"), "\(alignLog)")
            let manifest = try String(contentsOf: directory.appendingPathComponent("manifest.json"), encoding: .utf8)
            #expect(manifest.contains("data.index.postgres") && manifest.contains("\"records\" : 300"), "\(manifest)")
            #expect(!manifest.contains("data.alignment.index_model"))
        }
    }

    /// One row updated: the stages that read the table (adapt, evaluate) run again; align, on files,
    /// does not. A changed `ef_search` re-runs the evaluation only.
    @Test(.enabled(if: TestServer.available)) func aChangedTableReRunsTheStagesThatReadIt() throws {
        let fixture = try Fixture()
        try TestServer.withLoadedTable(ids: fixture.documentIds, vectors: fixture.documents) { location in
            let path = try fixture.pipeline("changed", index: Fixture.postgres(location), alignFromIndex: false)
            let output = fixture.directory.file("run")
            #expect(try Self.run(path, output: output).ran == ["align", "adapt", "evaluate"])
            #expect(try Self.run(path, output: output).ran.isEmpty)
            let connection = try PostgresConnection(uri: location.connection, policy: PostgresRetryPolicy())
            _ = try connection.query(
                "UPDATE \(location.table) SET embedding = $1 WHERE id = 'd007'",
                parameters: [PostgresTable.vectorText(fixture.documents.row(8))], what: "the change")
            let third = try Self.run(path, output: output)
            #expect(third.ran == ["adapt", "evaluate"])
            #expect(third.skipped == ["align"])
            // ef_search is the evaluations' search setting: only the evaluation runs again.
            let searched = Fixture.postgres(location).replacingOccurrences(of: "}", with: ", ef_search: 64}")
            _ = try fixture.pipeline("changed", index: searched, alignFromIndex: false)
            let fourth = try Self.run(path, output: output)
            #expect(fourth.ran == ["evaluate"])
        }
    }
}
