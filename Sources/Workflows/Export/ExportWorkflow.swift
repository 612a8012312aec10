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
        /// (``SentenceTransformersExport``).
        case sentenceTransformers = "sentence-transformers"
    }

    /// Writes `adapter` as `format` at `base`: safetensors at `base` itself (`.safetensors` added when
    /// it has no extension), NumPy as ``npyFiles(base:)``, sentence-transformers as the folder `base`.
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
            try adapter.exportNumPy(weight: files[0], bias: files[1], indexWeight: files.count > 2 ? files[2] : nil)
            var written = ["weight_npy": files[0], "bias_npy": files[1]]
            if files.count > 2 { written["weight_index_npy"] = files[2] }
            return written
        case .sentenceTransformers:
            let folder = URL(fileURLWithPath: base)
            try SentenceTransformersExport.write(adapter, to: folder)
            return ["sentence_transformers": folder]
        }
    }

    /// `<stem>.weight.npy` and `<stem>.bias.npy` for a base path, and `<stem>.weight_index.npy` for a hybrid adapter.
    public static func npyFiles(base: String, hybrid: Bool = false) -> [URL] {
        let stem = stem(of: base)
        return [URL(fileURLWithPath: stem + ".weight.npy"), URL(fileURLWithPath: stem + ".bias.npy")]
            + (hybrid ? [URL(fileURLWithPath: stem + ".weight_index.npy")] : [])
    }

    /// `a/adapter.safetensors` -> `a/adapter`; `a/adapter` stays; `a/w.npy` -> `a/w`.
    public static func stem(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.pathExtension.isEmpty ? path : url.deletingPathExtension().path
    }
}
