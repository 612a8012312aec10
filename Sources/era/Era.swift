import ArgumentParser

@main
struct Era: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "era",
        abstract: "Map a stronger query model into an existing vector index's embedding space.",
        subcommands: []
    )
}
