import ArgumentParser
import Foundation
import Workflows

extension AlignCommand {
    /// The request of these flags; the target's ids are refused here when it is a store.
    func request(_ settings: AlignSettings) throws -> AlignRequest {
        let target = try targetFlags.source()
        var request = AlignRequest(
            source: source, sourceIds: sourceIds, target: target, settings: settings, seed: seed,
            sourceModel: sourceModel ?? AlignRequest.modelName(source),
            targetModel: targetModel ?? target.modelName)
        request.hybridAlpha = hybrid ? alpha : nil
        return request
    }

    /// The files read, by flag, for the output guard (a store's location is not a file).
    var guardInputs: [OutputGuard.Input] {
        [.init("--source", source)] + (sourceIds.map { [.init("--source-ids", $0)] } ?? [])
            + targetFlags.guardInput("--target")
            + (targetIds.map { [.init("--target-ids", $0)] } ?? [])
    }

    var targetFlags: IndexFlags { IndexFlags(location: target, idsFlag: "--target-ids", ids: targetIds) }

    /// A failure as the CLI tells it: an unreadable input's own error (it names the file or the
    /// store), else the message with each input named by its flag.
    func error(_ failure: AlignRequest.Failure) -> any Error {
        if let cause = failure.unreadableCause { return cause }
        let message = failure.message(naming: flag)
        switch failure.problem {
        case .training: return CommandError("align: \(message)")
        case .notAlignable: return CommandError("align --unpaired: \(message)")
        default: return CommandError(message)
        }
    }

    /// The flag (with its value) that gave the input of `role`.
    func flag(_ role: AlignRequest.Role) -> String {
        switch role {
        case .source: "--source \(source)"
        case .sourceIds: sourceIds.map { "--source-ids \($0)" } ?? "--source-ids"
        case .target: "--target \(target)"
        case .targetIds: targetIds.map { "--target-ids \($0)" } ?? "--target-ids"
        case .sample: training.sample.map { "--sample \($0)" } ?? "--sample"
        case .anchors: training.anchors.map { "--anchors \($0)" } ?? "--anchors"
        case .unpaired: "--unpaired"
        case .settings: "the align options"
        }
    }

    /// One progress line per event worth a person's attention (none with `--quiet`).
    func report(_ event: AlignRequest.Event, epochs: Int, sample: Int?) {
        switch event {
        case .fetched(let store, let kind, let rows, let pages, let missing):
            progress(
                "\(kind == .chroma ? target : store): fetched \(rows) \(kind.item)s by id"
                    + (pages.map { " in \($0) pages" } ?? "")
                    + (missing > 0 ? "; \(missing) ids of \(sourceIds ?? source) are not in the \(kind.container)" : "")
            )
        case .sampled(_, let rows, let pages): progress("\(target): sampled \(rows) records in \(pages) pages")
        case .started(let pairs, let p, let m):
            progress(
                "\(pairs) pairs (ids common to both tables\(sample.map { ", sampled \($0)" } ?? "")), p = \(p), m = \(m)"
            )
        case .training(let event): if let line = AlignWorkflow.describe(event, epochs: epochs) { progress(line) }
        case .unpaired(let event): if let line = AlignWorkflow.describe(event) { progress(line) }
        }
    }
}
