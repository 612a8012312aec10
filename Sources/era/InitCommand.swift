import ArgumentParser
import Foundation
import Pipeline

/// `era init DIR`: a data config and a pipeline for a folder of embeddings, ids and qrels.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a data config and a pipeline for a folder of .npy, id and qrels files.",
        discussion: """
            Looks at every .npy table (its shape), id file (its ids) and qrels file (its query and \
            document ids) directly in DIR and recognises which is which: an id file's role from the \
            qrels, a table's from the id file with as many lines as it has rows, each model from the \
            file names and dimensions, the labeled and evaluation qrels from their names. Writes \
            DIR/era-data.yaml (every file, with how it was recognised, and a TODO for what could not \
            be) and DIR/era-pipeline.yaml (align, adapt, evaluate, export on the built-in presets). \
            Paths are relative to DIR, so the pipeline runs from any folder. Never replaces an \
            existing file; with --force, only one era init wrote. Walk-through: docs/your-data.md.

            Example:
              era init my-data/ && era run my-data/era-pipeline.yaml --check
            """
    )

    @Argument(help: "The folder of .npy, id and qrels files.") var folder: String
    @Flag(help: "Replace era-data.yaml and era-pipeline.yaml when era init wrote them (never another file).")
    var force = false

    func run() throws {
        let written: DataFolderInit.Written
        do {
            written = try DataFolderInit.run(folder: URL(fileURLWithPath: folder), force: force)
        } catch let error as InitError {
            throw CommandError(error.description)
        }
        let plan = written.plan
        if let q = plan.queryModel, let d = plan.indexModel {
            print("query model: \(q.token) (\(q.dim)-d); index model: \(d.token) (\(d.dim)-d)")
        }
        print("wrote \(written.data.path)")
        print("wrote \(written.pipeline.path)")
        for todo in plan.todos { print("TODO: \(todo)") }
        print(
            "next: check the models' names in \(DataFolderInit.dataFile), then "
                + "`era run \(written.pipeline.path) --check`")
    }
}
