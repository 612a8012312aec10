import Alignment
import Foundation

/// Hard-negative mining through a store, when its ranking can stand for the inner product.
public struct StoreMining {
    /// nil: mining searches the pulled rows exactly (`reason` says why).
    public var search: AdaptCandidateSearch?
    public var reason: String?
    /// Starts counting the store's traffic; the result tells, after mining took `seconds`, one line
    /// for the log and the figures for a summary (nil: the store reports none).
    public var traffic: (() -> (_ seconds: Double) -> (line: String, summary: [String: Any]))?
}
