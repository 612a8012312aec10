import ConfigDecoding
import Foundation
import Retrieval
import Workflows

/// Reads the `stages:` list: names and kinds first (so references can be checked in any order),
/// then `after:` and each kind's options, then the data each stage needs.
struct StageDecoder {
    let log: ProblemLog

    private struct Header {
        var decoder: ConfigNodeDecoder
        var name: String
        var kind: StageKind?
    }

    /// Whether `name`, written at `written`, can name `folder`; else the problem is logged there,
    /// with a long name cut to its first 40 characters so that the message stays one readable line.
    static func checkFolderName(_ name: String, at written: ConfigNodeDecoder, naming folder: String) -> Bool {
        if ExportSettings.isPlainName(name) { return true }
        let shown = name.count > 60 ? "\(name.prefix(40))... (\(name.count) characters)" : name
        written.report(
            "expected a name of at most \(ExportSettings.maxNameLength) letters, digits, '-', '_' or '.' "
                + "(it names \(folder)), got \"\(shown)\"")
        return false
    }

    /// - Parameter elements: the decoders of the `stages:` list's elements, in order.
    func decode(_ elements: [ConfigNodeDecoder], data: DataConfig, indexRetired: Bool = false) -> [StageConfig] {
        var headers: [Header] = []
        var seen: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            guard let stage = element.mapping else { continue }
            let nameDecoder = stage["name"]
            let writtenName = nameDecoder?.decodeLogged(String.self)
            let kindDecoder = stage["kind"]
            var kind = kindDecoder?.decodeLogged(StageKind.self)
            if kindDecoder == nil {
                if let writtenName, let implied = StageKind(rawValue: writtenName) {
                    kind = implied
                } else {
                    log.add(
                        stage.node.location, stage.keyPath("kind"),
                        "missing required key \"kind\" (one of \(StageKind.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
            }
            guard let name = writtenName ?? kind?.rawValue else { continue }
            if let nameDecoder, Self.checkFolderName(name, at: nameDecoder, naming: "the stage's folder"),
                let collision = RunFileNames.collision(forStage: name)
            {
                nameDecoder.report(collision)
            }
            if let previous = seen[name] {
                log.add(
                    nameDecoder?.node.location ?? stage.node.location, stage.keyPath("name"),
                    "stage name \"\(name)\" is already used by stages[\(previous)]; give each stage its own name")
                continue
            }
            seen[name] = index
            headers.append(Header(decoder: stage, name: name, kind: kind))
        }

        // Built once and shared by every stage, so decoding stays linear in the number of stages
        // (`--check` of a pipeline with tens of thousands of generated stages).
        let named = headers.map { (name: $0.name, kind: $0.kind) }
        let positions = Dictionary(headers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var lastOfKind: [StageKind: String] = [:]
        var stages: [StageConfig] = []
        for (position, header) in headers.enumerated() {
            let stage = header.decoder
            defer { if let kind = header.kind { lastOfKind[kind] = header.name } }
            let context = StageOptionsDecoder(
                log: log, data: data, indexRetired: indexRetired, stageName: header.name,
                stageLocation: stage.node.location, headers: named, earlierCount: position,
                positions: positions, lastOfKind: lastOfKind)
            var after = position > 0 ? [headers[position - 1].name] : []
            if let written = stage["after"] {
                after = (written.elements ?? []).compactMap { context.stage($0, allowedKinds: nil) }
            }
            let optionsDecoder =
                stage["options"]
                ?? stage.child(
                    ConfigNode(
                        value: .mapping([]), location: stage.node.location, baseDirectory: stage.node.baseDirectory),
                    path: stage.keyPath("options"))
            var options: StageOptions?
            if let kind = header.kind {
                options = optionsDecoder.readMapping { context.decode(kind: kind, $0) }
                checkData(kind: kind, data: data, location: stage.node.location, path: stage.path)
            }
            stage.reportUnknownKeys()
            guard let kind = header.kind, let options else { continue }
            let needed = Set(after + options.stageReferences)
            // In written order, as the stage graph expects.
            let dependencies = needed.compactMap { positions[$0] }.sorted().map { headers[$0].name }
            stages.append(
                StageConfig(
                    name: header.name, kind: kind, after: after, options: options,
                    dependencies: dependencies, location: stage.node.location))
        }
        return stages
    }

    /// The data each kind of stage reads, by key path.
    static let neededData: [StageKind: [String]] = [
        .align: ["data.alignment"],
        .adapt: ["data.queries", "data.index", "data.qrels.labeled"],
        .evaluate: ["data.queries", "data.index", "data.qrels.evaluation"],
        .sweep: ["data.queries", "data.index", "data.qrels.labeled", "data.qrels.evaluation"],
    ]

    /// Records a problem for each piece of data a stage of this kind needs but the file lacks.
    private func checkData(kind: StageKind, data: DataConfig, location: SourceLocation, path: String) {
        let missing = (Self.neededData[kind] ?? []).filter { !data.sets($0) }
        if !missing.isEmpty {
            log.add(
                location, path,
                "\(kind.withArticle) stage needs \(missing.joined(separator: " and ")), which the pipeline does not set"
            )
        }
    }
}

extension DataConfig {
    /// Whether the pipeline sets the data at `keyPath` (`data.index`, `data.qrels.labeled`, ...).
    func sets(_ keyPath: String) -> Bool {
        switch keyPath {
        case "data.queries": queries != nil
        case "data.index": index != nil
        case "data.alignment": alignment != nil
        default: files.contains { $0.keyPath == keyPath }
        }
    }
}

extension StageKind {
    /// "an align", "a sweep": the kind with its article, for messages.
    var withArticle: String { ("aeiou".contains(rawValue.first ?? "x") ? "an " : "a ") + rawValue }
}
