import AdapterFormat
import EmbeddingIO
import Foundation

/// Writing an adapter in the formats users load: era's safetensors (weight, bias, metadata), two
/// NumPy files, or a sentence-transformers module folder. `era export`, `era align --npy` and the pipeline's export stage all write here.
public enum ExportWorkflow {
    public enum Format: String, Sendable, Hashable, CaseIterable, Codable {
        /// `<base>.safetensors`: `weight` (m x p, F32), `bias` (m, F32) and string metadata.
        case safetensors
        /// `<base>.weight.npy` and `<base>.bias.npy`, float32.
        case npy
        /// `<base>` as a folder: a sentence-transformers Dense + Normalize module
        /// (`SentenceTransformersExport`).
        case sentenceTransformers = "sentence-transformers"
    }

    /// Writes `adapter` as `format` at `base`: safetensors at `base` itself (`.safetensors` added when
    /// it has no extension), NumPy as ``npyFiles(base:hybrid:)``, sentence-transformers as the folder `base`.
    /// - Returns: the files written, by role (`adapter`, or `weight_npy` and `bias_npy`, or
    ///   `sentence_transformers` for the folder).
    @discardableResult
    public static func write(_ adapter: Adapter, format: Format, base: String) throws -> [String: URL] {
        switch format {
        case .safetensors:
            let url = URL(
                fileURLWithPath: URL(fileURLWithPath: base).pathExtension.isEmpty ? base + ".safetensors" : base)
            try adapter.save(to: url)
            return ["adapter": url]
        case .npy:
            let files = npyFiles(base: base, hybrid: adapter.isHybrid)
            // All the files or none: a weight beside the bias of another map would load and run.
            return try AtomicFile.writeTogether {
                try adapter.exportNumPy(
                    weight: files[0], bias: files[1], indexWeight: adapter.isHybrid ? files[2] : nil)
                var written = ["weight_npy": files[0], "bias_npy": files[1]]
                if adapter.isHybrid {
                    written["weight_index_npy"] = files[2]
                    // Three bare arrays do not say that the third one is needed: a reader who applies
                    // weight and bias alone gets a map that runs and is silently worse.
                    try AtomicFile.write(Data(hybridNote(adapter, files: files).utf8), to: files[3])
                    written["readme"] = files[3]
                }
                return written
            }
        case .sentenceTransformers:
            let folder = URL(fileURLWithPath: base)
            try SentenceTransformersExport.write(adapter, to: folder)
            return ["sentence_transformers": folder]
        }
    }

    /// `<stem>.weight.npy` and `<stem>.bias.npy` for a base path; for a hybrid adapter also
    /// `<stem>.weight_index.npy` and the note `<stem>.README.txt` on applying the three.
    public static func npyFiles(base: String, hybrid: Bool = false) -> [URL] {
        let stem = stem(of: base)
        return [URL(fileURLWithPath: stem + ".weight.npy"), URL(fileURLWithPath: stem + ".bias.npy")]
            + (hybrid
                ? [URL(fileURLWithPath: stem + ".weight_index.npy"), URL(fileURLWithPath: stem + ".README.txt")] : [])
    }

    /// The files of a hybrid NumPy export at `base` (`weight_index.npy`, the README) that exist: beside a
    /// plain map's `weight.npy` and `bias.npy` written there, serving code that looks for
    /// `weight_index` would add a stale V y term.
    public static func staleHybridFiles(base: String) -> [URL] {
        npyFiles(base: base, hybrid: true).dropFirst(2).filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The note written beside a hybrid adapter's NumPy files.
    static func hybridNote(_ adapter: Adapter, files: [URL]) -> String {
        let (weight, bias, index) = (files[0].lastPathComponent, files[1].lastPathComponent, files[2].lastPathComponent)
        let m = adapter.map.targetDimension
        let p = adapter.map.sourceDimension
        // File names come from --out: quoted as Python literals, never pasted into code.
        let literal = SentenceTransformersExport.pythonStringLiteral
        return """
            era hybrid adapter, exported as NumPy arrays (era \(adapter.version))

            This map takes TWO vectors of each query:
              x: the query model's vector (\(p)-d), from \(adapter.sourceModel.isEmpty ? "the query model" : adapter.sourceModel)
              y: the index model's own vector of the same query (\(m)-d), from \(adapter.targetModel.isEmpty ? "the index model" : adapter.targetModel)
            and returns q = normalize(W x + V y + b), searched against the index as it is.

              \(weight)        W, \(m) x \(p) float32
              \(index)  V ("weight_index"), \(m) x \(m) float32
              \(bias)          b, \(m) float32

            Applying W and b alone runs without error but is NOT this map, and ranks worse.

              import numpy as np
              W, V, b = np.load(\(literal(weight))), np.load(\(literal(index))), np.load(\(literal(bias)))
              q = x @ W.T + y @ V.T + b          # x: n x \(p), y: n x \(m), same query order
              q /= np.linalg.norm(q, axis=1, keepdims=True)

            era apply --adapter ADAPTER.safetensors --in x.npy --index-queries y.npy --out q.npy does the same.

            """
    }

    /// `a/adapter.safetensors` -> `a/adapter`; `a/adapter` stays; `a/w.npy` -> `a/w`.
    public static func stem(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.pathExtension.isEmpty ? path : url.deletingPathExtension().path
    }
}
