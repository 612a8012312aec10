import Alignment
import Foundation
import LinearAlgebra
import Postgres
import Retrieval

/// Hard-negative mining through a pgvector table: the teacher-mapped queries of stage two are
/// searched in the table by inner product, and the returned ids become rows of the table pulled
/// for stage two, which mining scores itself (Alignment's `AdaptCandidateSearch`), as on the
/// Chroma path. Opening the table (``PostgresIndex``) checked that it ranks by inner product on
/// unit-norm rows.
public struct PostgresNegativeSearch: Sendable {
    public let table: PostgresTable
    private let pulled: PulledRows

    /// The search over `table`, whose rows were pulled as rows `corpusIds`.
    public init(table: PostgresTable, corpusIds: [String]) {
        self.table = table
        pulled = PulledRows(corpusIds)
    }

    /// The search for `AdaptProblem.negativeSearch`.
    public var search: AdaptCandidateSearch {
        let name = table.location.description
        return AdaptCandidateSearch(name: name) { [table, pulled] queries, depth in
            try pulled.rows(try table.nearest(queries, k: depth).map(\.ids)) { id in
                PostgresError.badResponse(
                    table: table.location.table, statement: "the search",
                    reason: "returned row \(id), which was not among the rows pulled: the table changed "
                        + "during stage two; run again")
            }
        }
    }
}
