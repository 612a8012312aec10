import AdapterFormat

/// An input of an evaluation that does not fit the others, named by its role so that each front
/// end names it its own way: `era evaluate` by its flag, the pipeline by its config key path.
public struct EvaluateInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the input is to the evaluation.
    public enum Role: String, Sendable, CaseIterable {
        case queries, queryIds, corpus, corpusIds, qrels, unseenAgainst, indexQueries, reembeddedCorpus, adapter
    }

    /// What is wrong with it.
    public enum Problem: Sendable, Equatable {
        /// Its matrix is `rows x columns` where `expectedRows x expectedColumns` is needed.
        case shape(rows: Int, columns: Int, expectedRows: Int, expectedColumns: Int)
        /// Queries and corpus differ in dimension and no map is given (`.queries`).
        case dimensions(queries: Int, corpus: Int)
        /// A map from `source`-d to `target`-d vectors, for `queries`-d queries and a `corpus`-d index (`.adapter`).
        case adapterDimensions(source: Int, target: Int, queries: Int, corpus: Int)
        /// Only with an index held in files (`.reembeddedCorpus` with a store).
        case needsFileIndex
        /// A hybrid map while the index model is retired, or without the index model's queries.
        case adapter(AdapterInputError)
        /// No query is left to evaluate (Retrieval's reason): the qrels do not use the ids of the inputs.
        case nothingToDo(String)
    }

    public var role: Role
    public var problem: Problem
    /// The map's label for `.adapter` (the adapter's file name, the stage's name).
    public var subject: String?

    public init(_ role: Role, _ problem: Problem, subject: String? = nil) {
        self.role = role
        self.problem = problem
        self.subject = subject
    }

    /// The problem in words, without the input's name (each front end puts its own before it).
    public var detail: String {
        switch problem {
        case let .shape(rows, columns, expectedRows, expectedColumns):
            "is \(rows) x \(columns); expected \(expectedRows) x \(expectedColumns)"
        case let .dimensions(queries, corpus):
            "the queries are \(queries)-d but the index is \(corpus)-d: queries from another model need a map"
        case let .adapterDimensions(source, target, queries, corpus):
            "maps \(source)-d to \(target)-d vectors, but the queries are \(queries)-d and the index is \(corpus)-d"
        case .needsFileIndex: "only with an index held in files"
        case .adapter(let error): "\(error)"
        case .nothingToDo(let reason): "nothing to do: \(reason)"
        }
    }

    public var description: String {
        "\(role.rawValue)\(subject.map { " \($0)" } ?? ""): \(detail)"
    }
}
