extension StageRegistry {
    /// The stage implementations compiled into this build of era, by kind.
    ///
    /// A kind missing here makes `PipelineRunner` refuse a pipeline that uses it, naming the
    /// stages, before any work; `era run --check` still validates such a pipeline fully.
    public static var builtIn: StageRegistry {
        StageRegistry([
            .align: AlignStage(), .adapt: AdaptStage(), .evaluate: EvaluateStage(), .sweep: SweepStage(),
            .export: ExportStage(),
        ])
    }
}
