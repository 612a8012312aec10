// What a front end names of the modules below Workflows, re-exported so that a front end imports
// Workflows alone: the value types of stage one's flags, and the guard and the atomic writes of
// every command's output files.
@_exported import struct Alignment.AlignmentConfiguration
@_exported import enum Alignment.Centering
@_exported import enum Alignment.MapFamily
@_exported import struct Alignment.ProcrustesSettings
@_exported import enum EmbeddingIO.AtomicFile
@_exported import struct EmbeddingIO.OutputGuard
