import Alignment
import Chroma
import Foundation
import LinearAlgebra
import Retrieval

// A Chroma collection as an index source: its kind, its location's parse, what each use case
// asks of it, and (beside this file) the types that search, mine and evaluate through it.

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
