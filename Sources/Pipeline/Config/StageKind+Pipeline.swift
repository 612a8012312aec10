import Reports

/// The kinds of work a stage can do (declared in Reports, which names them in `metrics.json` and the report).
public typealias StageKind = Reports.StageKind
