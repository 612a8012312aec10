import Workflows

// Typed options of each stage kind. Defaults here are the documented defaults (docs/pipelines.md);
// the stage implementations own their meaning and may refine the values.

/// Options of stage one (`kind: align`): Workflows' `AlignSettings`, every key declared there.
public typealias AlignOptions = AlignSettings
