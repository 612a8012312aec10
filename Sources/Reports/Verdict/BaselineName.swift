/// The names of the rows scored before the maps, as tables, verdicts and `metrics.json` spell them.
public enum BaselineName {
    /// The row of the index model's own queries: the index as it is (as it was, once the model is retired).
    public static let indexAsIs = "index-as-is"
    /// The row of the query model's queries against the corpus re-embedded by the query model.
    public static let reEmbedded = "re-embedded"
}
