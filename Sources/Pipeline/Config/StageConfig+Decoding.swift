import Foundation
import Retrieval

/// Reads the `stages:` list: names and kinds first (so references can be checked in any order),
/// then `after:` and each kind's options, then the data each stage needs.
struct StageDecoder {
    let log: ProblemLog

    private struct Header {
        var reader: MappingReader
        var name: String
        var kind: StageKind?
        var index: Int
    }

    /// Longest stage or pipeline name. A name becomes a folder and, while a stage is replaced,
    /// `.replaced-<name>-xxxxxxxx` (name + 19 bytes): file systems allow 255 bytes per name, and
    /// 100 leaves room for every suffix era adds while staying readable in reports.
    static let maxNameLength = 100

    static func isValidFolderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= maxNameLength && name.first != "."
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// What a valid name looks like, for messages.
    static let folderNameRule = "a name of at most \(maxNameLength) letters, digits, '-', '_' or '.'"

    /// A long name cut to its first 40 characters, so a message stays one readable line.
    static func abbreviated(_ name: String) -> String {
        name.count > 60 ? "\(name.prefix(40))... (\(name.count) characters)" : name
    }

    mutating func decode(_ elements: [ConfigNode], data: DataConfig, indexRetired: Bool = false) -> [StageConfig] {
        var headers: [Header] = []
        var seen: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            let path = "stages[\(index)]"
            guard var reader = MappingReader(element, path: path, log: log) else { continue }
            let nameNode = reader.raw("name")
            let writtenName = nameNode.flatMap { MappingReader.string($0, path: "\(path).name", log: log) }
            let kindNode = reader.raw("kind")
            var kind: StageKind? = kindNode.flatMap { MappingReader.choice($0, path: "\(path).kind", log: log) }
            if kindNode == nil {
                if let writtenName, let implied = StageKind(rawValue: writtenName) {
                    kind = implied
                } else {
                    log.add(
                        element.location, "\(path).kind",
                        "missing required key \"kind\" (one of \(StageKind.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
            }
            guard let name = writtenName ?? kind?.rawValue else { continue }
            if let nameNode, !Self.isValidFolderName(name) {
                log.add(
                    nameNode.location, "\(path).name",
                    "expected \(Self.folderNameRule) (it names the stage's folder), got \"\(Self.abbreviated(name))\"")
            } else if let nameNode, let collision = RunFileNames.collision(forStage: name) {
                log.add(nameNode.location, "\(path).name", collision)
            }
            if let previous = seen[name] {
                log.add(
                    nameNode?.location ?? element.location, "\(path).name",
                    "stage name \"\(name)\" is already used by stages[\(previous)]; give each stage its own name")
                continue
            }
            seen[name] = index
            headers.append(Header(reader: reader, name: name, kind: kind, index: index))
        }

        // Built once and shared by every stage, so decoding stays linear in the number of stages
        // (`--check` of a pipeline with tens of thousands of generated stages).
        let named = headers.map { (name: $0.name, kind: $0.kind) }
        let positions = Dictionary(headers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        var lastOfKind: [StageKind: String] = [:]
        var stages: [StageConfig] = []
        for position in headers.indices {
            var header = headers[position]
            let path = "stages[\(header.index)]"
            defer { if let kind = header.kind { lastOfKind[kind] = header.name } }
            let references = StageReferences(
                log: log, headers: named, earlierCount: position,
                positions: positions, lastOfKind: lastOfKind)
            let defaultAfter = position > 0 ? [headers[position - 1].name] : []
            let after: [String]
            if let afterNode = header.reader.raw("after") {
                let written =
                    MappingReader.list(afterNode, path: "\(path).after", acceptsScalar: true, log: log) {
                        node, elementPath, log in
                        MappingReader.string(node, path: elementPath, log: log).map {
                            (name: $0, location: node.location, path: elementPath)
                        }
                    } ?? []
                after = written.compactMap { entry in
                    references.check(
                        entry.name, at: entry.location, path: entry.path, allowedKinds: nil,
                        selfName: header.name) ? entry.name : nil
                }
            } else {
                after = defaultAfter
            }
            var options: StageOptions?
            if let kind = header.kind {
                let optionsNode =
                    header.reader.raw("options")
                    ?? ConfigNode(
                        value: .mapping([]), location: header.reader.node.location,
                        baseDirectory: header.reader.node.baseDirectory)
                if var optionsReader = MappingReader(optionsNode, path: "\(path).options", log: log) {
                    let optionDecoder = StageOptionsDecoder(
                        log: log, references: references, data: data, indexRetired: indexRetired,
                        stageName: header.name, stageLocation: header.reader.node.location)
                    options = optionDecoder.decode(kind: kind, reader: &optionsReader)
                    optionsReader.finish()
                    if let options { checkLimits(options, optionsNode: optionsNode, path: "\(path).options") }
                }
                checkData(kind: kind, data: data, location: header.reader.node.location, path: path)
            } else {
                header.reader.allow("options")
            }
            header.reader.finish()
            guard let kind = header.kind, let options else { continue }
            let needed = Set(after + options.stageReferences)
            // In written order, as the stage graph expects.
            let dependencies = needed.compactMap { positions[$0] }.sorted().map { headers[$0].name }
            stages.append(
                StageConfig(
                    name: header.name, kind: kind, after: after, options: options,
                    dependencies: dependencies, location: header.reader.node.location))
        }
        return stages
    }

    /// Limits the run itself would hit only after training, checked here so `--check` finds them.
    private func checkLimits(_ options: StageOptions, optionsNode: ConfigNode, path: String) {
        func trials(_ count: Int) {
            guard count > PairedSignificance.maxTrials, let node = optionsNode["significance_trials"] else { return }
            log.add(
                node.location, "\(path).significance_trials",
                "expected at most \(PairedSignificance.maxTrials) trials, got \(count) (10000 is plenty for p-values near 0.05)"
            )
        }
        switch options {
        case .evaluate(let o):
            if o.metrics.isEmpty {
                let node = optionsNode["metrics"] ?? optionsNode
                log.add(
                    node.location, "\(path).metrics",
                    "an evaluate stage needs at least one metric, e.g. [ndcg@10, recall@100]; remove the key for the defaults"
                )
            }
            trials(o.significanceTrials)
        case .sweep(let o):
            trials(o.significanceTrials)
        default:
            break
        }
    }

    /// Records a problem for each piece of data a stage of this kind needs but the file lacks.
    private func checkData(kind: StageKind, data: DataConfig, location: SourceLocation, path: String) {
        var missing: [String] = []
        switch kind {
        case .align:
            if data.alignment == nil { missing.append("data.alignment") }
        case .adapt:
            if data.queries == nil { missing.append("data.queries") }
            if data.index == nil { missing.append("data.index") }
            if data.qrels.labeled == nil { missing.append("data.qrels.labeled") }
        case .evaluate:
            if data.queries == nil { missing.append("data.queries") }
            if data.index == nil { missing.append("data.index") }
            if data.qrels.evaluation == nil { missing.append("data.qrels.evaluation") }
        case .sweep:
            if data.queries == nil { missing.append("data.queries") }
            if data.index == nil { missing.append("data.index") }
            if data.qrels.labeled == nil { missing.append("data.qrels.labeled") }
            if data.qrels.evaluation == nil { missing.append("data.qrels.evaluation") }
        case .export:
            break
        }
        if !missing.isEmpty {
            log.add(
                location, path,
                "a \(kind.rawValue) stage needs \(missing.joined(separator: " and ")), which the pipeline does not set")
        }
    }
}

/// Checks names of stages written in a stage (in `after:` or options) and finds defaults.
struct StageReferences {
    let log: ProblemLog
    /// Every stage of the pipeline, in order.
    let headers: [(name: String, kind: StageKind?)]
    /// How many of `headers` are written before the stage being read.
    let earlierCount: Int
    /// Position of each name in `headers`.
    let positions: [String: Int]
    /// The last stage of each kind written before the stage being read.
    let lastOfKind: [StageKind: String]

    /// The stages written before the one being read, in order.
    var earlier: ArraySlice<(name: String, kind: StageKind?)> { headers[..<earlierCount] }

    /// True when `name` names another stage of an allowed kind; else records a problem.
    func check(
        _ name: String, at location: SourceLocation, path: String, allowedKinds: Set<StageKind>?,
        selfName: String
    ) -> Bool {
        if name == selfName {
            log.add(location, path, "a stage cannot depend on itself")
            return false
        }
        guard let target = positions[name].map({ headers[$0] }) else {
            var message = "no stage is named \"\(name)\""
            if let suggestion = Suggestion.nearest(to: name, among: headers.map(\.name)) {
                message += "; did you mean \"\(suggestion)\"?"
            } else if !headers.isEmpty {
                message += " (stages: \(headers.map(\.name).joined(separator: ", ")))"
            }
            log.add(location, path, message)
            return false
        }
        if let allowedKinds, let kind = target.kind, !allowedKinds.contains(kind) {
            let kinds = StageKind.allCases.filter(allowedKinds.contains).map(\.rawValue).joined(separator: " or ")
            log.add(location, path, "stage \"\(name)\" is a \(kind.rawValue) stage; expected a \(kinds) stage")
            return false
        }
        return true
    }

    /// The nearest earlier stage of one of `kinds` (preferring the first kind listed).
    func nearestEarlier(_ kinds: [StageKind]) -> String? {
        kinds.lazy.compactMap { lastOfKind[$0] }.first
    }

}
