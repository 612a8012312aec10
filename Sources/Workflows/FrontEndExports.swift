@_exported import enum Alignment.AdaptDevSplit
@_exported import enum Alignment.AdaptMapKind
// What a front end names of the modules below Workflows, re-exported one declaration at a time so
// that a front end imports Workflows alone: the value types of the settings' flags (stage one's,
// stage two's, unpaired alignment's) and the declarations that make them flags, the library's
// errors a command tells apart, the guard and the atomic writes of every command's output files,
// and the stage-two sweep that `era sweep` and `era bench` still drive themselves.
@_exported import struct Alignment.AdaptNegatives
@_exported import enum Alignment.AdaptSelectionObjective
@_exported import struct Alignment.AdaptSettings
@_exported import enum Alignment.AdaptSweep
@_exported import struct Alignment.AdaptSweepEvaluation
@_exported import struct Alignment.AdaptSweepResult
@_exported import struct Alignment.AlignmentConfiguration
@_exported import enum Alignment.AlignmentError
@_exported import enum Alignment.Centering
@_exported import enum Alignment.MapFamily
@_exported import struct Alignment.ProcrustesSettings
@_exported import struct Alignment.UnpairedSettings
@_exported import enum EmbeddingIO.AtomicFile
@_exported import enum EmbeddingIO.Directories
@_exported import struct EmbeddingIO.OutputGuard
@_exported import enum Retrieval.RetrievalError
@_exported import protocol Settings.DeclaredSettings
@_exported import func Settings.choices
