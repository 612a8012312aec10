/// A validated pipeline: what data it reads, which stages run in which order, with which options.
///
/// Produced by `PipelineConfig.load(path:overrides:)` after `include:`/`extends:`/`--set` are
/// merged and every key is checked; every default is filled in, every relative path is absolute.
/// The `Encodable` form (snake_case keys, as in the YAML) is what `config.resolved.yaml` holds.
public struct PipelineConfig: Sendable, Hashable, Encodable {
    /// Names the run directory (`runs/<name>`); defaults to the pipeline file's name without extension.
    public var name: String
    /// Seed of every random choice in every stage.
    public var seed: Int
    /// Absolute run directory if the file set `output:` (relative to the current directory); nil means `runs/<name>`.
    public var output: String?
    public var models: ModelPair
    public var data: DataConfig
    /// Stages in the order they were written (execution follows `StageGraph`).
    public var stages: [StageConfig]
    /// Absolute path of the pipeline file.
    public var sourceFile: String
    /// Things validation noticed that do not stop a run (e.g. sweep budgets at or above the
    /// labeled pool), in the same form as problems; `era run` prints them. Not encoded.
    public var notes: [ConfigProblem] = []

    enum CodingKeys: String, CodingKey {
        case name, seed, output, models, data, stages
    }

    /// The stage with this name, if any.
    public func stage(named name: String) -> StageConfig? {
        stages.first { $0.name == name }
    }
}
