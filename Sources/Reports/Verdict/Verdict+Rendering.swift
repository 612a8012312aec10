import Foundation

extension Verdict {
    /// The front end a verdict line is printed by (each has always worded its heading its own way).
    public enum Form: Sendable { case evaluate, run }

    /// The verdict's line as `era evaluate` (`form: .evaluate`) or `era run` prints it, last where the eye lands.
    public func line(form: Form) -> String {
        switch form {
        case .evaluate:
            let heading =
                question == .upgrade ? "upgrade verdict, can I switch to the new model now? " : "verdict "
            return "\(heading)(against \(reference), \(referenceKind)): \(recommendation)"
        case .run:
            let heading =
                question == .upgrade
                ? "upgrade verdict (can I switch to the new model now? vs \(reference), the index as it was)"
                : "verdict (vs \(reference))"
            return "\(heading): \(recommendation)"
        }
    }

    /// The verdict as `era evaluate --json` writes it.
    public var jsonObject: [String: Any] {
        func fields(_ d: Verdict.Difference?) -> Any {
            d.map { ["delta": $0.delta, "p": $0.p, "ci": $0.ci] as [String: Any] } ?? NSNull()
        }
        var object: [String: Any] = [
            "reference": reference, "best": best, "recommendation": recommendation,
            "decision": decision.rawValue, "metric": metric,
            "all": fields(all), "unseen": fields(unseen),
        ]
        if let question {
            object["question"] = question.rawValue
            object["margin"] = margin ?? NSNull()
            object["retention"] = retention ?? NSNull()
            object["gain_recovered"] = gainRecovered ?? NSNull()
            object["cost"] = fields(cost)
        }
        return object
    }
}
