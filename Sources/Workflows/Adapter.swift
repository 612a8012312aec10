import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra

/// A trained query map with what it was trained for: the file era writes (`.safetensors`) and
/// `era evaluate --adapter` / the pipeline read back.
///
/// File: safetensors with `weight` (m x p, F32) and `bias` (m, F32) and string metadata
/// `format` ("era-adapter"), `format_version` ("1"), `source_model`, `target_model`, `source_dim`,
/// `target_dim`, `family`, `stage`, `config_hash`, `version` (of era). In Python:
///
///     from safetensors.numpy import load_file
///     t = load_file("adapter.safetensors"); W, b = t["weight"], t["bias"]
///     q = x @ W.T + b; q /= np.linalg.norm(q, axis=-1, keepdims=True)
public struct Adapter: Sendable, Hashable {
    public var map: AffineMap<Float>
    /// Name of the query model (p = `map.sourceDimension`).
    public var sourceModel: String
    /// Name of the index model (m = `map.targetDimension`).
    public var targetModel: String
    /// `"align"` (stage one) or `"adapt"` (stage two).
    public var stage: String
    public var configurationHash: String
    /// era's version.
    public var version: String
    /// Further string metadata (kept on load, written on save; the reserved keys above win).
    public var extraMetadata: [String: String]

    public init(map: AffineMap<Float>, sourceModel: String, targetModel: String, stage: String,
                configurationHash: String, version: String, extraMetadata: [String: String] = [:]) {
        self.map = map
        self.sourceModel = sourceModel
        self.targetModel = targetModel
        self.stage = stage
        self.configurationHash = configurationHash
        self.version = version
        self.extraMetadata = extraMetadata
    }

    static let formatName = "era-adapter"
    static let formatVersion = "1"

    /// The complete metadata written to the file.
    public var metadata: [String: String] {
        var meta = extraMetadata
        meta["format"] = Self.formatName
        meta["format_version"] = Self.formatVersion
        meta["source_model"] = sourceModel
        meta["target_model"] = targetModel
        meta["source_dim"] = String(map.sourceDimension)
        meta["target_dim"] = String(map.targetDimension)
        meta["family"] = map.family.rawValue
        meta["stage"] = stage
        meta["config_hash"] = configurationHash
        meta["version"] = version
        return meta
    }

    /// Writes the adapter atomically (a partial file never appears under `url`).
    /// - Throws: ``EmbeddingIOError`` naming `url` when it cannot be written.
    public func save(to url: URL) throws {
        let file = SafetensorsFile(tensors: ["weight": .init(map.weight), "bias": .init(vector: map.bias)],
                                   metadata: metadata)
        try file.write(to: url)
    }

    /// Reads an adapter written by ``save(to:)`` (or any safetensors file with a 2-D `weight` and a
    /// matching `bias`; missing metadata reads as empty strings, `family` as linear).
    /// - Throws: ``AdapterError`` or ``EmbeddingIOError`` naming `url`: missing tensors, a bias that
    ///   does not fit the weight, NaN/infinity, metadata dims that contradict the tensors, an
    ///   all-zero weight.
    public static func load(_ url: URL) throws -> Adapter {
        let file = try Safetensors.read(url)
        let path = url.path
        guard file.tensors["weight"] != nil else { throw AdapterError(path: path, "no tensor named 'weight'") }
        let weight = try file.matrix("weight")
        let bias = file.tensors["bias"] == nil ? [Float](repeating: 0, count: weight.rows) : try file.vector("bias")
        let meta = file.metadata
        if let p = meta["source_dim"], Int(p) != weight.columns {
            throw AdapterError(path: path, "metadata source_dim = \(p) but 'weight' is \(weight.rows) x \(weight.columns)")
        }
        if let m = meta["target_dim"], Int(m) != weight.rows {
            throw AdapterError(path: path, "metadata target_dim = \(m) but 'weight' is \(weight.rows) x \(weight.columns)")
        }
        var family = MapFamily.linear
        if let name = meta["family"] {
            guard let known = MapFamily(rawValue: name) else {
                throw AdapterError(path: path, "unknown map family '\(name)' in the metadata")
            }
            family = known
        }
        let map: AffineMap<Float>
        do {
            map = try AffineMap(weight: weight, bias: bias, family: family)
        } catch {
            throw AdapterError(path: path, error.description)
        }
        // A zero weight maps every query to the bias: applying it writes identical (or zero, hence
        // unnormalizable) rows and evaluating it measures nothing. `era adapt` refuses such a start.
        let zeroWeight = weight.withUnsafeBufferPointer { $0.allSatisfy { $0 == 0 } }
        if zeroWeight {
            throw AdapterError(path: path, "the weight is all zeros, so every query would map to the same vector; "
                + "this is not a trained adapter: train one with era align or era adapt")
        }
        let reserved: Set = ["format", "format_version", "source_model", "target_model", "source_dim", "target_dim",
                             "family", "stage", "config_hash", "version"]
        return Adapter(map: map, sourceModel: meta["source_model"] ?? "", targetModel: meta["target_model"] ?? "",
                       stage: meta["stage"] ?? "", configurationHash: meta["config_hash"] ?? "",
                       version: meta["version"] ?? "", extraMetadata: meta.filter { !reserved.contains($0.key) })
    }

    /// `normalize(W x + b)` for every row of `queries` (`n x p` -> `n x m`), ready to search the index.
    /// - Throws: ``AlignmentError/shapeMismatch(operation:expected:got:)`` when the rows are not p long.
    /// - Complexity: O(n p m), one gemm.
    public func apply(to queries: Matrix) throws(AlignmentError) -> Matrix {
        try map.applyNormalized(to: queries)
    }
}

/// A malformed adapter file.
public struct AdapterError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var message: String
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}
