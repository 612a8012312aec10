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
    /// - Complexity: O((n + e) log n) for n stages and e dependencies: Kahn's algorithm with the
    ///   ready stages in a heap keyed by written position, which yields the same order as
    ///   "repeatedly place the first written stage whose dependencies are placed" (the quadratic
    ///   rule this replaces made `--check` of 200,000 stages take over a minute).
    public init(stages: [StageConfig]) throws(ConfigError) {
        var dependencies: [String: [String]] = [:]
        for stage in stages { dependencies[stage.name] = stage.dependencies }
        // A stage name written twice keeps its first position (the decoder refuses duplicates).
        var position: [String: Int] = [:]
        for (index, stage) in stages.enumerated() where position[stage.name] == nil { position[stage.name] = index }
        var waitingOn = [Int](repeating: 0, count: stages.count)
        var dependents = [[Int]](repeating: [], count: stages.count)
        for (index, stage) in stages.enumerated() {
            // Unknown names are not waited on (the decoder reports them); each name counts once.
            for name in Set(stage.dependencies) {
                guard let dependency = position[name] else { continue }
                waitingOn[index] += 1
                // A stage that depends on itself is never ready: it is reported as a cycle.
                if dependency != index { dependents[dependency].append(index) }
            }
        }
        var ready = MinHeap()
        for index in stages.indices where waitingOn[index] == 0 { ready.push(index) }
        var placed: [String] = []
        placed.reserveCapacity(stages.count)
        var isPlaced = [Bool](repeating: false, count: stages.count)
        while let index = ready.pop() {
            placed.append(stages[index].name)
            isPlaced[index] = true
            for dependent in dependents[index] {
                waitingOn[dependent] -= 1
                if waitingOn[dependent] == 0 { ready.push(dependent) }
            }
        }
        if placed.count < stages.count {
            let remaining = stages.indices.filter { !isPlaced[$0] }.map { stages[$0] }
            throw ConfigError(problems: Self.cycleProblems(remaining))
        }
        self.order = placed
        self.dependencies = dependencies
    }

    /// A binary min-heap of stage positions.
    private struct MinHeap {
        private var items: [Int] = []

        mutating func push(_ value: Int) {
            items.append(value)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard items[child] < items[parent] else { break }
                items.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> Int? {
            guard let top = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var smallest = parent
                    if left < items.count, items[left] < items[smallest] { smallest = left }
                    if right < items.count, items[right] < items[smallest] { smallest = right }
                    guard smallest != parent else { break }
                    items.swapAt(parent, smallest)
                    parent = smallest
                }
            }
            return top
        }
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
        var onPath = Set<String>()
        var current = remaining[0].name
        while onPath.insert(current).inserted {
            path.append(current)
            guard let next = byName[current]?.dependencies.first(where: { byName[$0] != nil }) else { break }
            current = next
        }
        let cycle = Array(path[(path.firstIndex(of: current) ?? 0)...])
        let text = (cycle.reversed() + [cycle.last!]).joined(separator: " -> ")
        return cycle.compactMap { name in
            guard let stage = byName[name] else { return nil }
            return ConfigProblem(
                location: stage.location, keyPath: "stages.\(name)",
                message: "stages depend on each other in a cycle: \(text)")
        }
    }
}
