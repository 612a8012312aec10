import AdapterFormat
import Alignment
import EmbeddingIO
import Reports
import Retrieval
import Settings

/// What a front end names of the modules below Workflows, so that it imports Workflows alone: the
/// value types of the settings' flags (stage one's, stage two's, unpaired alignment's) and the
/// declarations that make them flags, the library's errors a command tells apart, the guard and
/// the atomic writes of every command's output files, and the stage-two sweep's inputs and results
/// that `era sweep` names. Aliases, not re-exports: the types stay documented where they are declared.
public enum FrontEnd {
    public typealias Adapter = AdapterFormat.Adapter
    public typealias AdapterInputError = AdapterFormat.AdapterInputError
    public typealias EraVersion = AdapterFormat.EraVersion
    public typealias SentenceTransformersExport = AdapterFormat.SentenceTransformersExport
    public typealias AdaptDevSplit = Alignment.AdaptDevSplit
    public typealias AdaptMapKind = Alignment.AdaptMapKind
    public typealias AdaptNegatives = Alignment.AdaptNegatives
    public typealias AdaptSelectionObjective = Alignment.AdaptSelectionObjective
    public typealias AdaptFinalMap = Alignment.AdaptFinalMap
    public typealias AdaptSettings = Alignment.AdaptSettings
    public typealias AdaptSweep = Alignment.AdaptSweep
    public typealias AdaptSweepEvaluation = Alignment.AdaptSweepEvaluation
    public typealias AdaptSweepResult = Alignment.AdaptSweepResult
    public typealias AlignmentConfiguration = Alignment.AlignmentConfiguration
    public typealias AlignmentError = Alignment.AlignmentError
    public typealias Centering = Alignment.Centering
    public typealias MapFamily = Alignment.MapFamily
    public typealias ProcrustesSettings = Alignment.ProcrustesSettings
    public typealias UnpairedSettings = Alignment.UnpairedSettings
    public typealias AtomicFile = EmbeddingIO.AtomicFile
    public typealias Verdict = Reports.Verdict
    public typealias Directories = EmbeddingIO.Directories
    public typealias OutputGuard = EmbeddingIO.OutputGuard
    public typealias RetrievalError = Retrieval.RetrievalError
    public typealias DeclaredSettings = Settings.DeclaredSettings

    /// "one of a, b, c" for an enumeration's raw values, as a declaration's expectation reads.
    public static func choices<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> String
    where E.RawValue == String {
        Settings.choices(type)
    }
}
