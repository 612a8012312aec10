import Foundation
import Workflows

/// Which file of a surveyed folder is which, for `era init`: inferred from shapes, id counts,
/// qrels ids and names, never asked. What cannot be inferred is left as a TODO with the reason.
///
/// - An id file's role comes from the qrels: the one holding the most judged query ids is the
///   query ids, the one holding the most judged document ids the index ids; a third one is the
///   alignment ids. A table belongs to the id file with as many lines as it has rows.
/// - A model is a name token (`queries.mpnet.npy`: `mpnet`), else a dimension. The index model has
///   the document embeddings (the smallest such model when several do: the cheap index one keeps);
///   the query model has queries (and alignment texts) and, preferably, no documents: era exists
///   because its documents were never embedded.
/// - Qrels with `train`/`label` in their name are the labeled ones, `test`/`eval` the evaluation.
package struct DataFolderPlan: Sendable, Hashable {
    package struct Model: Sendable, Hashable {
        package var token: String
        package var dim: Int
    }

    /// A file chosen for a key, and why (a comment in the data config).
    package struct Choice: Sendable, Hashable {
        package var file: String
        package var why: String
    }

    package var name: String
    package var queryModel: Model?
    package var indexModel: Model?
    package var queries: Choice?
    package var queryIds: Choice?
    package var indexQueries: Choice?
    package var index: Choice?
    package var indexIds: Choice?
    package var reEmbeddedIndex: Choice?
    package var alignQuery: Choice?
    package var alignIndex: Choice?
    package var alignIds: Choice?
    package var labeled: Choice?
    package var evaluation: Choice?
    /// What a person must decide, one sentence each.
    package var todos: [String] = []

    private enum Role { case queries, index, alignment }

    package init(_ survey: DataFolderSurvey) {
        name = Self.pipelineName(survey.folder.lastPathComponent)
        let judgedQueries = Set(survey.qrels.flatMap(\.queries))
        let judgedDocuments = Set(survey.qrels.flatMap(\.documents))
        func best(_ files: [DataFolderSurvey.IdFile], _ judged: Set<String>) -> DataFolderSurvey.IdFile? {
            let scored = files.map { ($0, $0.ids.intersection(judged).count) }.filter { $0.1 > 0 }
            return scored.max { $0.1 < $1.1 }?.0
        }
        func named(_ files: [DataFolderSurvey.IdFile], _ words: Set<String>) -> DataFolderSurvey.IdFile? {
            files.first { !Set(DataFolderSurvey.words($0.file)).isDisjoint(with: words) }
        }
        var idFiles = survey.idFiles
        let queryIdFile = best(idFiles, judgedQueries) ?? named(idFiles, ["query", "queries", "qid", "qids"])
        idFiles.removeAll { $0 == queryIdFile }
        let indexIdFile =
            best(idFiles, judgedDocuments) ?? named(idFiles, ["corpus", "index", "doc", "docs", "documents"])
        idFiles.removeAll { $0 == indexIdFile }
        let alignIdFile = named(idFiles, ["align", "alignment", "pairs"]) ?? (idFiles.count == 1 ? idFiles.first : nil)

        let qrelsNote = survey.qrels.isEmpty ? "by its name (no qrels to match)" : nil
        if let queryIdFile {
            queryIds = Choice(
                file: queryIdFile.file,
                why: qrelsNote
                    ?? "\(queryIdFile.count) ids; \(queryIdFile.ids.intersection(judgedQueries).count) of the \(judgedQueries.count) judged queries"
            )
        } else {
            todos.append("no id file holds the qrels' query ids: set data.queries.ids")
        }
        if let indexIdFile {
            indexIds = Choice(
                file: indexIdFile.file,
                why: qrelsNote
                    ?? "\(indexIdFile.count) ids; \(indexIdFile.ids.intersection(judgedDocuments).count) of the \(judgedDocuments.count) judged documents"
            )
        } else {
            todos.append("no id file holds the qrels' document ids: set data.index.ids")
        }
        if let alignIdFile {
            alignIds = Choice(file: alignIdFile.file, why: "\(alignIdFile.count) ids: the alignment texts")
        }

        // Each table's role: the id file with as many lines as it has rows (by name when several do).
        let roleFiles: [(Role, DataFolderSurvey.IdFile?, Set<String>)] = [
            (.queries, queryIdFile, ["query", "queries"]),
            (.index, indexIdFile, ["index", "corpus", "docs", "documents"]),
            (.alignment, alignIdFile, ["align", "alignment", "pairs"]),
        ]
        var roled: [(table: DataFolderSurvey.Table, role: Role)] = []
        for table in survey.tables {
            let fits = roleFiles.filter { $0.1?.count == table.rows }
            let words = Set(DataFolderSurvey.words(table.file))
            let role = fits.count == 1 ? fits[0].0 : fits.first { !$0.2.isDisjoint(with: words) }?.0
            guard let role else {
                todos.append(
                    "\(table.file) (\(table.rows) x \(table.dim)): "
                        + (fits.isEmpty ? "no id file has \(table.rows) lines" : "its rows match several id files")
                        + "; name it under data: yourself if it is needed")
                continue
            }
            roled.append((table, role))
        }
        let tables = Self.models(of: roled)
        func table(_ role: Role, _ model: String?) -> DataFolderSurvey.Table? {
            tables.first { $0.role == role && $0.model == model }?.table
        }
        var dims: [String: Int] = [:]
        for entry in tables { dims[entry.model] = entry.table.dim }
        let modelsWithDocuments = Set(tables.filter { $0.role == .index }.map(\.model))
        let modelsWithQueries = Set(tables.filter { $0.role == .queries }.map(\.model))

        // The index model: the one with document embeddings (the smallest when several have them).
        let indexCandidates = modelsWithDocuments.sorted { (dims[$0]!, $0) < (dims[$1]!, $1) }
        let indexToken = indexCandidates.first
        if indexCandidates.count > 1, let indexToken {
            todos.append(
                "several models have document embeddings (\(indexCandidates.map { "\($0), \(dims[$0]!)-d" }.joined(separator: "; "))): "
                    + "\(indexToken) was taken as the index model ("
                    + (Set(indexCandidates.map { dims[$0]! }).count == 1
                        ? "the first by name: they are the same size"
                        : indexCandidates.filter({ dims[$0] == dims[indexToken] }).count > 1
                            ? "the smallest, and the first by name of those of its size" : "the smallest")
                    + "); if your index is another, "
                    + "replace the \(indexToken) files below by that model's and set models.index.dim")
        }
        // The query model: queries (and alignment texts), preferably no documents, then the largest.
        let queryCandidates = modelsWithQueries.subtracting([indexToken].compactMap { $0 }).sorted { a, b in
            let key = { (m: String) in
                (modelsWithDocuments.contains(m) ? 1 : 0, table(.alignment, m) == nil ? 1 : 0, -dims[m]!, m)
            }
            return key(a) < key(b)
        }
        let queryToken = queryCandidates.first
        if queryCandidates.count > 1, let queryToken {
            todos.append(
                "several models have query embeddings (\(queryCandidates.joined(separator: ", "))): \(queryToken) was taken "
                    + "as the query model (alignment texts, no document embeddings, the largest); to use another, "
                    + "replace the \(queryToken) files below by its files and set models.query.dim")
        }
        if let indexToken { indexModel = Model(token: indexToken, dim: dims[indexToken]!) }
        if let queryToken { queryModel = Model(token: queryToken, dim: dims[queryToken]!) }
        if indexToken == nil { todos.append("no document embeddings matched the index ids: set data.index.embeddings") }
        if queryToken == nil { todos.append("no query embeddings of a second model: set data.queries.embeddings") }

        func choice(_ t: DataFolderSurvey.Table?, _ what: String) -> Choice? {
            t.map { Choice(file: $0.file, why: "\($0.rows) x \($0.dim): \(what)") }
        }
        queries = choice(table(.queries, queryToken), "the queries by the query model")
        indexQueries = choice(table(.queries, indexToken), "the same queries by the index model")
        index = choice(table(.index, indexToken), "the documents by the index model")
        reEmbeddedIndex = choice(table(.index, queryToken), "the documents by the query model (re-embedded baseline)")
        alignQuery = choice(table(.alignment, queryToken), "the alignment texts by the query model")
        alignIndex = choice(table(.alignment, indexToken), "the alignment texts by the index model")
        if alignQuery == nil || alignIndex == nil, let reEmbeddedIndex, let index, let indexIds {
            // No separate alignment texts, but the documents embedded by both models are texts of both.
            alignQuery = Choice(
                file: reEmbeddedIndex.file, why: "the documents by the query model (no other texts of both)")
            alignIndex = Choice(file: index.file, why: "the documents by the index model")
            alignIds = indexIds
        } else if alignQuery == nil || alignIndex == nil {
            alignQuery = nil
            alignIndex = nil
            alignIds = nil
            todos.append(
                "no texts embedded by both models were found: add data.alignment (query_model, index_model, ids), "
                    + "a few thousand of your documents embedded by both (stage one needs no labels)")
        }
        planQrels(survey.qrels)
    }

    /// Each table's model: tables of one dimension are one model (two models of the same
    /// dimension are told apart by their name tokens only when both have a table of the same role).
    /// A model is named by its most frequent name token, else by its dimension (`384-d`).
    private static func models(
        of tables: [(table: DataFolderSurvey.Table, role: Role)]
    ) -> [(table: DataFolderSurvey.Table, role: Role, model: String)] {
        var out: [(table: DataFolderSurvey.Table, role: Role, model: String)] = []
        for dim in Set(tables.map(\.table.dim)).sorted() {
            let group = tables.filter { $0.table.dim == dim }
            var roles: [Role: Int] = [:]
            for entry in group { roles[entry.role, default: 0] += 1 }
            let split = roles.values.contains { $0 > 1 }
            let clusters = split ? Dictionary(grouping: group) { $0.table.modelToken } : ["": group]
            for (token, members) in clusters.sorted(by: { $0.key < $1.key }) {
                let tokens = members.map(\.table.modelToken).filter { !$0.isEmpty }
                let counts = Dictionary(grouping: tokens) { $0 }.mapValues(\.count)
                let named = split ? token : counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
                let model = named.isEmpty ? "\(dim)-d" : named
                out += members.map { ($0.table, $0.role, model) }
            }
        }
        return out
    }

    private mutating func planQrels(_ files: [DataFolderSurvey.QrelsFile]) {
        func has(_ file: DataFolderSurvey.QrelsFile, _ words: Set<String>) -> Bool {
            !Set(DataFolderSurvey.words(file.file)).isDisjoint(with: words)
        }
        let labeledWords: Set<String> = ["train", "training", "labeled", "labelled", "labels", "label"]
        let evaluationWords: Set<String> = ["test", "eval", "evaluation", "heldout", "holdout", "dev", "val"]
        let labeledFile = files.first { has($0, labeledWords) }
        let evaluationFile = files.first { has($0, evaluationWords) && $0 != labeledFile }
        if let labeledFile {
            labeled = Choice(
                file: labeledFile.file,
                why: "by its name: the judgments to learn from (\(labeledFile.queries.count) queries)")
        }
        if let evaluationFile {
            evaluation = Choice(
                file: evaluationFile.file,
                why: "by its name: the held-out judgments (\(evaluationFile.queries.count) queries)")
        }
        let rest = files.filter { $0 != labeledFile && $0 != evaluationFile }
        if labeled == nil || evaluation == nil {
            let names = rest.map(\.file).joined(separator: ", ")
            todos.append(
                "which qrels are the labeled ones (trained on) and which the evaluation ones (held out) cannot be told "
                    + "from the names\(names.isEmpty ? "" : " (\(names))"): set data.qrels.labeled and data.qrels.evaluation"
            )
        }
        if let labeledFile, let evaluationFile, !labeledFile.queries.isDisjoint(with: evaluationFile.queries) {
            let shared = labeledFile.queries.intersection(evaluationFile.queries).count
            todos.append(
                "\(shared) queries are judged in both \(labeledFile.file) and \(evaluationFile.file): keep the "
                    + "evaluation queries out of the labeled ones, or the figures flatter the map")
        }
    }

    /// A pipeline name from a folder name: letters, digits, `-` and `_` (else `my-data`).
    static func pipelineName(_ folder: String) -> String {
        let kept = String(folder.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        let trimmed = kept.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return ExportSettings.isPlainName(trimmed) ? trimmed : "my-data"
    }
}
