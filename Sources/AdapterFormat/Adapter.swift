import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra

/// A trained query map with what it was trained for: the file era writes (`.safetensors`) and
/// `era evaluate --adapter` / the pipeline read back.
///
/// File: safetensors with `weight` (m x p, F32) and `bias` (m, F32) and string metadata
/// `format` ("era-adapter"), `format_version` ("1"), `source_model`, `target_model`, `source_dim`,
/// `target_dim`, `family`, `stage`, `config_hash` (the training settings), `adapter_id` (``id``: this
/// map, so its data, models and settings), `version` (of era). In Python:
///
///     from safetensors.numpy import load_file
///     t = load_file("adapter.safetensors"); W, b = t["weight"], t["bias"]
///     q = x @ W.T + b
///     if "weight_index" in t: q += y @ t["weight_index"].T   # hybrid, below
///     q /= np.linalg.norm(q, axis=-1, keepdims=True)
///
/// A hybrid adapter (f(x, y) = W x + V y + b, y the index model's own vector of the query) also
/// holds `weight_index` (V, m x m), metadata `family` "hybrid" and `inputs` "query_model,index_model".
public struct Adapter: Sendable, Hashable {
    /// W and b (for a hybrid adapter, the query model's part).
    public var map: AffineMap<Float>
    /// V (`m x m`) of a hybrid adapter; nil for a map of the query model's vector alone.
    public var indexWeight: Matrix?
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

    public init(
        map: AffineMap<Float>, indexWeight: Matrix? = nil, sourceModel: String, targetModel: String, stage: String,
        configurationHash: String, version: String, extraMetadata: [String: String] = [:]
    ) {
        precondition(
            indexWeight.map { $0.rows == map.targetDimension && $0.columns == map.targetDimension } ?? true,
            "V of a hybrid adapter is m x m")
        self.map = map
        self.indexWeight = indexWeight
        self.sourceModel = sourceModel
        self.targetModel = targetModel
        self.stage = stage
        self.configurationHash = configurationHash
        self.version = version
        self.extraMetadata = extraMetadata
    }

    /// An adapter of the hybrid map `hybrid`.
    public init(
        hybrid: HybridMap<Float>, sourceModel: String, targetModel: String, stage: String,
        configurationHash: String, version: String, extraMetadata: [String: String] = [:]
    ) throws(AlignmentError) {
        self.init(
            map: try AffineMap(weight: hybrid.weight, bias: hybrid.bias), indexWeight: hybrid.indexWeight,
            sourceModel: sourceModel, targetModel: targetModel, stage: stage, configurationHash: configurationHash,
            version: version, extraMetadata: extraMetadata)
    }

    /// Whether the adapter takes the index model's vector of each query too.
    public var isHybrid: Bool { indexWeight != nil }

    /// The hybrid map, for a hybrid adapter.
    public var hybrid: HybridMap<Float>? {
        indexWeight.flatMap { try? HybridMap(weight: map.weight, indexWeight: $0, bias: map.bias) }
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
        meta["family"] = isHybrid ? "hybrid" : map.family.rawValue
        if isHybrid { meta["inputs"] = "query_model,index_model" }
        meta["stage"] = stage
        meta["config_hash"] = configurationHash
        meta["adapter_id"] = id
        meta["version"] = version
        return meta
    }

    /// What tells one trained map from another: SHA-256 (hex, first 16 digits) of W, V (hybrid) and b
    /// as stored, with the stage, family, dims and both model names. The weights are a function of the
    /// training data, the seed and the settings, so the id changes with any of them, and a re-run on
    /// the same inputs reproduces it; ``configurationHash`` covers the settings only. The era version,
    /// the pipeline name and other free metadata are left out: they do not change what the map does.
    public var id: String {
        var hash = SHA256()
        let labels = [
            "era-adapter-id-v1", stage, isHybrid ? "hybrid" : map.family.rawValue, sourceModel, targetModel,
            String(map.sourceDimension), String(map.targetDimension),
        ]
        // Length-prefixed, so that no two label lists share a byte stream.
        for label in labels { hash.update("\(label.utf8.count):\(label);") }
        let tensors =
            [("weight", map.weight.storage), ("bias", map.bias)]
            + (indexWeight.map { [("weight_index", $0.storage)] } ?? [])
        for (name, values) in tensors {
            hash.update("\(name):\(values.count);")
            values.withUnsafeBytes { hash.update($0) }
        }
        return String(hash.hexDigest().prefix(16))
    }

    /// Writes the adapter atomically (a partial file never appears under `url`).
    /// - Throws: EmbeddingIO's `EmbeddingIOError` naming `url` when it cannot be written.
    public func save(to url: URL) throws {
        var tensors: [String: SafetensorsFile.Tensor] = ["weight": .init(map.weight), "bias": .init(vector: map.bias)]
        if let indexWeight { tensors["weight_index"] = .init(indexWeight) }
        let file = SafetensorsFile(tensors: tensors, metadata: metadata)
        try file.write(to: url)
    }

    /// Reads an adapter written by ``save(to:)`` (or any safetensors file with a 2-D `weight` and a
    /// matching `bias`; missing metadata reads as empty strings, `family` as linear).
    /// - Throws: ``AdapterError`` or EmbeddingIO's `EmbeddingIOError` naming `url`: missing tensors, a bias that
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
            throw AdapterError(
                path: path, "metadata source_dim = \(p) but 'weight' is \(weight.rows) x \(weight.columns)")
        }
        if let m = meta["target_dim"], Int(m) != weight.rows {
            throw AdapterError(
                path: path, "metadata target_dim = \(m) but 'weight' is \(weight.rows) x \(weight.columns)")
        }
        if let version = meta["format_version"], let number = Int(version), number > Int(Self.formatVersion) ?? 1 {
            throw AdapterError(
                path: path,
                "metadata format_version = \(version), newer than this era reads (\(Self.formatVersion)): upgrade era")
        }
        // A calibration that is there but not a number (edited, or damaged) would be dropped without
        // a word, and an export would copy it on.
        if meta["score_scale"] != nil || meta["score_offset"] != nil, ScoreCalibration(metadata: meta) == nil {
            throw AdapterError(
                path: path,
                "metadata score_scale = \(meta["score_scale"] ?? "none"), score_offset = \(meta["score_offset"] ?? "none"): "
                    + "expected a number > 0 and a number; the file was edited or damaged")
        }
        var indexWeight: Matrix?
        if file.tensors["weight_index"] != nil {
            let v = try file.matrix("weight_index")
            guard v.rows == weight.rows, v.columns == weight.rows else {
                throw AdapterError(
                    path: path,
                    "'weight_index' is \(v.rows) x \(v.columns) but a hybrid adapter's V is "
                        + "\(weight.rows) x \(weight.rows) (m x m)")
            }
            guard v.storage.allSatisfy(\.isFinite) else {
                throw AdapterError(path: path, "'weight_index' holds NaN or infinity")
            }
            indexWeight = v
        } else if meta["family"] == "hybrid" {
            throw AdapterError(path: path, "metadata says hybrid but there is no 'weight_index' tensor (V)")
        }
        var family = MapFamily.linear
        if let name = meta["family"], name != "hybrid" {
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
        // A hybrid whose W is zero is still a map when V is not: the index as it is (W = 0, V = I)
        // is what adapt returns when no candidate beats it.
        let zeroWeight = weight.withUnsafeBufferPointer { $0.allSatisfy { $0 == 0 } }
        let zeroIndexWeight = indexWeight?.withUnsafeBufferPointer { $0.allSatisfy { $0 == 0 } } ?? true
        if zeroWeight && zeroIndexWeight {
            throw AdapterError(
                path: path,
                "the weight is all zeros, so every query would map to the same vector; "
                    + "this is not a trained adapter: train one with era align or era adapt")
        }
        let reserved: Set = [
            "format", "format_version", "source_model", "target_model", "source_dim", "target_dim",
            "family", "stage", "config_hash", "adapter_id", "version", "inputs",
        ]
        return Adapter(
            map: map, indexWeight: indexWeight, sourceModel: meta["source_model"] ?? "",
            targetModel: meta["target_model"] ?? "",
            stage: meta["stage"] ?? "", configurationHash: meta["config_hash"] ?? "",
            version: meta["version"] ?? "", extraMetadata: meta.filter { !reserved.contains($0.key) })
    }

    /// `normalize(W x + b)` for every row of `queries` (`n x p` -> `n x m`), ready to search the index;
    /// for a hybrid adapter `normalize(W x + V y + b)` with row i of `indexQueries` the index model's
    /// vector of query i.
    /// - Throws: ``AdapterInputError`` when `indexQueries` is missing for a hybrid adapter or given
    ///   to another; Alignment's `AlignmentError` when a width or the row counts differ.
    /// - Complexity: O(n m p), one gemm (hybrid: O(n m (p + m)), two).
    public func apply(to queries: Matrix, indexQueries: Matrix? = nil) throws -> Matrix {
        switch (hybrid, indexQueries) {
        case (nil, nil): return try map.applyNormalized(to: queries)
        case (let hybrid?, let y?): return try hybrid.applyNormalized(queries: queries, indexQueries: y)
        case (nil, _?): throw AdapterInputError.unexpectedIndexQueries
        case (_?, nil): throw AdapterInputError.missingIndexQueries
        }
    }
}
