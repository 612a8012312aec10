import Foundation
import Workflows

/// A benchmark's figures as `era-bench` prints them: one JSON object, or lines of text.
package protocol BenchmarkReport {
    /// The figures by snake_case key, `NSNull` where a figure is absent.
    var jsonFields: [String: Any] { get }
    /// The figures as lines of text.
    var textLines: [String] { get }
}

extension BenchmarkReport {
    /// One JSON line with the BLAS kernels the timings ran on (`blas_kernels`, and
    /// `blas_kernels_openblas_chose` when era overrode OpenBLAS's choice); or the kernels' line,
    /// then ``textLines``.
    package func rendered(json: Bool) throws -> String {
        guard json else {
            return ((BLASKernelRestart.kernelsDescription.map { [$0] } ?? []) + textLines).joined(separator: "\n")
        }
        var object = jsonFields
        let kernels = BLASKernelRestart.kernels
        object["blas_kernels"] = kernels?.running ?? NSNull()
        object["blas_kernels_openblas_chose"] = kernels?.openBLASChose ?? NSNull()
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// `bytes` in MiB with one decimal.
    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    /// The peak RSS line, with its ratio to the inputs when they are known.
    static func peakRSSLine(_ rss: Int?, inputBytes: Int? = nil) -> [String] {
        guard let rss else { return [] }
        guard let inputBytes else { return ["peak RSS: \(mebibytes(rss))"] }
        return ["peak RSS: \(mebibytes(rss)) (\(String(format: "%.2f", Double(rss) / Double(inputBytes))) x inputs)"]
    }
}
