import Foundation
import Retrieval
import Testing
import _TestSupport

@testable import EmbeddingIO

/// Issue 11: the readers of untrusted files (npy, safetensors, ids, qrels) under generated
/// hostile inputs: truncations, byte flips, spliced garbage, headers that lie about sizes and
/// offsets, and deep nesting. Each case must return or throw an `EmbeddingIOError`: no trap, no
/// other error type, no hang. Seeded, so a failure names a case that can be replayed.
@Suite struct ReaderFuzzTests {
    /// Cases per reader in the slow tier (`ReaderFuzzSlowTests`): 10,400 in all.
    static let casesPerReader = 2_600
    /// Cases per reader in the fast tier: the first cases of the same seeded sequence.
    static let fastCasesPerReader = 300

    enum Reader: String, CaseIterable, Sendable {
        case npy, safetensors, ids, qrels
    }

    /// A valid file of each kind, the seed of the mutations.
    static func valid(_ reader: Reader) -> [UInt8] {
        switch reader {
        case .npy:
            npyBytes(
                dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }",
                data: float32Bytes(fixtureMatrix.storage))
        case .safetensors:
            safetensorsBytes(
                json:
                    #"{"__metadata__":{"format":"era-adapter"},"bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"weight":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]}}"#,
                data: float32Bytes([1, 2, 3, 4, 5, 6]))
        case .ids:
            Array("d1\nd2\ndoc-3\n".utf8)
        case .qrels:
            Array("query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\nq2\td3\t2\n".utf8)
        }
    }

    /// A header that lies or nests: the part of the input grammar byte flips rarely reach.
    static func lyingOrNested(_ reader: Reader, _ g: inout SeededGenerator) -> [UInt8] {
        let depth = [1, 16, 17, 600, 20_000][Int.random(in: 0..<5, using: &g)]
        let bigs = ["0", "1", "-1", "4611686018427387904", "9223372036854775807", "99999999999999999999", "3", "65536"]
        func big() -> String { bigs[Int.random(in: 0..<bigs.count, using: &g)] }
        switch reader {
        case .npy:
            let shapes = [
                "(\(big()), \(big()))", String(repeating: "(", count: depth) + String(repeating: ")", count: depth),
                "(\(big()),)", "()", "[\(big()), 4]",
            ]
            var bytes = npyBytes(
                dict:
                    "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapes[Int.random(in: 0..<shapes.count, using: &g)]), }",
                data: float32Bytes(fixtureMatrix.storage), major: UInt8.random(in: 1...3, using: &g))
            if Bool.random(using: &g) {  // the header length field itself lies
                bytes[8] = UInt8.random(in: 0...255, using: &g)
                bytes[9] = UInt8.random(in: 0...255, using: &g)
            }
            return bytes
        case .safetensors:
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let headers = [
                #"{"w":{"dtype":"F32","shape":[\#(big()),\#(big())],"data_offsets":[\#(big()),\#(big())]}}"#,
                #"{"w":{"dtype":"F32","shape":\#(nested),"data_offsets":[0,4]}}"#,
                #"{"__metadata__":\#(String(repeating: "{\"a\":", count: depth))1\#(String(repeating: "}", count: depth))}"#,
                #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
            ]
            var bytes = safetensorsBytes(
                json: headers[Int.random(in: 0..<headers.count, using: &g)], data: float32Bytes([1, 2]))
            if Bool.random(using: &g) {  // the declared header length lies
                let lie = UInt64.random(in: 0...UInt64.max, using: &g) >> UInt64.random(in: 0...63, using: &g)
                withUnsafeBytes(of: lie.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            }
            return bytes
        case .ids, .qrels:
            let pieces = [
                "\0", "\r", "\u{FEFF}", "\t", " ", "\n", "caf\u{E9}", "cafe\u{301}", "q1", "d1", "1", "-1",
                "99999999999999999999", "query-id\tcorpus-id\tscore",
            ]
            var text = ""
            for _ in 0..<Int.random(in: 0...(depth == 20_000 ? 2_000 : 40), using: &g) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &g)]
            }
            var bytes = Array(text.utf8)
            // Bad UTF-8.
            if Bool.random(using: &g) { bytes.insert(0xFF, at: Int.random(in: 0...bytes.count, using: &g)) }
            return bytes
        }
    }

    /// One case for `reader`: a truncation, byte flips, spliced random bytes, or a lying or
    /// deeply nested header.
    static func generated(_ reader: Reader, _ g: inout SeededGenerator) -> [UInt8] {
        var bytes = valid(reader)
        switch Int.random(in: 0..<4, using: &g) {
        case 0:
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &g)))
        case 1:
            for _ in 0..<Int.random(in: 1...8, using: &g) {
                bytes[Int.random(in: 0..<bytes.count, using: &g)] = UInt8.random(in: 0...255, using: &g)
            }
        case 2:
            let at = Int.random(in: 0...bytes.count, using: &g)
            bytes.insert(
                contentsOf: (0..<Int.random(in: 1...64, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) },
                at: at)
        default:
            bytes = lyingOrNested(reader, &g)
        }
        return bytes
    }

    static func read(_ reader: Reader, _ url: URL) throws {
        switch reader {
        case .npy:
            _ = try Npy.read(url)
            _ = try Npy.load(url, mapped: true)
        case .safetensors: _ = try Safetensors.read(url)
        case .ids: _ = try IdList.read(url)
        case .qrels: _ = try Qrels.read(url)
        }
    }

    /// (cases run, descriptions of failures).
    static func fuzz(_ reader: Reader, in directory: URL, cases: Int) -> (Int, [String]) {
        var g = SeededGenerator(seed: 0xF0221 &+ UInt64(Reader.allCases.firstIndex(of: reader)!))
        var failures: [String] = []
        let url = directory.appendingPathComponent("case.\(reader.rawValue)")
        for index in 0..<cases {
            let bytes = generated(reader, &g)
            do {
                try Data(bytes).write(to: url)
                try read(reader, url)
            } catch is EmbeddingIOError {
                continue
            } catch {
                failures.append("\(reader) case \(index): not an EmbeddingIOError: \(error)")
            }
        }
        return (cases, failures)
    }

    /// Runs `cases` generated inputs through every reader, within `seconds`.
    static func expectCleanFailures(cases: Int, seconds: Double) throws {
        let dir = try TemporaryDirectory()
        let started = ContinuousClock.now
        let directory = dir.url
        let results = withinSeconds(seconds, "fuzzing the readers") {
            Reader.allCases.map { Self.fuzz($0, in: directory, cases: cases) }
        }
        let total = results?.reduce(0) { $0 + $1.0 } ?? 0
        let failures = results?.flatMap(\.1) ?? []
        #expect(total >= cases * Reader.allCases.count)
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(5))")
        #expect(ContinuousClock.now - started < .seconds(seconds))
    }

    @Test func readersFailCleanlyOnHostileInputs() throws {
        try Self.expectCleanFailures(cases: Self.fastCasesPerReader, seconds: 60)
    }
}

/// The reader fuzz at its full count, 10,400 cases (about 14 s in a debug build): slow tier.
@Suite(.enabled(if: SlowTier.isEnabled, "\(SlowTier.skipReason("10,400 fuzz cases, about 14 s"))"))
struct ReaderFuzzSlowTests {
    @Test func readersFailCleanlyOnTenThousandHostileInputs() throws {
        try ReaderFuzzTests.expectCleanFailures(cases: ReaderFuzzTests.casesPerReader, seconds: 120)
    }
}
