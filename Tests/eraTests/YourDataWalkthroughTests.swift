import AdapterFormat
import EmbeddingIO
import Foundation
import LinearAlgebra
import Testing

/// docs/your-data.md, followed end to end as a user with their own files would: embeddings and
/// ids written as the page describes (float32 .npy, one id a line, BEIR qrels), the data config
/// made from `configs/data/your-data-template.yaml` by filling its placeholders, the page's own
/// pipeline block run with `era run`, then the exported hybrid adapter applied with `era apply
/// --index-queries`. The data is a small excerpt of the bundled SciFact example (mpnet queries,
/// static index, as in the quickstart), so the test stays fast in a debug build.
@Suite struct YourDataWalkthroughTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let example = root.appendingPathComponent("Pipelines/quickstart")

    /// The placeholder of the template's `data.root`.
    static let placeholder = "/path/to/your/data"

    /// The small settings of the page's smoke run, passed as `--set`.
    static let smallSettings = [
        "stages.adapt.options.max_steps=40", "stages.adapt.options.folds=2", "stages.adapt.options.alphas=[0.5]",
        "stages.evaluate.options.significance_trials=1000",
    ]

    /// The cheap half of ``WalkthroughSlowTests/thePageRunsEndToEndOnYourOwnFiles()`` (which also
    /// runs the page's smoke run and applies the exported adapter): the template filled in, the
    /// page's pipeline block verbatim, the page's small settings, and `--check` of both.
    @Test func thePagesPipelinePassesTheCheckOnYourOwnFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try Self.writePagesPipeline(in: dir.url, index: .staticModel)
        let page = try Self.page()
        for setting in Self.smallSettings {
            let key = String(setting.split(separator: "=")[0])
            #expect(page.contains("--set \(setting)"), "the page's small run no longer sets \(key) this way")
        }
        let check = try EraProcess.run(["run", "Pipelines/my-data.yaml", "--check"], in: dir.url)
        #expect(check.status == 0, "era run --check failed:\n\(check.stderr)")
    }

    /// When adapt's dev folds keep the index as it is (a hybrid with W = 0, V = I), the adapter it
    /// writes should still apply: it maps every query to its index-model vector. Today `era apply`
    /// (and `era evaluate --adapter`, `era export`) refuse it as "the weight is all zeros"
    /// (Sources/Workflows/Adapter.swift checks W alone, not V).
    @Test func anAdapterThatKeepsTheIndexAsItIsStillApplies() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        // On a small MiniLM index the index as it is beats every label-free candidate on the dev folds.
        let data = try Self.yourData(in: dir.url, index: .miniLM)
        let commands = try Self.commands().filter { $0.first == "align" || $0.first == "adapt" }
        for command in commands {
            let arguments =
                command
                + (command.first == "adapt" ? ["--steps", "0", "--folds", "2", "--alphas", "0.5", "--json"] : [])
            let result = try EraProcess.run(arguments, in: data)
            try #require(result.status == 0, "era \(command.joined(separator: " ")) failed:\n\(result.stderr)")
        }
        let adapter = data.appendingPathComponent("stage2.safetensors")
        // The premise: adapt returned the index as it is (W = 0, V = I, b = 0).
        let file = try Safetensors.read(adapter)
        #expect(
            try file.matrix("weight").storage.allSatisfy { $0 == 0 } && file.vector("bias").allSatisfy { $0 == 0 },
            "adapt no longer returns the index as it is on this fixture: the test needs another one")
        #expect(try file.matrix("weight_index") == Matrix.identity(Index.miniLM.dim))
        try Self.checkApply(
            adapter: adapter, data: data, index: .miniLM, out: dir.url.appendingPathComponent("mapped.npy"))
    }

    // MARK: - Helpers

    /// "Your" files in `folder/data`, the template filled in as `configs/data/my-data.yaml` and the
    /// page's pipeline block, verbatim, as `Pipelines/my-data.yaml`; returns the data folder.
    @discardableResult
    static func writePagesPipeline(in folder: URL, index: Index) throws -> URL {
        let data = try yourData(in: folder, index: index)
        let configs = folder.appendingPathComponent("configs/data"),
            pipelines = folder.appendingPathComponent("Pipelines")
        try FileManager.default.createDirectory(at: configs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: pipelines, withIntermediateDirectories: true)
        try filledTemplate(data: data, index: index)
            .write(to: configs.appendingPathComponent("my-data.yaml"), atomically: true, encoding: .utf8)
        let pipeline = try #require(
            block(in: try page(), language: "yaml", startingWith: "# Pipelines/my-data.yaml"),
            "docs/your-data.md has no ```yaml block starting with `# Pipelines/my-data.yaml`")
        try pipeline.write(to: pipelines.appendingPathComponent("my-data.yaml"), atomically: true, encoding: .utf8)
        return data
    }

    enum Index {
        case staticModel, miniLM
        /// The bundled example's files of this index model.
        var files: (index: String, queries: String, align: String) {
            switch self {
            case .staticModel: ("index.static.npy", "queries.static.npy", "align.static.npy")
            case .miniLM: ("index.minilm.npy", "queries.minilm.npy", "align.minilm.npy")
            }
        }
        var dim: Int { self == .staticModel ? 256 : 384 }
    }

    /// The names the page and the template give "your" files.
    static let fileNames = [
        "queries.query-model.npy", "queries.index-model.npy", "query_ids.txt", "index.npy", "index_ids.txt",
        "alignment.query-model.npy", "alignment.index-model.npy", "alignment_ids.txt",
        "qrels.labeled.tsv", "qrels.evaluation.tsv",
    ]

    static func page() throws -> String {
        try String(contentsOf: root.appendingPathComponent("docs/your-data.md"), encoding: .utf8)
    }

    /// `data/` in `folder`, holding "your" files.
    static func yourData(in folder: URL, index: Index) throws -> URL {
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try writeFixture(to: data, index: index)
        return data
    }

    /// The template with `data.root` and the index model's dimension filled in.
    static func filledTemplate(data: URL, index: Index) throws -> String {
        let template = try String(
            contentsOf: root.appendingPathComponent("configs/data/your-data-template.yaml"), encoding: .utf8)
        #expect(template.contains("root: \(placeholder)"), "the template's data.root placeholder changed")
        #expect(
            template.contains("dim: 768 ") && template.contains("dim: 384 "), "the template's model dimensions changed")
        for name in fileNames {
            #expect(template.contains(name), "the template no longer names \(name)")
        }
        return template.replacingOccurrences(of: placeholder, with: data.path)
            .replacingOccurrences(of: "dim: 384 ", with: "dim: \(index.dim) ")
    }

    /// The verdict object of metrics.json or `era evaluate --json`, against the index as it is.
    static func checkVerdict(_ verdict: [String: Any]) throws {
        #expect(verdict["reference"] as? String == "index-as-is")
        let recommendation = try #require(verdict["recommendation"] as? String)
        let decision = verdict["decision"] as? String
        #expect(["use", "keep", "unclear"].contains(decision ?? ""), "decision: \(decision ?? "none")")
        #expect(
            recommendation.hasPrefix("use ") || recommendation.hasPrefix("keep your current queries")
                || recommendation.hasPrefix("no clear difference"), "recommendation: \(recommendation)")
        #expect(verdict["best"] is String)
        for subset in ["all", "unseen"] {
            let difference = try #require(verdict[subset] as? [String: Any], "verdict.\(subset) is missing")
            #expect(
                difference["delta"] is Double && difference["p"] is Double
                    && (difference["ci"] as? [Double])?.count == 2)
        }
    }

    /// `era apply --index-queries` with `adapter` writes one unit row per query, in the index's space.
    static func checkApply(adapter: URL, data: URL, index: Index, out: URL) throws {
        let apply = try EraProcess.run([
            "apply", "--adapter", adapter.path, "--in", data.appendingPathComponent("queries.query-model.npy").path,
            "--index-queries", data.appendingPathComponent("queries.index-model.npy").path,
            "--out", out.path,
        ])
        try #require(apply.status == 0, "era apply failed:\n\(apply.stderr)")
        let queries = try IdList.read(data.appendingPathComponent("query_ids.txt"))
        let q = try Npy.read(out)
        #expect(q.rows == queries.count && q.columns == index.dim)
        for i in 0..<q.rows {
            let norm = q.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-4, "mapped row \(i) has norm \(norm)")
        }
    }

    /// The page's "one command at a time" block: each `era ...` command (continuation lines joined)
    /// as its arguments.
    static func commands() throws -> [[String]] {
        let block = try #require(
            block(in: try page(), language: "sh", startingWith: "era align --source alignment.query-model.npy"),
            "docs/your-data.md has no ```sh block starting with the era align command")
        return block.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n").map { line in
            Array(line.split(separator: " ").map(String.init).dropFirst())
        }
    }

    /// The body of the first fenced block in `language` of `page` whose first line starts with `firstLine`.
    static func block(in page: String, language: String, startingWith firstLine: String) -> String? {
        let lines = page.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            if lines[index].trimmingCharacters(in: .whitespaces) == "```" + language, index + 1 < lines.count,
                lines[index + 1].hasPrefix(firstLine)
            {
                let body = lines[(index + 1)...].prefix { !$0.hasPrefix("```") }
                return body.joined(separator: "\n") + "\n"
            }
            index += 1
        }
        return nil
    }

    /// Writes "your" files, as the page describes them, from the bundled example: 150 labeled and
    /// 100 evaluation queries, an index of 600 documents holding every document their qrels cite,
    /// 300 alignment documents; mpnet queries (768-d) and `index`'s vectors. The names are `fileNames`.
    static func writeFixture(to data: URL, index: Index) throws {
        func url(_ name: String) -> URL { example.appendingPathComponent(name) }
        let corpusIds = try IdList.read(url("corpus_ids.txt")), queryIds = try IdList.read(url("query_ids.txt"))
        let hasEmbedding = Set(queryIds)
        func judgments(_ name: String) throws -> [(query: String, document: String, line: String)] {
            try String(contentsOf: url(name), encoding: .utf8).split(separator: "\n").dropFirst().compactMap { line in
                let fields = line.split(separator: "\t").map(String.init)
                return fields.count == 3 ? (fields[0], fields[1], String(line)) : nil
            }
        }
        func firstQueries(_ all: [(query: String, document: String, line: String)], _ count: Int) -> Set<String> {
            var chosen: [String] = []
            for j in all where hasEmbedding.contains(j.query) && !chosen.contains(j.query) && chosen.count < count {
                chosen.append(j.query)
            }
            return Set(chosen)
        }
        let train = try judgments("qrels.train.tsv"), test = try judgments("qrels.test.tsv")
        let labeledQueries = firstQueries(train, 150), evaluationQueries = firstQueries(test, 100)
        let labeled = train.filter { labeledQueries.contains($0.query) },
            evaluation = test.filter { evaluationQueries.contains($0.query) }

        // The index: every cited document, then the corpus in order up to 600, in corpus row order.
        var keep = Set(labeled.map { $0.document } + evaluation.map { $0.document })
        for id in corpusIds where keep.count < 600 { keep.insert(id) }
        let documentRows = corpusIds.indices.filter { keep.contains(corpusIds[$0]) }
        let queryRows = queryIds.indices.filter {
            labeledQueries.contains(queryIds[$0]) || evaluationQueries.contains(queryIds[$0])
        }
        let alignIds = try IdList.read(url("align_ids.txt")), alignRows = Array(0..<300)

        func write(_ source: String, rows: [Int], to name: String) throws {
            try Npy.write(try Npy.read(url(source)).gatherRows(rows), to: data.appendingPathComponent(name))  // float32
        }
        try write("queries.mpnet.npy", rows: queryRows, to: "queries.query-model.npy")
        try write(index.files.queries, rows: queryRows, to: "queries.index-model.npy")
        try IdList.write(queryRows.map { queryIds[$0] }, to: data.appendingPathComponent("query_ids.txt"))
        try write(index.files.index, rows: documentRows, to: "index.npy")
        try IdList.write(documentRows.map { corpusIds[$0] }, to: data.appendingPathComponent("index_ids.txt"))
        try write("align.mpnet.npy", rows: alignRows, to: "alignment.query-model.npy")
        try write(index.files.align, rows: alignRows, to: "alignment.index-model.npy")
        try IdList.write(alignRows.map { alignIds[$0] }, to: data.appendingPathComponent("alignment_ids.txt"))
        let header = "query-id\tcorpus-id\tscore\n"
        try (header + labeled.map { $0.line + "\n" }.joined()).write(
            to: data.appendingPathComponent("qrels.labeled.tsv"), atomically: true, encoding: .utf8)
        try (header + evaluation.map { $0.line + "\n" }.joined()).write(
            to: data.appendingPathComponent("qrels.evaluation.tsv"), atomically: true, encoding: .utf8)
    }
}
