import ArgumentParser
import Foundation
import Workflows

extension AdaptDevSplit: ExpressibleByArgument {}
extension AdaptMapKind: ExpressibleByArgument {}
extension AdaptSelectionObjective: ExpressibleByArgument {}
extension AdaptNegatives.Kind: ExpressibleByArgument {}
extension AdaptFinalMap: ExpressibleByArgument {}

/// Stage two's settings (``AdaptSettings``) as flags (shared by `era adapt` and `era sweep`):
/// names, defaults, ranges and help come from the declarations; a flag left out keeps the
/// library's default. `--constraint` is the older spelling of `--map` (none = linear, with
/// `--rank` low-rank), and `era sweep` takes a comma-separated list of it.
struct AdaptTrainingOptions: ParsableArguments {
    @Option(help: .setting(AdaptSettings.self, "map")) var map: AdaptMapKind?
    @Option(
        help: "Older spelling of --map: none (a linear map; low-rank with --rank) or rotation; era sweep takes a list.")
    var constraint: String?
    @Option(help: .setting(AdaptSettings.self, "rank")) var rank: Int?
    @Option(help: .setting(AdaptSettings.self, "negatives")) var negatives: CommaList<AdaptNegatives.Kind>?
    @Option(help: .setting(AdaptSettings.self, "num_negatives")) var numNegatives: Int?
    @Option(help: .setting(AdaptSettings.self, "hard_pool")) var hardPool: Int?
    @Option(help: .setting(AdaptSettings.self, "false_negative_margin")) var falseNegativeMargin: Double?
    @Option(help: .setting(AdaptSettings.self, "temperature")) var temperature: Double?
    @Option(help: .setting(AdaptSettings.self, "regularization")) var penalty: Double?
    @Option(help: .setting(AdaptSettings.self, "learning_rate")) var learningRate: Double?
    @Option(help: .setting(AdaptSettings.self, "weight_decay")) var weightDecay: Double?
    @Option(help: .setting(AdaptSettings.self, "batch_size")) var batchSize: Int?
    @Option(help: .setting(AdaptSettings.self, "max_steps")) var steps: Int?
    @Option(help: .setting(AdaptSettings.self, "evaluation_interval")) var evalEvery: Int?
    @Option(help: .setting(AdaptSettings.self, "patience")) var patience: Int?
    @Option(help: .setting(AdaptSettings.self, "dev_fraction")) var devFraction: Double?
    @Option(help: .setting(AdaptSettings.self, "min_dev_queries")) var minDevQueries: Int?
    @Option(help: .setting(AdaptSettings.self, "folds")) var folds: Int?
    @Option(help: .setting(AdaptSettings.self, "dev_split")) var devSplit: AdaptDevSplit?
    @Option(help: .setting(AdaptSettings.self, "objective")) var objective: AdaptSelectionObjective?
    @Option(help: .setting(AdaptSettings.self, "alpha")) var alpha: Double?
    @Option(help: .setting(AdaptSettings.self, "alphas")) var alphas: CommaList<Double>?
    @Option(help: .setting(AdaptSettings.self, "penalties")) var penalties: CommaList<Double>?
    @Option(help: .setting(AdaptSettings.self, "interpolations")) var interpolations: CommaList<Double>?
    @Option(help: .setting(AdaptSettings.self, "final_map")) var finalMap: AdaptFinalMap?
    @Option(help: .setting(AdaptSettings.self, "balanced_tolerance")) var balancedTolerance: Double?

    /// The settings of `era adapt`, with `extra` flags (the command's own, e.g. --budget) applied too.
    func settings(extra: Any? = nil) throws -> AdaptSettings {
        let all = try configurations(extra: extra)
        guard all.count == 1 else { throw CommandError("--constraint: give one of none, rotation") }
        return all[0].settings
    }

    /// One configuration per name in `--constraint` (`era sweep` accepts a comma-separated list).
    func configurations(extra: Any? = nil) throws -> [(label: String, settings: AdaptSettings)] {
        let names =
            constraint.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            ?? [nil].compactMap { $0 }
        if constraint != nil, names.isEmpty {
            throw CommandError("--constraint: expected none or rotation, got \"\(constraint ?? "")\"")
        }
        return try (names.isEmpty ? [nil] : names.map(Optional.some)).map { name in
            let settings = try settings(constraint: name, extra: extra)
            let label =
                switch settings.map {
                case .linear: "unconstrained"
                case .rotation: "rotation"
                case .lowRank: "low-rank \(settings.rank)"
                }
            return (label, settings)
        }
    }

    private func settings(constraint: String?, extra: Any?) throws -> AdaptSettings {
        var s = AdaptSettings()
        switch (constraint, rank) {
        case (nil, nil), ("none", nil): s.map = map ?? .linear
        case (nil, _?), ("none", _?): s.map = map ?? .lowRank
        case ("rotation", nil): s.map = .rotation
        case ("rotation", _?):
            throw CommandError("--rank: a low-rank residual cannot be combined with --constraint rotation")
        default: throw CommandError("--constraint: expected none or rotation, got \"\(constraint ?? "")\"")
        }
        let given = flagValues(of: self).filter { $0.flag != "map" } + (extra.map(flagValues(of:)) ?? [])
        // As written, before storing: `--map linear --rank 0` would drop the rank unseen.
        if let (setting, message) = AdaptSettings.problems(written: given).first {
            throw CommandError("--\(setting.flag): \(message)")
        }
        s.apply(flags: given)
        if let rank, let problem = s.problem(ofWrittenRank: rank) {
            throw CommandError("--rank: \(problem.replacingOccurrences(of: "map: low-rank", with: "--map low-rank"))")
        }
        if let (setting, message) = s.problems().first { throw CommandError("--\(setting.flag): \(message)") }
        do { return try s.validated() } catch { throw CommandError("adapt: \(error.description)") }
    }
}

extension ArgumentHelp {
    /// `era adapt --budget`, from its declaration.
    static var adaptBudget: ArgumentHelp { .setting(AdaptSettings.self, "budget") }
}
