import Reports

extension RunReport {
    /// The report of a run of `config`: its name, seed and models head the report.
    public init(config: PipelineConfig, metrics: RunMetrics, eraVersion: String, configHash: String) {
        self.init(
            heading: Heading(
                name: config.name, seed: config.seed, queryModel: config.models.query.name,
                indexModel: config.models.index.name),
            metrics: metrics, eraVersion: eraVersion, configHash: configHash)
    }
}
