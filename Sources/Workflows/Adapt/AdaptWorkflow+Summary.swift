import Foundation

extension AdaptWorkflow.Outcome {
    /// The `--json` summary of `era adapt`: the adapter written to `out`, the choice and its dev
    /// figures, the dev curve and the score calibration (or why there is none).
    /// - Parameters:
    ///   - out: the path the adapter was written to.
    ///   - mining: with a store as the index, where hard negatives were searched (requests, seconds).
    public func summaryJSON(out: String, mining: [String: Any]? = nil) throws -> String {
        let r = result
        var object: [String: Any] = [
            "out": out, "labeled_queries": r.labeledQueries.count, "pairs": r.pairs,
            "dev_queries": r.devQueries.reduce(0) { $0 + $1.count }, "folds": r.devQueries.count,
            "selected_steps": r.selectedSteps, "dev_ndcg@10": r.selectedDevNDCG10,
            "stage_one_dev_ndcg@10": r.stageOneDevNDCG10, "seconds": r.seconds,
            "family": r.settings.family.description, "negatives": r.settings.negatives.description,
            "config_hash": r.settings.configurationHash,
            "dev_curve": r.checkpoints.map { ["step": $0.step, "ndcg@10": $0.devNDCG10] as [String: Any] },
        ]
        if let mining { object["mining"] = mining }
        object["score_calibration"] = calibration.calibration?.jsonObject ?? ["note": calibration.note ?? "none"]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
