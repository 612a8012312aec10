import ConfigDecoding
import Foundation
import Testing
import _TestSupport

@testable import Pipeline

/// Issue 11 ("a fuzz-style test ... covers the readers (..., YAML)"): seeded hostile pipeline
/// texts (truncations, byte flips, alias and merge-key bombs, deep nesting in flow and block
/// style, alias chains) each parse or throw one `ConfigError` naming the file, quickly, and never
/// crash. The binary readers have theirs in EmbeddingIOTests/ReaderFuzzTests.
@Suite("YAML fuzz")
struct YAMLFuzzTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let base = """
        name: fuzz
        seed: 7
        models: {query: {name: q, dim: 6}, index: {name: d, dim: 4}}
        data:
          queries: {embeddings: q.npy, ids: q.txt}
          index: {embeddings: d.npy, ids: d.txt}
        x-defaults: &defaults
          epochs: 3
          temperature: 0.05
        stages:
          - kind: align
            options:
              <<: *defaults
              batch_size: 64
          - name: adapt
            kind: adapt
            options: {budget: 20, negatives: [hard, in-batch]}
          - kind: evaluate
            options:
              metrics: [ndcg@10, recall@100]
        """

    /// The fuzz cases, in a fixed order from a fixed seed; only every `stride`-th one is built (the
    /// random draws of the others are still made, so a case is the same text at every stride).
    /// - Returns: the kept cases with their positions, and how many cases there are in all.
    static func cases(stride: Int = 1) -> (kept: [(index: Int, text: String)], total: Int) {
        var g = Generator(state: 11)
        var kept: [(index: Int, text: String)] = []
        var total = 0
        func add(_ text: () -> String) {
            if total % stride == 0 { kept.append((total, text())) }
            total += 1
        }
        let bytes = Array(base.utf8)
        // Every truncation.
        for cut in 0..<bytes.count { add { String(decoding: bytes[..<cut], as: UTF8.self) } }
        // Byte flips, one to eight per case, into structural characters and random bytes.
        let structural = Array(":-[]{}&*<>?|'\"#!%@`,\n\t ".utf8)
        for _ in 0..<5_000 {
            var mutated = bytes
            for _ in 0...g.below(8) {
                let position = g.below(mutated.count)
                mutated[position] = g.below(2) == 0 ? structural[g.below(structural.count)] : UInt8(g.below(256))
            }
            add { String(decoding: mutated, as: UTF8.self) }
        }
        // Alias bombs: fan-out 2-12, 4-30 levels, under random keys, as lists or merge keys.
        for _ in 0..<1_500 {
            let fan = 2 + g.below(11), levels = 4 + g.below(27), merge = g.below(2) == 0, key = g.below(100)
            add {
                var text = "stages: []\nk\(key):\n  l0: &l0 {a: 1, b: [x, y]}\n"
                for level in 1...levels {
                    let items = (0..<fan).map { merge && $0 == 0 ? "<<: *l\(level - 1)" : "k\($0): *l\(level - 1)" }
                    text += "  l\(level): &l\(level) {" + items.joined(separator: ", ") + "}\n"
                }
                return text
            }
        }
        // Deep nesting, flow and block style, 10 to 20,000 levels (libyaml stops at 1,000).
        for _ in 0..<1_200 {
            let depth = [10, 63, 64, 65, 200, 999, 1_000, 1_001, 5_000, 20_000][g.below(10)]
            switch g.below(3) {
            case 0: add { "a: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
            case 1:
                add { "a: " + String(repeating: "{k: ", count: depth) + "1" + String(repeating: "}", count: depth) }
            default:
                add {
                    (0..<min(depth, 2_000)).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(
                        separator: "\n") + " 1"
                }
            }
        }
        // Alias chains that nest deeper once expanded than they are written.
        for _ in 0..<1_000 {
            let width = 1 + g.below(20), links = 2 + g.below(40)
            add {
                var text = "x0: &x0 v\n"
                for link in 1...links {
                    text +=
                        "x\(link): &x\(link) " + String(repeating: "[", count: width) + "*x\(link - 1)"
                        + String(repeating: "]", count: width) + "\n"
                }
                return text
            }
        }
        // Aliases used as mapping keys (Yams hashes keys while it composes).
        for _ in 0..<1_000 {
            let levels = 2 + g.below(30)
            add {
                var text = "y0: &y0 {a: 1}\n"
                for level in 1...levels {
                    text += "y\(level): &y\(level) {? *y\(level - 1) : 1, ? [*y\(level - 1)] : 2}\n"
                }
                return text
            }
        }
        return (kept, total)
    }

    /// Every `stride`-th case (every kind of mutation is among them) parses or throws one clear
    /// error, each within 2 s and all within `seconds`.
    static func expectParsedOrClearErrors(stride: Int, seconds: Int) {
        let (cases, total) = Self.cases(stride: stride)
        #expect(total >= 10_000)
        let start = ContinuousClock.now
        var slowest: Duration = .zero, thrown = 0
        for (index, text) in cases {
            let caseStart = ContinuousClock.now
            do {
                _ = try ConfigNode.parse(yaml: text, file: "case\(index).yaml", baseDirectory: "/")
            } catch {
                thrown += 1
                #expect(
                    !error.problems.isEmpty
                        && error.problems.allSatisfy { $0.location.file == "case\(index).yaml" && !$0.message.isEmpty },
                    "case \(index): \(error)")
            }
            slowest = max(slowest, ContinuousClock.now - caseStart)
        }
        let elapsed = ContinuousClock.now - start
        #expect(thrown > 1_000 / stride)
        #expect(slowest < .seconds(2), "slowest case took \(slowest)")
        #expect(elapsed < .seconds(seconds), "\(cases.count) cases took \(elapsed)")
    }

    /// One case in 25 (each kind of mutation is a block of at least 1,000 cases), so a developer's
    /// run still meets every kind of hostile text; the slow tier runs them all.
    @Test func hostileTextsParseOrThrowOneClearErrorQuickly() {
        Self.expectParsedOrClearErrors(stride: 25, seconds: 20)
    }
}

/// The YAML fuzz at its full count, over 10,000 cases (about 25 s in a debug build): slow tier.
@Suite(.enabled(if: SlowTier.isEnabled, "\(SlowTier.skipReason("over 10,000 YAML fuzz cases, about 25 s"))"))
struct YAMLFuzzSlowTests {
    @Test func everyHostileTextParsesOrThrowsOneClearErrorQuickly() {
        YAMLFuzzTests.expectParsedOrClearErrors(stride: 1, seconds: 50)
    }
}
