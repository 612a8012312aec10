import Testing
import Workflows

/// One `IndexSource` for align, adapt and evaluate (issue 21, issue 22): a location parses into the
/// case of the store it names, in one place, with the messages the front ends have always given.
@Suite struct IndexSourceTests {
    @Test func aFileAChromaCollectionAndAPgvectorTableParseIntoTheirCases() throws {
        guard case .files(let embeddings, let ids) = try IndexSource(parsing: "/data/minilm.corpus.npy", ids: "c.txt")
        else {
            Issue.record("a file path is not files")
            return
        }
        #expect(embeddings == "/data/minilm.corpus.npy" && ids == "c.txt")

        var options = IndexSource.Options()
        options.chromaPolicy.timeout = 7
        options.postgresSearch = .init(efSearch: 64, probes: 3)
        guard
            case .chroma(let collection, let policy) = try IndexSource(
                parsing: "chroma://localhost:8000/scifact?tenant=t&database=d", ids: nil, options: options)
        else {
            Issue.record("a chroma:// location is not a collection")
            return
        }
        #expect(collection.collection == "scifact" && collection.tenant == "t" && collection.database == "d")
        #expect(policy.timeout == 7)

        guard
            case .postgres(let table, let search, _) = try IndexSource(
                parsing: "postgresql://era@/db?host=/tmp/pg&table=docs&id_column=doc_id", ids: nil, options: options)
        else {
            Issue.record("a postgresql:// location is not a table")
            return
        }
        #expect(table.table == "docs" && table.idColumn == "doc_id")
        #expect(search == .init(efSearch: 64, probes: 3))

        #expect(IndexSource.kind(of: "chroma://h:1/c") == .chroma)
        #expect(IndexSource.kind(of: "postgres://u@h/db?table=t") == .postgres)
        #expect(IndexSource.kind(of: "corpus.npy") == nil)
        #expect(try IndexSource(parsing: "chroma://h:1/c", ids: nil).modelName == "c")
        #expect(try IndexSource(parsing: "/data/minilm.corpus.npy", ids: nil).modelName == "minilm")
    }

    @Test func aBadLocationGivesTheStoresOwnErrorAndIdsForAStoreAreRefused() throws {
        let chroma = try #require(throws: IndexSource.ParseError.self) {
            try IndexSource(parsing: "chroma://localhost:8000/a/b", ids: nil)
        }
        guard case .unreadable = chroma.problem else { Issue.record("\(chroma)"); return }
        #expect(
            chroma.detail
                == "chroma://localhost:8000/a/b: not a Chroma collection location: expected one collection name "
                + "after the host and port")

        let table = try #require(throws: IndexSource.ParseError.self) {
            try IndexSource(parsing: "postgresql://u@h/db", ids: nil)
        }
        #expect(
            table.detail
                == "postgresql://u@h/db: not a Postgres table location: no table=: name the table that holds the embeddings"
        )

        let ids = try #require(throws: IndexSource.ParseError.self) {
            try IndexSource(parsing: "postgresql://u@h/db?table=t", ids: "t.txt")
        }
        guard case .storeCarriesIds(let kind) = ids.problem else { Issue.record("\(ids)"); return }
        #expect(kind == .postgres)
        #expect(ids.detail == "not used with a Postgres table (its rows carry their ids); leave it out")
    }
}
