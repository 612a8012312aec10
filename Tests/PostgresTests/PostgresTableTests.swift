import Foundation
import LinearAlgebra
import Testing

@testable import Postgres

/// A real server from `ERA_POSTGRES_URI` (a libpq URI of a database where era may create tables;
/// `.ci/run` starts one with pgserver). Without it these tests skip, saying so.
enum TestServer {
    static let uri = ProcessInfo.processInfo.environment["ERA_POSTGRES_URI"]
    static var available: Bool {
        if uri == nil { print("PostgresTableTests: skipped, ERA_POSTGRES_URI is not set (.ci/run starts a server)") }
        return uri != nil
    }

    /// Creates a table of `rows` seeded unit vectors (`id` integer, `embedding vector(dimension)`),
    /// returns its location and the rows, and drops it when `body` returns.
    static func withTable(
        rows: Int, dimension: Int, seed: UInt64, _ body: (PostgresLocation, [String], Matrix) throws -> Void
    ) throws {
        let connection = try PostgresConnection(uri: uri!, policy: PostgresRetryPolicy())
        let name = "era_test_\(UInt32.random(in: 0...UInt32.max))"
        _ = try connection.query("CREATE EXTENSION IF NOT EXISTS vector", what: "setup")
        _ = try connection.query(
            "CREATE TABLE \(name) (id integer PRIMARY KEY, embedding vector(\(dimension)), note text)", what: "setup")
        defer { _ = try? connection.query("DROP TABLE IF EXISTS \(name)", what: "teardown") }
        var state = seed
        var matrix = Matrix(rows: rows, columns: dimension)
        for i in 0..<rows {
            var row = (0..<dimension).map { _ -> Float in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
            }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            row = row.map { $0 / norm }
            for j in 0..<dimension { matrix[i, j] = row[j] }
        }
        // Ids inserted out of order: era reads them in id order.
        for i in (0..<rows).reversed() {
            _ = try connection.query(
                "INSERT INTO \(name) (id, embedding) VALUES ($1, $2)",
                parameters: [String(i + 1), PostgresTable.vectorText(matrix.row(i))], what: "setup")
        }
        let location = try PostgresLocation(parsing: uri! + (uri!.contains("?") ? "&" : "?") + "table=\(name)")
        try body(location, (1...rows).map(String.init), matrix)
    }
}

extension TestServer {
    /// Loads `vectors` with `ids` (text) into a new table, in batches of 500 rows, and drops it when `body` returns.
    static func withLoadedTable(ids: [String], vectors: Matrix, _ body: (PostgresLocation) throws -> Void) throws {
        let connection = try PostgresConnection(uri: uri!, policy: PostgresRetryPolicy())
        let name = "era_test_\(UInt32.random(in: 0...UInt32.max))"
        defer { _ = try? connection.query("DROP TABLE IF EXISTS \(name)", what: "teardown") }
        try body(try load(ids: ids, vectors: vectors, into: name, through: connection))
    }

    /// Creates the table `name` (`id` text, `embedding vector(n)`, the `vector` extension first) of
    /// `vectors` with `ids`, in batches of 500 rows, on the server of `connection`.
    static func load(ids: [String], vectors: Matrix, into name: String, through connection: PostgresConnection) throws
        -> PostgresLocation
    {
        _ = try connection.query("CREATE EXTENSION IF NOT EXISTS vector", what: "setup")
        _ = try connection.query(
            "CREATE TABLE \(name) (id text PRIMARY KEY, embedding vector(\(vectors.columns)))", what: "setup")
        for start in stride(from: 0, to: ids.count, by: 500) {
            let rows = start..<min(start + 500, ids.count)
            _ = try connection.query(
                "INSERT INTO \(name) (id, embedding) SELECT * FROM unnest($1::text[], $2::vector[])",
                parameters: [
                    PostgresTable.arrayText(rows.map { ids[$0] }),
                    PostgresTable.arrayText(rows.map { PostgresTable.vectorText(vectors.row($0)) }),
                ], what: "setup")
        }
        let uri = connection.server
        return try PostgresLocation(parsing: uri + (uri.contains("?") ? "&" : "?") + "table=\(name)")
    }
}

@Suite(.serialized) struct PostgresTableTests {
    @Test(.enabled(if: TestServer.available)) func theTableIsPulledWholeInIdOrder() throws {
        try TestServer.withTable(rows: 300, dimension: 8, seed: 1) { location, ids, matrix in
            let table = try PostgresTable(location)
            #expect(table.dimension == 8 && table.rowCount == 300 && table.idType == "integer")
            let pulled = try table.all(limit: 1000)
            #expect(pulled.ids == ids.sorted { Int($0)! < Int($1)! })
            #expect(pulled.matrix == matrix)
            #expect(throws: PostgresError.self) { try table.all(limit: 10) }
        }
    }

    @Test(.enabled(if: TestServer.available)) func embeddingsByIdNameTheMissingOnes() throws {
        try TestServer.withTable(rows: 50, dimension: 4, seed: 2) { location, _, matrix in
            let table = try PostgresTable(location)
            let (found, missing) = try table.embeddings(of: ["7", "999", "1"])
            #expect(missing == ["999"])
            #expect(found.row(0) == matrix.row(6) && found.row(2) == matrix.row(0))
            #expect(try table.existing(["3", "4", "1000"]) == ["3", "4"])
        }
    }

    @Test(.enabled(if: TestServer.available)) func searchRanksByInnerProductLikeExactSearch() throws {
        try TestServer.withTable(rows: 400, dimension: 16, seed: 3) { location, _, matrix in
            var table = try PostgresTable(location)
            table.queryBatch = 7
            let queries = matrix.gatherRows(Array(0..<20))
            let lists = try table.nearest(queries, k: 10)
            #expect(lists.count == 20)
            for (q, list) in lists.enumerated() {
                let exact = (0..<matrix.rows).map { j in
                    (id: String(j + 1), score: zip(queries.row(q), matrix.row(j)).reduce(Float(0)) { $0 + $1.0 * $1.1 })
                }.sorted { $0.score > $1.score }.prefix(10)
                #expect(list.ids == exact.map(\.id))
                #expect(zip(list.scores, exact.map(\.score)).allSatisfy { abs($0 - Double($1)) < 1e-5 })
            }
            let wrong = Matrix(rows: 1, columns: 3)
            #expect(throws: PostgresError.self) { try table.nearest(wrong, k: 5) }
        }
    }

    @Test(.enabled(if: TestServer.available)) func anHNSWIndexServesTheSearchAtAStatedEfSearch() throws {
        try TestServer.withTable(rows: 500, dimension: 8, seed: 4) { location, _, matrix in
            let setup = try PostgresConnection(uri: location.connection, policy: PostgresRetryPolicy())
            _ = try setup.query(
                "CREATE INDEX ON \(location.table) USING hnsw (embedding vector_ip_ops) WITH (m = 16, ef_construction = 64)",
                what: "setup")
            let table = try PostgresTable(location)
            try table.setSearchParameter("hnsw.ef_search", 100)
            let lists = try table.nearest(matrix.gatherRows(Array(0..<10)), k: 10)
            // Each query is a row of the table: its own row comes first.
            #expect(lists.enumerated().allSatisfy { $1.ids.first == String($0 + 1) })
            #expect(throws: PostgresError.self) { try table.setSearchParameter("work_mem", 64) }
        }
    }

    @Test(.enabled(if: TestServer.available)) func aMissingTableOrColumnIsNamed() throws {
        try TestServer.withTable(rows: 5, dimension: 4, seed: 5) { location, _, _ in
            var missing = location
            missing.table = "era_no_such_table"
            #expect { try PostgresTable(missing) } throws: { "\($0)".contains("era_no_such_table: no such table") }
            var column = location
            column.embeddingColumn = "vec"
            #expect { try PostgresTable(column) } throws: { "\($0)".contains(".vec: no such column") }
            var wrongType = location
            wrongType.embeddingColumn = "note"
            #expect { try PostgresTable(wrongType) } throws: { "\($0)".contains("not pgvector's vector(n)") }
        }
    }

    @Test(.enabled(if: TestServer.available)) func aDatabaseWithoutPgvectorIsToldHowToInstallIt() throws {
        let admin = try PostgresConnection(uri: TestServer.uri!, policy: PostgresRetryPolicy())
        let database = "era_test_noext_\(UInt32.random(in: 0...UInt32.max))"
        _ = try admin.query("CREATE DATABASE \(database)", what: "setup")
        defer { _ = try? admin.query("DROP DATABASE IF EXISTS \(database)", what: "teardown") }
        var parts = try #require(URLComponents(string: TestServer.uri!))
        parts.path = "/" + database
        let location = PostgresLocation(connection: parts.string!, table: "t")
        #expect { try PostgresTable(location) } throws: { "\($0)".contains("CREATE EXTENSION vector") }
    }

    /// The server ends era's session in the middle of an evaluation (as a restart or a failover
    /// would): the next statement reconnects, replays the session's settings and answers in full.
    @Test(.enabled(if: TestServer.available)) func aLostConnectionIsRetriedWithItsSettings() throws {
        try TestServer.withTable(rows: 200, dimension: 8, seed: 6) { location, _, matrix in
            let table = try PostgresTable(location)
            try table.setSearchParameter("hnsw.ef_search", 77)
            let before = try table.nearest(matrix.gatherRows(Array(0..<5)), k: 10)
            let admin = try PostgresConnection(uri: location.connection, policy: PostgresRetryPolicy())
            let pid = table.connection.backendPID
            _ = try admin.query("SELECT pg_terminate_backend($1)", parameters: [String(pid)], what: "cut")
            let after = try table.nearest(matrix.gatherRows(Array(0..<5)), k: 10)
            #expect(after == before)
            #expect(table.connection.backendPID != pid)
            let setting = try table.connection.query("SHOW hnsw.ef_search", what: "show")
            #expect(setting.string(0, 0) == "77")
        }
    }

    /// A COPY whose reader stopped (a row it could not use) leaves the rest of the rows on the
    /// connection: the next statement finishes them first and is answered.
    @Test(.enabled(if: TestServer.available)) func aStatementAfterAnAbandonedCopyIsAnswered() throws {
        try TestServer.withTable(rows: 2000, dimension: 8, seed: 7) { location, _, _ in
            let table = try PostgresTable(location)
            struct Stop: Error {}
            #expect(throws: Stop.self) {
                try table.connection.copyOut(
                    "COPY \(table.quotedTable) (id) TO STDOUT", what: "the ids", restart: {}, row: { _ in throw Stop() }
                )
            }
            let count = try table.connection.query("SELECT count(*) FROM \(table.quotedTable)", what: "count(*)")
            #expect(count.string(0, 0) == "2000")
        }
    }

    @Test func anUnreachableServerSaysWhatToCheck() {
        var policy = PostgresRetryPolicy()
        policy.attempts = 2
        policy.firstDelay = 0.01
        let location = PostgresLocation(connection: "postgresql://era@/x?host=/nonexistent-era-socket", table: "t")
        #expect { try PostgresTable(location, policy: policy) } throws: { error in
            "\(error)".contains("cannot connect to PostgreSQL") && "\(error)".contains("2 attempts")
        }
    }
}
