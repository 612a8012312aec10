import Alignment
import Foundation

extension AdaptRequest {
    /// A failure of stage two, with the role of the input at fault: the CLI names the role by its
    /// flag, the pipeline by its key path, and neither reads the message to find out which input it was.
    public struct Failure: Error, CustomStringConvertible {
        public enum Reason: Sendable {
            /// The input could not be read or opened (a file's, a store's error; it names the file or store).
            case unreadable(any Error)
            /// The input was read but cannot serve: what is wrong with it, for a person.
            case problem(String)
            /// The trainer refused (too few usable labels, a hybrid stage one, a setting).
            case training(AlignmentError)
        }

        public var role: Role
        public var reason: Reason

        public init(role: Role, reason: Reason) {
            self.role = role
            self.reason = reason
        }

        /// The message with each input named as the front end names it (`name(.queries)`:
        /// "--queries q.npy", "data.queries.embeddings").
        public func message(naming name: (Role) -> String) -> String {
            switch reason {
            case .unreadable(let error): "\(name(role)): \(error)"
            case .problem(let text): "\(name(role)): \(text)"
            case .training(let error): "adapt: \(AdaptWorkflow.message(of: error, labels: name(.labels)))"
            }
        }

        public var description: String { message { $0.rawValue } }
    }
}
