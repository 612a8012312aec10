/// Collects problems while a configuration is read, so all of them can be reported at once.
final class ProblemLog {
    private(set) var problems: [ConfigProblem] = []

    func add(_ location: SourceLocation, _ keyPath: String, _ message: String) {
        problems.append(ConfigProblem(location: location, keyPath: keyPath, message: message))
    }

    func append(contentsOf more: [ConfigProblem]) {
        problems += more
    }
}
