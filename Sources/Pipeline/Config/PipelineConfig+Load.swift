import ConfigDecoding
import Foundation
import Workflows

extension PipelineConfig {
    /// Loads, merges, overrides and validates a pipeline file; reports every problem at once.
    ///
    /// Order: the file and its `extends:`/`include:` files are merged, `overrides` are applied
    /// in order (later wins), then keys, types and stage references are checked, then (when
    /// `checkFiles`) the data files: existence, `.npy` headers, dimensions against each other,
    /// against `models.*.dim` and against the number of ids.
    ///
    /// - Parameters:
    ///   - path: the pipeline file, relative to `currentDirectory` or absolute.
    ///   - overrides: `--set key.path=value` overrides.
    ///   - currentDirectory: base of `path`, of `output:` and of `--set` paths; default: the process's.
    ///   - checkFiles: false skips the file checks (for tools that only read the configuration).
    ///   - files: the cache the checks read the data files through; pass the same one to
    ///     `PipelineRunner` so that a run opens and reads each input file once in all.
    /// - Throws: `ConfigError` with every problem, sorted by file and position.
    public static func load(
        path: String, overrides: [ConfigOverride] = [], currentDirectory: String? = nil,
        checkFiles: Bool = true, files: InputFiles = InputFiles()
    ) throws(ConfigError) -> PipelineConfig {
        let cwd = ConfigPaths.normalize(currentDirectory ?? ConfigPaths.currentDirectory)
        let log = ProblemLog()
        let inOrder = { (problems: [ConfigProblem]) in Self.sorted(problems, overrides: overrides) }
        guard var root = ConfigLoader(currentDirectory: cwd, log: log).loadPipeline(path: path) else {
            throw ConfigError(problems: log.problems)
        }
        for override in overrides {
            if let problem = root.apply(override, currentDirectory: cwd) {
                log.add(problem.location, problem.keyPath, problem.message)
            }
        }
        let absolute = ConfigPaths.absolute(path, relativeTo: cwd)
        let defaultName = ((absolute as NSString).lastPathComponent as NSString).deletingPathExtension
        let decoder = ConfigDecoder(log: log, currentDirectory: cwd)
        guard var config = decoder.decode(root: root, defaultName: defaultName, sourceFile: absolute) else {
            throw ConfigError(problems: inOrder(log.problems))
        }
        do {
            _ = try StageGraph(stages: config.stages)
        } catch {
            log.append(contentsOf: error.problems)
        }
        if checkFiles {
            DataFileChecker(log: log, files: files).check(config)
            let notes = ProblemLog()
            SweepBudgetChecker(log: log, notes: notes, files: files).check(config)
            AdaptFoldsChecker(log: log, files: files).check(config)
            config.notes = inOrder(notes.problems)
        }
        if !log.problems.isEmpty {
            throw ConfigError(problems: inOrder(log.problems))
        }
        return config
    }

    /// Problems grouped by file (files in order of first mention, `overrides`' problems last), then by position.
    static func sorted(_ problems: [ConfigProblem], overrides: [ConfigOverride] = []) -> [ConfigProblem] {
        let sources = Set(overrides.map { "\($0.source) " })
        var fileRank: [String: Int] = [:]
        for problem in problems where fileRank[problem.location.file] == nil {
            let file = problem.location.file
            fileRank[file] = sources.contains { file.hasPrefix($0) } ? Int.max : fileRank.count
        }
        return problems.enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            return (fileRank[x.file]!, x.line, x.column, a.offset) < (fileRank[y.file]!, y.line, y.column, b.offset)
        }.map(\.element)
    }
}
