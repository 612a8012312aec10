import EmbeddingIO
import Foundation
import Retrieval

/// What `era init` reads in a folder of data files: each `.npy` table's shape, each id file's ids
/// and each qrels file's query and document ids. Headers and ids only: no table is loaded.
package struct DataFolderSurvey: Sendable {
    /// A 2-D `.npy` table: its rows, its columns, and the model its name suggests.
    package struct Table: Sendable, Hashable {
        package var file: String
        package var rows: Int
        package var dim: Int
        /// The file name without its role words (`queries.mpnet.npy` -> `mpnet`); empty when none is left.
        package var modelToken: String
    }

    /// An id file (one id a line).
    package struct IdFile: Sendable, Hashable {
        package var file: String
        package var ids: Set<String>
        package var count: Int
    }

    /// A qrels file (BEIR TSV with its header, or TREC).
    package struct QrelsFile: Sendable, Hashable {
        package var file: String
        package var queries: Set<String>
        package var documents: Set<String>
    }

    package var folder: URL
    package var tables: [Table] = []
    package var idFiles: [IdFile] = []
    package var qrels: [QrelsFile] = []
    /// Files of a data kind that could not be read as one, with the reason (`notes.txt: ...`).
    package var unreadable: [String] = []

    /// Words of a file name that say a file's role, not its model.
    static let roleWords: Set<String> = [
        "align", "alignment", "aligned", "pairs", "pair", "index", "corpus", "docs", "doc", "documents", "document",
        "queries", "query", "embeddings", "embedding", "emb", "vectors", "vecs", "npy", "ids", "id", "train", "test",
    ]
    /// Extensions of the text files looked at (ids and qrels).
    static let textExtensions: Set<String> = ["txt", "tsv", "ids", "qrels", "trec", ""]

    /// Reads every data file directly in `folder` (not in subfolders), in name order.
    /// - Throws: when the folder cannot be listed.
    package static func scan(_ folder: URL, skipping written: Set<String> = []) throws -> DataFolderSurvey {
        var survey = DataFolderSurvey(folder: folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for name in names where !name.hasPrefix(".") && !written.contains(name) {
            let url = folder.appendingPathComponent(name)
            let ext = url.pathExtension.lowercased()
            guard ext == "npy" || textExtensions.contains(ext) else { continue }
            // Regular files only (links followed): a FIFO or a device would block the read.
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    survey.unreadable.append("\(name): not a regular file")
                }
                continue
            }
            if ext == "npy" {
                do {
                    let header = try Npy.readHeader(url)
                    guard header.shape.count == 2 else {
                        survey.unreadable.append(
                            "\(name): \(header.shape.count)-D, era reads 2-D tables [rows, columns]")
                        continue
                    }
                    survey.tables.append(
                        Table(file: name, rows: header.shape[0], dim: header.shape[1], modelToken: modelToken(name)))
                } catch {
                    survey.unreadable.append("\(name): \(error)")
                }
            } else if textExtensions.contains(ext) {
                survey.readText(name, url)
            }
        }
        return survey
    }

    /// An id file when every line is one word, else a qrels file; neither is noted as unreadable.
    private mutating func readText(_ name: String, _ url: URL) {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            unreadable.append("\(name): cannot be opened for reading")
            return
        }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        try? handle.close()
        let firstLine = String(decoding: head.prefix { $0 != 0x0A }, as: UTF8.self)
        if firstLine.contains("\t") || firstLine.trimmingCharacters(in: .whitespaces).contains(" ") {
            do {
                let read = try Qrels.read(url)
                qrels.append(
                    QrelsFile(
                        file: name, queries: Set(read.judgments.keys),
                        documents: Set(read.judgments.values.flatMap(\.keys))))
            } catch {
                unreadable.append("\(name): neither ids (one a line) nor qrels: \(error)")
            }
        } else {
            do {
                let ids = try IdList.read(url)
                if !ids.isEmpty { idFiles.append(IdFile(file: name, ids: Set(ids), count: ids.count)) }
            } catch {
                unreadable.append("\(name): \(error)")
            }
        }
    }

    /// `queries.mpnet.npy` -> `mpnet`, `queries.query-model.npy` -> `query-model`, `corpus.npy` -> ``:
    /// the dot-separated parts of the name that are not all role words.
    static func modelToken(_ name: String) -> String {
        let stem = (name as NSString).deletingPathExtension
        return stem.split(separator: ".").filter { part in
            !words(String(part)).allSatisfy(roleWords.contains)
        }.joined(separator: ".")
    }

    /// The lowercased words of a file name (split at `.`, `_`, `-` and spaces).
    static func words(_ name: String) -> [String] {
        name.lowercased().split(whereSeparator: { ".-_ ".contains($0) }).map(String.init)
    }
}
