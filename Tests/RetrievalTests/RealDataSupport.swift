import Foundation
import EmbeddingIO
import LinearAlgebra

/// Just enough of `.npy` (format 1.0, '<f4', C order) and BEIR TSV to read the shared SciFact files
/// in tests while EmbeddingIO's readers are being written; not a general reader.
enum TestFiles {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func npy(_ url: URL) throws -> Matrix {
        let data = try Data(contentsOf: url)
        guard data.count > 10, data.prefix(6) == Data([0x93] + Array("NUMPY".utf8)) else {
            throw Failure(description: "\(url.path): not a .npy file")
        }
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        guard header.contains("'<f4'"), header.contains("'fortran_order': False"),
              let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")") else {
            throw Failure(description: "\(url.path): unsupported header \(header)")
        }
        let shape = header[header.index(after: open)..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard shape.count == 2 else { throw Failure(description: "\(url.path): not 2-D") }
        let body = data[(10 + headerLength)...]
        guard body.count == shape[0] * shape[1] * 4 else { throw Failure(description: "\(url.path): truncated") }
        let floats = body.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return Matrix(rows: shape[0], columns: shape[1], storage: floats)
    }

    static func ids(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    static func qrels(_ url: URL) throws -> Qrels {
        var judgments = [String: [String: Int]]()
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t")
            guard f.count == 3, let grade = Int(f[2]) else { throw Failure(description: "\(url.path): bad line \(line)") }
            judgments[String(f[0]), default: [:]][String(f[1])] = grade
        }
        return Qrels(judgments: judgments)
    }
}
