import Alignment
import Foundation

extension AlignRequest {
    /// A failure of stage one, with the role of the input at fault: the CLI names the role by its
    /// flag, the pipeline by its key path, and neither reads the message to find out which input it was.
    public struct Failure: Error, CustomStringConvertible {
        public enum Problem: Sendable {
            /// The input could not be read or opened (a file's, a store's error; it names the file or store).
            case unreadable(any Error)
            /// Paired rows need the ids of this side (`.sourceIds`, `.targetIds`).
            case missingIds
            /// Ids given for a store, whose records carry their own (`.targetIds`).
            case storeCarriesIds(StoreKind)
            /// No id of the source is among the target's (`unpaired`: none to anchor the matching).
            case noCommonIds(unpaired: Bool)
            /// No id of the source is a record of the store.
            case notInStore(StoreKind)
            /// Unpaired, a sample is drawn only of a collection's records; every row of a file takes part.
            case sampleOfFiles
            /// Unpaired samples a Chroma collection's records, not a pgvector table's.
            case unpairedTable
            /// Anchors are ids common to both lists, and one side has none.
            case anchorsWithoutIds
            /// The sample holds no text.
            case emptySample
            /// A row holds NaN or infinity (`what` names it).
            case nonFinite(String)
            /// The trainer refused its settings or data.
            case training(AlignmentError)
            /// Unpaired: the two sets cannot be told from the null problem; no map is written.
            case notAlignable(UnpairedResult)
        }

        public var role: Role
        public var problem: Problem

        public init(role: Role, problem: Problem) {
            self.role = role
            self.problem = problem
        }

        /// The workflow's failure, by the input it is about.
        init(_ failure: AlignWorkflow.Failure, unpaired: Bool) {
            switch failure {
            case .noCommonIds: self.init(role: .sourceIds, problem: .noCommonIds(unpaired: unpaired))
            case .emptySample: self.init(role: .sample, problem: .emptySample)
            case .nonFinite(let side, let what):
                self.init(role: side == "source" ? .source : .target, problem: .nonFinite(what))
            case .training(let error): self.init(role: .settings, problem: .training(error))
            case .notAlignable(let result): self.init(role: .target, problem: .notAlignable(result))
            }
        }

        /// The message with each input named as the front end names it (`name(.target)`:
        /// "--target t.npy", "data.alignment.index_model").
        public func message(naming name: (Role) -> String) -> String {
            switch problem {
            case .unreadable(let error): "\(name(role)): \(error)"
            case .missingIds:
                "\(name(role)): give the ids of the rows of \(name(role == .sourceIds ? .source : .target))"
                    + (role == .sourceIds ? " (or \(name(.unpaired)))" : "")
            case .storeCarriesIds(let kind):
                "\(name(role)): not used with \(kind.records) carry their ids); leave it out"
            case .noCommonIds(let unpaired):
                "no id of \(name(.sourceIds)) appears in \(name(.targetIds)): "
                    + (unpaired ? "no anchors to seed the matching (leave \(name(.anchors)) out)" : "nothing to align")
            case .notInStore(let kind):
                "no id of \(name(.sourceIds)) is a \(kind.item) of \(name(.target)): nothing to align"
            case .sampleOfFiles:
                "\(name(role)): with \(name(.unpaired)), only a Chroma collection's records are sampled; every row of "
                    + "\(name(.target)) takes part"
            case .unpairedTable:
                "\(name(role)): \(name(.unpaired)) samples a Chroma collection's records, not a pgvector table's: "
                    + "give the index model's vectors of the alignment texts as a file"
            case .anchorsWithoutIds:
                "\(name(role)): give \(name(.sourceIds)) and \(name(.targetIds)) (the anchors are ids common to both)"
            case .emptySample: "\(name(role)): the sample is empty; give a positive number of texts"
            case .nonFinite(let what): "\(name(role)): \(what) contains NaN or infinity"
            case .training(let error): error.description
            case .notAlignable(let result): AlignWorkflow.refusal(result)
            }
        }

        public var description: String { message { $0.rawValue } }
    }
}
