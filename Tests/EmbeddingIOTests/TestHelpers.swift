import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@testable import EmbeddingIO

/// A fixture file of `Tests/EmbeddingIOTests/Fixtures`.
func fixture(_ name: String) throws -> URL {
    let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
    return try #require(
        Bundle.module.url(forResource: parts[0], withExtension: parts[1], subdirectory: "Fixtures"),
        "missing fixture \(name)")
}

/// The 3 x 4 matrix of every fixture: a[i, j] = (i * 4 + j) / 8 - 0.75.
let fixtureMatrix = Matrix(rows: 3, columns: 4, storage: (0..<12).map { Float($0) / 8 - 0.75 })

/// A `.npy` file built by hand: version `major`, header text `dict` (padded to 64), then `data`.
func npyBytes(dict: String, data: [UInt8], major: UInt8 = 1) -> [UInt8] {
    let lengthSize = major == 1 ? 2 : 4
    let unpadded = 8 + lengthSize + dict.utf8.count + 1
    let headerLength = dict.utf8.count + 1 + (64 - unpadded % 64) % 64
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
    for k in 0..<lengthSize { bytes.append(UInt8(truncatingIfNeeded: headerLength >> (8 * k))) }
    bytes += Array(dict.utf8) + [UInt8](repeating: 0x20, count: headerLength - dict.utf8.count - 1) + [0x0A]
    return bytes + data
}

/// The little-endian bytes of `values` as float32.
func float32Bytes(_ values: [Float]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

/// Whether `python3 -c "import <module>"` succeeds (for interop tests).
func pythonHasModule(_ module: String) -> Bool {
    (try? runPython("import \(module)")) != nil
}

/// Runs `python3 -c script args...`; returns stdout, throws on a non-zero exit with stderr.
@discardableResult
func runPython(_ script: String, _ arguments: [String] = []) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw PythonFailure(message: String(decoding: stderr, as: UTF8.self))
    }
    return String(decoding: stdout, as: UTF8.self)
}

struct PythonFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { "python3 failed: \(message)" }
}
