import Foundation

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

    init(log: ProblemLog) {
        self.log = log
    }

    static func isValidFolderName(_ name: String) -> Bool {
        !name.isEmpty && name.first != "." && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    mutating func decode(_ elements: [ConfigNode], data: DataConfig) -> [StageConfig] {
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
                    log.add(element.location, "\(path).kind",
                            "missing required key \"kind\" (one of \(StageKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            guard let name = writtenName ?? kind?.rawValue else { continue }
            if let nameNode, !Self.isValidFolderName(name) {
                log.add(nameNode.location, "\(path).name",
                        "expected a name of letters, digits, '-', '_' or '.' (it names the stage's folder), got \"\(name)\"")
            } else if let nameNode, let collision = RunFileNames.collision(forStage: name) {
                log.add(nameNode.location, "\(path).name", collision)
            }
            if let previous = seen[name] {
                log.add(nameNode?.location ?? element.location, "\(path).name",
                        "stage name \"\(name)\" is already used by stages[\(previous)]; give each stage its own name")
                continue
            }
            seen[name] = index
            headers.append(Header(reader: reader, name: name, kind: kind, index: index))
        }

        var stages: [StageConfig] = []
        for position in headers.indices {
            var header = headers[position]
            let path = "stages[\(header.index)]"
            let earlier = headers[..<position]
            let references = StageReferences(log: log, headers: headers.map { ($0.name, $0.kind) },
                                             earlier: earlier.map { ($0.name, $0.kind) })
            let defaultAfter = earlier.last.map { [$0.name] } ?? []
            let after: [String]
            if let afterNode = header.reader.raw("after") {
                let written = MappingReader.list(afterNode, path: "\(path).after", acceptsScalar: true, log: log) {
                    node, elementPath, log in
                    MappingReader.string(node, path: elementPath, log: log).map { (name: $0, location: node.location, path: elementPath) }
                } ?? []
                after = written.compactMap { entry in
                    references.check(entry.name, at: entry.location, path: entry.path, allowedKinds: nil,
                                     selfName: header.name) ? entry.name : nil
                }
            } else {
                after = defaultAfter
            }
            var options: StageOptions?
            if let kind = header.kind {
                let optionsNode = header.reader.raw("options")
                    ?? ConfigNode(value: .mapping([]), location: header.reader.node.location,
                                  baseDirectory: header.reader.node.baseDirectory)
                if var optionsReader = MappingReader(optionsNode, path: "\(path).options", log: log) {
                    let optionDecoder = StageOptionsDecoder(log: log, references: references, data: data,
                                                            stageName: header.name, stageLocation: header.reader.node.location)
                    options = optionDecoder.decode(kind: kind, reader: &optionsReader)
                    optionsReader.finish()
                }
                checkData(kind: kind, data: data, location: header.reader.node.location, path: path)
            } else {
                header.reader.allow("options")
            }
            header.reader.finish()
            guard let kind = header.kind, let options else { continue }
            let needed = Set(after + options.stageReferences)
            let dependencies = headers.map(\.name).filter { needed.contains($0) }
            stages.append(StageConfig(name: header.name, kind: kind, after: after, options: options,
                                      dependencies: dependencies, location: header.reader.node.location))
        }
        return stages
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
            log.add(location, path, "a \(kind.rawValue) stage needs \(missing.joined(separator: " and ")), which the pipeline does not set")
        }
    }
}

/// Checks names of stages written in a stage (in `after:` or options) and finds defaults.
struct StageReferences {
    let log: ProblemLog
    /// Every stage of the pipeline, in order.
    let headers: [(name: String, kind: StageKind?)]
    /// The stages written before the one being read, in order.
    let earlier: [(name: String, kind: StageKind?)]

    /// True when `name` names another stage of an allowed kind; else records a problem.
    func check(_ name: String, at location: SourceLocation, path: String, allowedKinds: Set<StageKind>?,
               selfName: String) -> Bool {
        if name == selfName {
            log.add(location, path, "a stage cannot depend on itself")
            return false
        }
        guard let target = headers.first(where: { $0.name == name }) else {
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
        for kind in kinds {
            if let match = earlier.last(where: { $0.kind == kind }) { return match.name }
        }
        return nil
    }

}
