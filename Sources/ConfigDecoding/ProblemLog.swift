/// Collects problems while a configuration is read, so all of them can be reported at once.
package final class ProblemLog {
    package private(set) var problems: [ConfigProblem] = []

    package init() {}

    package func add(_ location: SourceLocation, _ keyPath: String, _ message: String) {
        problems.append(ConfigProblem(location: location, keyPath: keyPath, message: message))
    }

    package func append(contentsOf more: [ConfigProblem]) {
        problems += more
    }
}
