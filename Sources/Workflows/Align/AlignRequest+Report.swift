import Alignment

extension AlignRequest {
    /// An event as a run's stage log tells it, with the run's progress: the store's fetch or sample,
    /// the pairs, the trainer's and the unpaired matching's events (`era align` words its own lines).
    /// - Parameters:
    ///   - event: what happened.
    ///   - name: how the log names an input (a pipeline's key path).
    public func report(_ event: Event, naming name: (Role) -> String) -> EventReport {
        switch event {
        case .fetched(let store, let kind, let rows, let pages, let missing):
            return EventReport(
                line: "\(rows) \(kind.item)s of \(store) fetched by id\(pages.map { " in \($0) pages" } ?? ""); "
                    + "\(missing) ids of \(name(.sourceIds)) not in it")
        case .sampled(let store, let rows, let pages):
            return EventReport(line: "\(rows) records of \(store) sampled in \(pages) pages for unpaired alignment")
        case .started(let pairs, let p, let m):
            return EventReport(
                line: "\(pairs) pairs, p = \(p), m = \(m)",
                progress: .init(
                    completed: 0, total: nil, "warm start (\(settings.warmStart.rawValue)) on \(pairs) pairs"))
        case .training(let event):
            return EventReport(
                line: AlignWorkflow.describe(event, epochs: settings.epochs), progress: progress(of: event))
        case .unpaired(let event):
            let line = AlignWorkflow.describe(event)
            return EventReport(line: line, progress: line.map { .init(completed: 0, total: nil, $0) })
        }
    }

    /// The warm start, then batches in tenths of an epoch (and each epoch's last).
    private func progress(of event: TrainingEvent) -> EventReport.Progress? {
        let epochs = settings.epochs
        switch event {
        case .warmStarted: return .init(completed: 0, total: max(epochs, 1), "warm start done")
        case .batchFinished(let epoch, let batch, let batches, _)
        where batch == batches || batch % max(1, batches / 10) == 0:
            return .init(completed: (epoch - 1) * batches + batch, total: epochs * batches, "epoch \(epoch)/\(epochs)")
        default: return nil
        }
    }
}
