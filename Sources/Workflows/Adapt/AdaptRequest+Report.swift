import Alignment

extension AdaptRequest {
    /// An event as a run's stage log tells it, with the run's progress: a pgvector table's pull
    /// (a Chroma collection's pages are not logged), the trainer's events and the store's mining
    /// traffic (`era adapt` words its pulls its own way).
    public func report(_ event: Event) -> EventReport {
        switch event {
        case .pulled(let store, let rows, nil):
            EventReport(
                line:
                    "hard negatives searched through \(store) by inner product (<#>); \(rows) rows pulled by binary COPY"
            )
        case .pulled: EventReport()
        case .training(let event): EventReport(line: AdaptWorkflow.describe(event), progress: progress(of: event))
        case .minedThroughStore(let line, _): EventReport(line: line)
        }
    }

    /// Progress of the dev curve (steps of the longest run), then of the final training.
    private func progress(of event: AdaptEvent) -> EventReport.Progress? {
        let maxSteps = settings.maxSteps
        return switch event {
        case .prepared: .init(completed: 0, total: maxSteps, "choosing the number of steps")
        case .evaluated(let step, _, _): .init(completed: step, total: maxSteps, "step \(step)")
        case .selected(let step, _, _, let foldMaps, _):
            .init(completed: 0, total: step, foldMaps == nil ? "final training" : "fold maps")
        case .finished(let steps, _, _): .init(completed: steps, total: steps, "done")
        case .mined: nil
        }
    }
}
