import AdapterFormat
import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Workflows

/// Synthetic stage two at a chosen scale (`AdaptBenchmarkData`): seeded queries, an index and
/// training qrels with a planted relation, the query files and the corpus written to scratch `.npy`
/// files and memory-mapped back as `era adapt` reads a user's files, then ``AdaptWorkflow`` (mining,
/// dev selection, the final run) with the given settings, as `era adapt` runs it.
package enum AdaptBenchmark {
    /// Writes the data to `scratchDirectory`, runs stage two and removes the files.
    /// - Throws: Alignment's `AlignmentError` for sizes that do not fit or from training; file errors.
    package static func run(
        queries n: Int, docs: Int, sourceDim p: Int, targetDim m: Int, hybrid: Bool, settings: AdaptSettings,
        scratchDirectory: URL
    ) throws -> AdaptBenchmarkResult {
        try checkSizes(
            queries: n, docs: docs, sourceDim: p, targetDim: m, availableMemory: SearchBenchmark.availableMemoryBytes())
        let tag = "era-bench-adapt-\(ProcessInfo.processInfo.processIdentifier)"
        let urls = ["queries", "index-queries", "corpus"].map {
            scratchDirectory.appendingPathComponent("\(tag)-\($0).npy")
        }
        for url in urls { try SearchBenchmark.requireAbsent(url) }
        defer { for url in urls { try? FileManager.default.removeItem(at: url) } }
        let data = try AdaptBenchmarkData.generate(
            queries: n, docs: docs, sourceDim: p, targetDim: m, seed: settings.seed)
        try Npy.write(data.queries, to: urls[0])
        try Npy.write(data.indexQueries, to: urls[1])
        try Npy.write(data.corpus, to: urls[2])

        let queryIds = (0..<n).map { "q\($0)" }, corpusIds = (0..<docs).map { "d\($0)" }
        var judgments = [String: [String: Int]]()
        for (i, rows) in data.relevant.enumerated() {
            judgments[queryIds[i]] = Dictionary(uniqueKeysWithValues: rows.map { (corpusIds[$0], 1) })
        }
        let problem = AdaptProblem(
            queries: try Npy.map(urls[0]), queryIds: queryIds, corpus: try Npy.map(urls[2]), corpusIds: corpusIds,
            trainingQrels: Qrels(judgments: judgments), stageOne: data.stageOne,
            indexQueries: hybrid ? try Npy.map(urls[1]) : nil)
        let stageOne = Adapter(
            map: data.stageOne, sourceModel: "bench-source", targetModel: "bench-target", stage: "align",
            configurationHash: "bench", version: EraVersion.current)

        var mineSeconds = 0.0, evaluations = 0
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = try AdaptWorkflow.run(
            problem, stageOne: stageOne, settings: settings,
            progress: { event in
                switch event {
                case .mined(let seconds): mineSeconds = seconds
                case .evaluated: evaluations += 1
                default: break
                }
            })
        let total = clock.now - started
        let r = outcome.result
        return AdaptBenchmarkResult(
            queries: n, docs: docs, sourceDim: p, targetDim: m, family: settings.family.description, hybrid: hybrid,
            pairs: r.pairs, mineSeconds: mineSeconds, evaluations: evaluations, selectedSteps: r.selectedSteps,
            totalSeconds: Double(total.components.seconds) + Double(total.components.attoseconds) * 1e-18,
            stageOneDevNDCG10: r.stageOneDevNDCG10, selectedDevNDCG10: r.selectedDevNDCG10, chosen: r.chosen?.label,
            peakRSSBytes: SearchBenchmark.peakResidentBytes())
    }

    /// Refuses sizes that cannot make the problem (fewer than two labeled queries, fewer documents than
    /// twice the queries: each query has up to two relevant documents of its own), overflow, or do not
    /// fit in memory, before anything is generated. The estimate: the generated queries, index-model
    /// queries and corpus, twice (generated and mapped back), plus O(m p) maps (the planted G, E, W1,
    /// the trained map, its gradient and Adam's moments).
    static func checkSizes(queries n: Int, docs: Int, sourceDim p: Int, targetDim m: Int, availableMemory: Int?)
        throws(AlignmentError)
    {
        guard n >= 2, p > 0, m > 0 else {
            throw .invalidParameter(
                name: "sizes", value: "\(n) queries, \(p) -> \(m)", reason: "expected 2 or more queries, positive dims")
        }
        guard docs >= 2 * n else {
            throw .invalidParameter(
                name: "docs", value: "\(docs)", reason: "must be at least twice the number of queries (\(2 * n))")
        }
        let (a, o1) = n.multipliedReportingOverflow(by: p + m)
        let (b, o2) = docs.multipliedReportingOverflow(by: m)
        let (c, o3) = p.multipliedReportingOverflow(by: m)
        let (floats, o4) = a.addingReportingOverflow(b)
        let (total, o5) = floats.multipliedReportingOverflow(by: 8)
        let (maps, o6) = c.multipliedReportingOverflow(by: 48)
        guard !(o1 || o2 || o3 || o4 || o5 || o6), total < Int.max / 2, maps < Int.max / 2 else {
            throw .invalidParameter(name: "sizes", value: "\(n) x \(docs)", reason: "overflows a 64-bit size")
        }
        let gib = { (bytes: Int) in String(format: "%.1f GiB", Double(bytes) / 1_073_741_824) }
        if let availableMemory, total + maps > availableMemory {
            throw .invalidParameter(
                name: "sizes", value: "\(n) queries, \(docs) docs, \(p) -> \(m)",
                reason:
                    "stage two needs about \(gib(total + maps)) of memory but \(gib(availableMemory)) is available; "
                    + "lower the number of documents or queries, or the dimensions")
        }
    }
}
