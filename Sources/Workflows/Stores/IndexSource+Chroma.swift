import Alignment
import Chroma
import Foundation
import LinearAlgebra
import Retrieval

// A Chroma collection as an index source: its kind, its location's parse, what each use case
// asks of it, and the types that search, mine and evaluate through it.

extension StoreKind {
    public static let chroma = StoreKind(
        name: "chroma", records: "a Chroma collection (its records", item: "record", container: "collection",
        isLocation: ChromaLocation.isLocation)
}

extension IndexSource {
    static func chromaSource(_ location: String, _ options: Options) throws -> IndexSource {
        .chroma(try ChromaLocation(parsing: location), policy: options.chromaPolicy)
    }
}

/// The collection of an ``IndexSource``, opened as each use case needs it.
struct ChromaStore: IndexStore {
    let location: ChromaLocation
    let policy: ChromaRetryPolicy

    var kind: StoreKind { .chroma }
    var description: String { location.description }
    var name: String { location.collection }

    func records() throws -> (store: any RecordStore, pages: () -> Int?) {
        let collection = try ChromaCollection(location, policy: policy)
        return (collection, { collection.traffic.pagesFetched })
    }

    func sample(_ count: Int, seed: UInt64) throws -> (ids: [String], matrix: Matrix, pages: Int)? {
        let collection = try ChromaCollection(location, policy: policy)
        let sampled = try collection.sample(count, seed: seed)
        return (sampled.ids, sampled.matrix, collection.traffic.pagesFetched)
    }

    /// Pulled in pages; hard negatives are searched through its query API when its ranking is the
    /// inner product's on the pulled records.
    func pulled(limit: Int) throws -> PulledStore {
        let collection = try ChromaCollection(location, policy: policy)
        let pulled = try collection.all(limit: limit)
        let server = ChromaNegativeSearch(collection: collection, corpusIds: pulled.ids)
        return PulledStore(
            ids: pulled.ids, matrix: pulled.matrix, pages: collection.traffic.pagesFetched,
            description: location.description
        ) { corpus in
            let found = server.search(corpus: corpus)
            return StoreMining(
                search: found.search, reason: found.reason,
                traffic: found.search == nil
                    ? nil
                    : {
                        let before = collection.traffic
                        return { seconds in
                            (
                                server.describe(since: before, seconds: seconds),
                                server.summary(since: before, seconds: seconds)
                            )
                        }
                    })
        }
    }

    func served(judged: [Qrels]) throws -> (index: any ServedIndex, judgedMissing: Int) {
        let index = try ChromaIndex.open(location, dimension: nil, qrels: judged, policy: policy)
        return (index, index.judgedMissing)
    }
}

extension ChromaCollection: RecordStore {
    public var storeDescription: String { location.description }
}

/// A Chroma collection as the index of an evaluation: opened and checked once, then searched
/// through its query API by ``EvaluateWorkflow`` in place of exact search.
///
/// Opening checks what era can check without pulling the collection: the dimension, the distance
/// space, and (for an L2 or cosine collection) that the documents of a first page are unit-norm,
/// which is when Chroma's distance ranks exactly like era's inner product.
public struct ChromaIndex: ServedIndex {
    public let collection: ChromaCollection
    /// The judged document ids the collection holds (those of the qrels given when it was opened).
    public let judgedInCollection: Set<String>
    /// Judged document ids it lacks (warned and counted, as with files).
    public let judgedMissing: Int

    /// Records whose norms are checked on opening (the first page).
    public static let normSample = StoreEvaluation.normSample
    /// Largest |norm - 1| counted as unit norm.
    public static let unitNormTolerance = StoreEvaluation.unitNormTolerance

    /// Opens the collection, checks that it can serve `dimension`-d queries scored by inner
    /// product, and looks up which judged documents of `qrels` it holds (ids only).
    /// - Throws: Chroma's `ChromaError` with the reason (dimension, an L2 collection with documents that
    ///   are not unit-norm, an unreachable server, a missing collection).
    public static func open(
        _ location: ChromaLocation, dimension: Int?, qrels: [Qrels], policy: ChromaRetryPolicy = ChromaRetryPolicy()
    ) throws -> ChromaIndex {
        let collection = try ChromaCollection(location, policy: policy)
        let found = try collection.requireDimension()
        guard dimension == nil || found == dimension else {
            throw ChromaError.incompatible(
                location: location.description,
                reason: "holds \(found)-d embeddings but the queries searched are \(dimension ?? 0)-d: "
                    + "the map must go into the index model's space (check the adapter and the index model's query vectors)"
            )
        }
        if collection.space != .innerProduct {
            let sample = try collection.first(normSample)
            // Cosine ranks like the inner product with unit documents, which is what era's maps
            // are trained for; L2 does only when the documents are unit-norm themselves.
            if collection.space == .l2, let (id, norm) = firstNonUnit(sample.ids, sample.matrix) {
                throw ChromaError.incompatible(
                    location: location.description,
                    reason: "uses l2 distance and its documents are not unit-norm (record \(id) has norm "
                        + String(format: "%.4f", norm) + "): L2 then ranks unlike the inner product era's maps "
                        + "are trained and scored with; re-create the collection with {\"hnsw\": {\"space\": \"ip\"}} "
                        + "or store unit-norm embeddings")
            }
        }
        let judged = StoreEvaluation.judged(qrels)
        let present = try collection.existing(judged)
        return ChromaIndex(
            collection: collection, judgedInCollection: present, judgedMissing: judged.count - present.count)
    }

    /// An empty `0 x dimension` matrix standing for the corpus of rows searched on the server.
    public var serverCorpus: Matrix { Matrix(rows: 0, columns: collection.dimension ?? 0) }

    /// The search of ``EvaluateWorkflow``: each row's (mapped) queries sent in batches to the query API.
    public var search: EvaluateWorkflow.Search {
        StoreEvaluation.search(judged: judgedInCollection) { [collection] queries, depth in
            try collection.nearest(queries, k: depth).map(\.ids)
        }
    }

    /// The first unit-norm violation of `matrix` (id and norm), if any.
    static func firstNonUnit(_ ids: [String], _ matrix: Matrix) -> (String, Float)? {
        StoreEvaluation.firstNonUnit(ids, matrix)
    }

    public func storeRun(_ outcome: StoreEvaluation.Outcome) -> EvaluateWorkflow.StoreRun {
        EvaluateWorkflow.StoreRun(name: StoreKind.chroma.name, outcome: outcome, traffic: collection.traffic)
    }

    /// The collection pulled in pages; a cosine collection's records normalized (as Chroma scores them).
    public func pulledForExactSearch(limit: Int) throws -> (ids: [String], matrix: Matrix) {
        var pulled = try collection.all(limit: limit)
        if collection.space == .cosine { pulled.matrix.normalizeRows() }
        return pulled
    }
}

/// Hard-negative mining through a Chroma collection's query API: the teacher-mapped queries of
/// stage two (hybrid ones with index-model queries) are sent in batches of
/// `ChromaCollection.queryBatch`, and the returned record ids become rows of the corpus pulled
/// from the same collection, which mining scores itself (Alignment's `AdaptCandidateSearch`).
///
/// Stage two still pulls the collection: the dev folds rank every document and training needs the
/// negatives' vectors.
public struct ChromaNegativeSearch: Sendable {
    public let collection: ChromaCollection
    private let corpusIds: [String]
    private let pulled: PulledRows

    /// The search over `collection`, whose records were pulled as rows `corpusIds`.
    public init(collection: ChromaCollection, corpusIds: [String]) {
        self.collection = collection
        self.corpusIds = corpusIds
        pulled = PulledRows(corpusIds)
    }

    /// The search for `AdaptProblem.negativeSearch`, or nil with the reason when the server's
    /// ranking cannot stand for the inner product on these documents (an L2 or cosine collection
    /// whose pulled documents are not unit-norm): mining then searches the pulled rows exactly.
    public func search(corpus: some RowMatrix) -> (search: AdaptCandidateSearch?, reason: String?) {
        if collection.space != .innerProduct {
            var worst: (row: Int, norm: Float)? = nil
            corpus.withUnsafeBufferPointer { docs in
                for row in 0..<corpus.rows where worst == nil {
                    let start = row * corpus.columns
                    let norm = docs[start..<(start + corpus.columns)].reduce(0) { $0 + $1 * $1 }.squareRoot()
                    if abs(norm - 1) > ChromaIndex.unitNormTolerance { worst = (row, norm) }
                }
            }
            if let (row, norm) = worst {
                return (
                    nil,
                    "\(collection.location) uses \(collection.space.rawValue) distance and its record \(corpusIds[row]) has "
                        + String(format: "norm %.4f", norm) + ": its ranking is not the inner product's, "
                        + "so hard negatives are mined on the pulled records"
                )
            }
        }
        let location = collection.location.description
        return (
            AdaptCandidateSearch(name: location) { [collection, pulled] queries, depth in
                try pulled.rows(try collection.nearest(queries, k: depth).map(\.ids)) { id in
                    ChromaError.badResponse(
                        location: location, request: "query",
                        reason: "returned record \(id), which was not among the records pulled: "
                            + "the collection changed during stage two; run again")
                }
            }, nil
        )
    }

    /// One line for the log, from the traffic before mining and the mining time.
    public func describe(since before: ChromaTraffic, seconds: Double) -> String {
        let now = collection.traffic
        return String(
            format: "hard negatives searched through %@'s query API: %d query requests (%.2f s waiting for the "
                + "server, %.2f s mining in all)",
            collection.location.description, now.queryBatches - before.queryBatches, now.seconds - before.seconds,
            seconds)
    }

    /// What mining asked of the server since `before`: for summaries.
    public func summary(since before: ChromaTraffic, seconds: Double) -> [String: Any] {
        let now = collection.traffic
        return [
            "through": collection.location.description, "query_requests": now.queryBatches - before.queryBatches,
            "server_seconds": now.seconds - before.seconds, "seconds": seconds,
        ]
    }
}

/// Evaluation through a Chroma server: the rows of ``EvaluateWorkflow/AdapterRequest`` searched by
/// the collection's query API, and on request the same rows searched exactly in the collection
/// pulled whole, with the recall of the server's top-k against the exact top-k.
public enum ChromaEvaluateWorkflow {
    /// A row's server and exact results side by side.
    public typealias ExactComparison = StoreEvaluation.ExactComparison

    public struct Outcome: Sendable {
        /// The evaluation through the server (the rows, table and verdict of ``EvaluateWorkflow``).
        public var server: EvaluateWorkflow.AdapterOutcome
        /// The same request searched exactly in the pulled collection (with `compareExact`).
        public var exact: EvaluateWorkflow.AdapterOutcome?
        /// Per row, server against exact (with `compareExact`).
        public var comparisons: [ExactComparison]
        /// Requests, pages and query batches of the whole evaluation.
        public var traffic: ChromaTraffic
        /// Queries searched through the server (every row's evaluated queries).
        public var serverQueries: Int
        /// Seconds spent in the server's search (all rows, mapping included).
        public var serverSeconds: Double
        /// Records pulled for the exact comparison, and the seconds the pull took (with `compareExact`).
        public var pulledRecords = 0
        public var pullSeconds = 0.0
    }

    /// Evaluates `request` through `index` (its `corpus` and `corpusIds` are ignored), and with
    /// `compareExact` also exactly against the collection pulled in pages (refused above `limit` records).
    public static func run(
        _ request: EvaluateWorkflow.AdapterRequest, index: ChromaIndex, compareExact: Bool,
        limit: Int = StoreEvaluation.defaultExactLimit
    ) throws -> Outcome {
        let outcome = try StoreEvaluation.run(request, index: index, compareExact: compareExact, limit: limit)
        return Outcome(
            server: outcome.server, exact: outcome.exact, comparisons: outcome.comparisons,
            traffic: index.collection.traffic, serverQueries: outcome.serverQueries,
            serverSeconds: outcome.serverSeconds, pulledRecords: outcome.pulledRecords, pullSeconds: outcome.pullSeconds
        )
    }
}
