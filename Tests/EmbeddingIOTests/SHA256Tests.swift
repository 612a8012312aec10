import Foundation
import Testing
import _TestSupport

@testable import EmbeddingIO

@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-4 / NIST CAVS examples.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
        (
            "The quick brown fox jumps over the lazy dog",
            "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"
        ),
    ])
    func knownVectors(message: String, digest: String) {
        #expect(SHA256.hex(message) == digest)
    }

    @Test func oneMillionAsStreamedInUnevenPieces() {
        var hasher = SHA256()
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 999)
        var remaining = 1_000_000
        while remaining > 0 {
            let n = min(remaining, chunk.count)
            hasher.update(chunk.prefix(n))
            remaining -= n
        }
        #expect(hasher.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func fileHashEqualsInMemoryHash() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("era-sha-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        // 1 MiB + 4099 bytes spans two read chunks and ends mid-block.
        let bytes = (0..<(1 << 20) + 4099).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) }
        try Data(bytes).write(to: url)
        var hasher = SHA256()
        hasher.update(Data(bytes))
        var reported: Int64 = 0
        let streamed = try SHA256.hex(fileAt: url.path) { reported = $0 }
        #expect(streamed == hasher.hexDigest())
        #expect(reported == Int64(bytes.count))
    }
}
