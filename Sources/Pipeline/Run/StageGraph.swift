/// The order stages run in and who depends on whom.
///
/// Execution order is a topological order of the dependencies (`after:` plus option references)
/// that keeps the written order wherever the dependencies allow it.
public struct StageGraph: Sendable, Hashable {
    /// Stage names in execution order.
    public let order: [String]
    /// Direct dependencies of each stage.
    public let dependencies: [String: [String]]

    /// - Throws: `ConfigError` naming each stage of a dependency cycle.
    /// - Complexity: O(n^2) in the number of stages (a handful).
    public init(stages: [StageConfig]) throws(ConfigError) {
        var dependencies: [String: [String]] = [:]
        for stage in stages { dependencies[stage.name] = stage.dependencies }
        var placed: [String] = []
        var placedSet = Set<String>()
        var remaining = stages
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { stage in
                stage.dependencies.allSatisfy { placedSet.contains($0) || dependencies[$0] == nil }
            }) else {
                throw ConfigError(problems: Self.cycleProblems(remaining))
            }
            let stage = remaining.remove(at: next)
            placed.append(stage.name)
            placedSet.insert(stage.name)
        }
        self.order = placed
        self.dependencies = dependencies
    }

    /// Every stage that depends on `name`, directly or not.
    public func dependents(of name: String) -> Set<String> {
        var result = Set<String>()
        var frontier = [name]
        while let current = frontier.popLast() {
            for (stage, deps) in dependencies where deps.contains(current) && !result.contains(stage) {
                result.insert(stage)
                frontier.append(stage)
            }
        }
        return result
    }

    /// Every stage `name` needs, directly or not.
    public func ancestors(of name: String) -> Set<String> {
        var result = Set<String>()
        var frontier = dependencies[name] ?? []
        while let current = frontier.popLast() {
            if result.insert(current).inserted { frontier += dependencies[current] ?? [] }
        }
        return result
    }

    private static func cycleProblems(_ remaining: [StageConfig]) -> [ConfigProblem] {
        let byName = Dictionary(remaining.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        // Walk dependencies inside the remaining set until a stage repeats: that loop is a cycle.
        var path: [String] = []
        var current = remaining[0].name
        while !path.contains(current) {
            path.append(current)
            guard let next = byName[current]?.dependencies.first(where: { byName[$0] != nil }) else { break }
            current = next
        }
        let cycle = Array(path[(path.firstIndex(of: current) ?? 0)...])
        let text = (cycle.reversed() + [cycle.last!]).joined(separator: " -> ")
        return cycle.compactMap { name in
            guard let stage = byName[name], let index = remaining.firstIndex(where: { $0.name == name }) else { return nil }
            _ = index
            return ConfigProblem(location: stage.location, keyPath: "stages.\(name)",
                                 message: "stages depend on each other in a cycle: \(text)")
        }
    }
}
