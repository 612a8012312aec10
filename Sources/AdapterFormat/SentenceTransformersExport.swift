import EmbeddingIO
import Foundation

/// An adapter as a sentence-transformers module folder, so the map runs inside the query model:
///
///     DIR/config.json        Dense config: in_features p, out_features m, bias true, Identity activation
///     DIR/model.safetensors  linear.weight (m x p, F32), linear.bias (m, F32)
///     DIR/Normalize/         the Normalize module (config.json), applied after the Dense
///     DIR/modules.json       [Dense at "", Normalize at "Normalize"]: DIR itself loads as a two-module model
///     DIR/era.json           what the map is for: both models, the input it expects, normalization, versions
///     DIR/README.md          how to append both modules to the query model, or route with Router
///
/// `sentence_transformers.models.Dense.load(DIR)` reads only config.json and model.safetensors (tested
/// with sentence-transformers 6.2). config.json carries only the four keys every release accepts, since
/// releases before 5.7 fail on unknown keys; model.safetensors needs a release that reads safetensors
/// modules (the old 2.x ones read only pytorch_model.bin). The type names in modules.json are the
/// `sentence_transformers.models.*` ones, the only names older releases know (6.x loads them with a
/// deprecation warning).
public enum SentenceTransformersExport {
    /// The file whose `format` marks the folder as era's (see EmbeddingIO's `FolderOutputGuard`).
    public static let markerFile = "era.json"
    public static let markerFormat = "era-sentence-transformers"
    public static let normalizeFolder = "Normalize"

    /// The guard for writing a module folder at `path` (`flag` names it in messages, `forceFlag` the
    /// override).
    public static func folderGuard(
        flag: String, path: String, inputs: [OutputGuard.Input], forceFlag: String
    ) -> FolderOutputGuard {
        FolderOutputGuard(
            flag: flag, path: path, markerFile: markerFile, markerFormat: markerFormat,
            ownSubfolders: [normalizeFolder], ownFiles: ownFiles, inputs: inputs, forceFlag: forceFlag)
    }

    /// Every file ``write(_:to:)`` puts in the module folder.
    static var ownFiles: Set<String> {
        ["config.json", "model.safetensors", "\(normalizeFolder)/config.json", "modules.json", markerFile, "README.md"]
    }

    /// Refuses an adapter that is not one affine map of the query vector: a hybrid map (``Adapter/isHybrid``;
    /// a file that says hybrid without its `weight_index` tensor does not load) takes the index model's
    /// vector of the query too, which one Dense module on one model cannot receive.
    /// - Parameters:
    ///   - adapter: the adapter as loaded.
    ///   - path: its file, for the message.
    ///   - otherFormats: how the front end asks for a format that carries the map (the CLI: its flag).
    /// - Throws: ``ExportError`` naming the file and the formats that do carry it.
    public static func checkExportable(_ adapter: Adapter, path: String, otherFormats: String) throws {
        guard !adapter.isHybrid else {
            throw ExportError(
                path: path,
                """
                is a hybrid adapter (q = W x + V y + b: x from the query model, y from the index model, \
                V in 'weight_index'); a sentence-transformers Dense module sees one model's vector only, so it cannot \
                hold this map. Export it with \(otherFormats) and combine the two models' vectors \
                in a few lines of Python (docs/serving.md, "Hybrid maps")
                """)
        }
    }

    /// Writes the module folder at `folder` atomically (see EmbeddingIO's `AtomicFolder`): an existing folder is
    /// replaced only once the new one is complete. Check ``folderGuard(flag:path:inputs:forceFlag:)`` first.
    /// - Throws: EmbeddingIO's `EmbeddingIOError` naming the folder when it cannot be written.
    public static func write(_ adapter: Adapter, to folder: URL) throws {
        guard !adapter.isHybrid else {
            throw ExportError(
                path: folder.path,
                "the map is a hybrid adapter (q = W x + V y + b, y from the index model); "
                    + "a sentence-transformers Dense module sees one model's vector only. Export safetensors or npy instead "
                    + "(docs/serving.md, \"Hybrid maps\")")
        }
        let p = adapter.map.sourceDimension, m = adapter.map.targetDimension
        try AtomicFolder.write(to: folder) { dir in
            // Key order as Dense.save writes it, so the file reads like one sentence-transformers made.
            let config =
                "{\n    \"in_features\": \(p),\n    \"out_features\": \(m),\n    \"bias\": true,\n"
                + "    \"activation_function\": \"torch.nn.modules.linear.Identity\"\n}\n"
            try AtomicFile.write(Data(config.utf8), to: dir.appendingPathComponent("config.json"))
            let tensors = SafetensorsFile(
                tensors: [
                    "linear.weight": .init(adapter.map.weight),
                    "linear.bias": .init(vector: adapter.map.bias),
                ],
                metadata: safetensorsMetadata(adapter))
            try tensors.write(to: dir.appendingPathComponent("model.safetensors"))
            let normalize = dir.appendingPathComponent(normalizeFolder)
            try FileManager.default.createDirectory(at: normalize, withIntermediateDirectories: false)
            // Releases 5.7+ read this (the defaults); older ones construct Normalize() without reading.
            try AtomicFile.write(Data("{}\n".utf8), to: normalize.appendingPathComponent("config.json"))
            try AtomicFile.write(Data(modulesJSON.utf8), to: dir.appendingPathComponent("modules.json"))
            try AtomicFile.write(
                try CanonicalJSON.encode(eraJSON(adapter), pretty: true) + Data("\n".utf8),
                to: dir.appendingPathComponent(markerFile))
            try AtomicFile.write(
                Data(readme(adapter, folderName: folder.lastPathComponent).utf8),
                to: dir.appendingPathComponent("README.md"))
        }
    }

    /// DIR's own modules.json: the Dense module is DIR itself, Normalize its sub-folder.
    static let modulesJSON = """
        [
          {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Dense"},
          {"idx": 1, "name": "1", "path": "Normalize", "type": "sentence_transformers.models.Normalize"}
        ]

        """

    static let normalization =
        "L2 after the map: q = normalize(W x + b) (the Normalize module); "
        + "the input x is the query model's vector exactly as era saw it in training (not normalized by era)"

    /// Metadata also carried by model.safetensors, so the weights alone still say what they are.
    static func safetensorsMetadata(_ adapter: Adapter) -> [String: String] {
        [
            "era_format": markerFormat, "source_model": adapter.sourceModel, "target_model": adapter.targetModel,
            "normalization": normalization, "era_version": EraVersion.current,
        ]
    }

    /// The content of era.json: the adapter's metadata plus what the module folder adds.
    static func eraJSON(_ adapter: Adapter) -> [String: String] {
        var json = adapter.metadata
        json["adapter_format"] = json["format"]
        json["adapter_era_version"] = json["version"]
        json.removeValue(forKey: "version")
        json["format"] = markerFormat
        json["format_version"] = "1"
        json["era_version"] = EraVersion.current
        json["normalization"] = normalization
        return json
    }
}

/// An adapter that cannot be written in the requested format.
public struct ExportError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var message: String
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path) \(message)" }
}
