import Workflows

// The library's names this module uses, through Workflows (`FrontEnd`): the CLI imports no module below it.
typealias Adapter = FrontEnd.Adapter
typealias AdapterInputError = FrontEnd.AdapterInputError
typealias EraVersion = FrontEnd.EraVersion
typealias SentenceTransformersExport = FrontEnd.SentenceTransformersExport
typealias AdaptDevSplit = FrontEnd.AdaptDevSplit
typealias AdaptMapKind = FrontEnd.AdaptMapKind
typealias AdaptNegatives = FrontEnd.AdaptNegatives
typealias AdaptSelectionObjective = FrontEnd.AdaptSelectionObjective
typealias AdaptFinalMap = FrontEnd.AdaptFinalMap
typealias AdaptSettings = FrontEnd.AdaptSettings
typealias AdaptSweep = FrontEnd.AdaptSweep
typealias AdaptSweepEvaluation = FrontEnd.AdaptSweepEvaluation
typealias AdaptSweepResult = FrontEnd.AdaptSweepResult
typealias AlignmentConfiguration = FrontEnd.AlignmentConfiguration
typealias AlignmentError = FrontEnd.AlignmentError
typealias Centering = FrontEnd.Centering
typealias MapFamily = FrontEnd.MapFamily
typealias ProcrustesSettings = FrontEnd.ProcrustesSettings
typealias UnpairedSettings = FrontEnd.UnpairedSettings
typealias AtomicFile = FrontEnd.AtomicFile
typealias Verdict = FrontEnd.Verdict
typealias Directories = FrontEnd.Directories
typealias OutputGuard = FrontEnd.OutputGuard
typealias RetrievalError = FrontEnd.RetrievalError
typealias DeclaredSettings = FrontEnd.DeclaredSettings

func choices<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> String where E.RawValue == String {
    FrontEnd.choices(type)
}
