/// A workflow's failure about one of its inputs, by the input's role: each front end names the
/// role its own way (the CLI by its flag, the pipeline by its key path) and never reads the
/// message to find out which input it was.
public protocol InputFailure: Error {
    associatedtype Role
    var role: Role { get }
    /// The input's own error when it could not be read or opened (it names the file or the store).
    var unreadableCause: (any Error)? { get }
    /// The message with each input named as the front end names it.
    func message(naming name: (Role) -> String) -> String
}

extension AlignRequest.Failure: InputFailure {
    public var unreadableCause: (any Error)? {
        if case .unreadable(let error) = problem { error } else { nil }
    }
}

extension AdaptRequest.Failure: InputFailure {
    public var unreadableCause: (any Error)? {
        if case .unreadable(let error) = reason { error } else { nil }
    }
}

extension EvaluateInputError: InputFailure {
    public var unreadableCause: (any Error)? { nil }

    /// The input named as the front end names it, or a map by its label (`subject`).
    public func message(naming name: (Role) -> String) -> String { "\(subject ?? name(role)): \(detail)" }
}
