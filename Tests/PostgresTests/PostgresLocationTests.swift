import Foundation
import Testing

@testable import Postgres

@Suite struct PostgresLocationTests {
    @Test func eraParametersAreTakenOutAndTheRestGoesToLibpq() throws {
        let location = try PostgresLocation(
            parsing:
                "postgresql://era@localhost:5433/docs?table=public.items&id_column=doc_id&embedding_column=vec&sslmode=disable"
        )
        #expect(location.table == "public.items")
        #expect(location.idColumn == "doc_id" && location.embeddingColumn == "vec")
        #expect(location.connection == "postgresql://era@localhost:5433/docs?sslmode=disable")
        #expect(location.description.contains("table=public.items"))
    }

    @Test func aSocketDirectoryHostIsKept() throws {
        let location = try PostgresLocation(parsing: "postgresql://postgres@/postgres?host=/tmp/pg&table=t")
        #expect(location.connection == "postgresql://postgres@/postgres?host=/tmp/pg")
        let empty = try PostgresLocation(parsing: "postgresql://postgres:@/postgres?host=/tmp/pg&table=t")
        #expect(empty.table == "t")  // pgserver writes an empty password: none
        #expect(location.idColumn == PostgresLocation.defaultIdColumn)
    }

    @Test func aPasswordIsRefusedAndNotRepeated() {
        for text in ["postgresql://era:secret@db/x?table=t", "postgresql://era@db/x?table=t&password=secret"] {
            #expect {
                try PostgresLocation(parsing: text)
            } throws: { error in
                let message = "\(error)"
                return message.contains("PGPASSWORD") && !message.contains("secret")
            }
        }
    }

    @Test func aMissingTableOrAnEmptyColumnIsRefused() {
        #expect(throws: PostgresError.self) { try PostgresLocation(parsing: "postgresql://db/x") }
        #expect(throws: PostgresError.self) { try PostgresLocation(parsing: "postgresql://db/x?table=t&id_column=") }
        #expect(throws: PostgresError.self) { try PostgresLocation(parsing: "http://db/x?table=t") }
    }

    @Test func copyRowsAreReadFromTheBinaryStream() throws {
        var reader = CopyReader()
        var first: [UInt8] = CopyReader.signature + [0, 0, 0, 0, 0, 0, 0, 0]
        first += [0, 2, 0, 0, 0, 1, UInt8(ascii: "7"), 0, 0, 0, 12, 0, 2, 0, 0]
        first += [0x3F, 0x80, 0, 0, 0xBF, 0x80, 0, 0]  // 1.0, -1.0
        let fields = try first.withUnsafeBytes { try reader.fields($0, table: "t") }
        let row = try #require(fields)
        #expect(row.count == 2)
        #expect(String(decoding: try #require(row[0]), as: UTF8.self) == "7")
        var vector = [Float](repeating: 0, count: 2)
        let ok = vector.withUnsafeMutableBufferPointer { out in
            PostgresTable.decodeVector(row[1]!, into: out.baseAddress!, dimension: 2)
        }
        #expect(ok && vector == [1, -1])
        let trailer: [UInt8] = [0xFF, 0xFF]
        #expect(try trailer.withUnsafeBytes { try reader.fields($0, table: "t") } == nil)
        let cut: [UInt8] = [0, 2, 0, 0, 0, 9]
        #expect(throws: PostgresError.self) { try cut.withUnsafeBytes { try reader.fields($0, table: "t") } }
    }
}
