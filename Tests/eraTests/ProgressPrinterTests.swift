import Foundation
import Pipeline
import Testing

@testable import era

/// What `era run` prints on stderr, fed a fake event sequence.
@Suite struct ProgressPrinterTests {
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [String] = []
        func append(_ text: String) { lock.lock(); parts.append(text); lock.unlock() }
        var text: String { lock.lock(); defer { lock.unlock() }; return parts.joined() }
    }

    /// Adapt as it reports today: the dev curve to 700 of 1000 steps (stopped early), then the
    /// final training counting again from 0 to 825; big input files hashed first.
    static let events: [RunEvent] = {
        var events: [RunEvent] = []
        for file in ["/d/index.npy", "/d/queries.npy"] {
            for done in stride(from: 0, through: 100, by: 5) {
                events.append(.hashing(path: file, done: Int64(done), total: 100))
            }
        }
        events.append(.stageSkipped("align"))
        events.append(.stageStarted("adapt", reason: "not run before"))
        events.append(
            .stageProgress(
                ProgressEvent(stage: "adapt", completed: 0, total: 1000, message: "choosing the number of steps")))
        for step in stride(from: 10, through: 700, by: 10) {
            events.append(
                .stageProgress(ProgressEvent(stage: "adapt", completed: step, total: 1000, message: "step \(step)")))
        }
        for step in stride(from: 0, through: 825, by: 25) {
            events.append(
                .stageProgress(ProgressEvent(stage: "adapt", completed: step, total: 825, message: "final training")))
        }
        events.append(.stageFinished("adapt", seconds: 12.5))
        return events
    }()

    @Test func aLogGetsOneLinePerStageEventAndNoPercentages() {
        let output = Output()
        let printer = ProgressPrinter(interactive: false, write: output.append)
        Self.events.forEach(printer.handle)
        printer.finish()
        #expect(
            output.text == """
                hashing the input files
                align: up to date, skipped
                adapt: running (not run before)
                adapt: done in 12.5 s

                """)
    }

    @Test func theTerminalBarNeverGoesBackwardsAndEndsFull() throws {
        let output = Output()
        let printer = ProgressPrinter(interactive: true, write: output.append)
        Self.events.forEach(printer.handle)
        printer.finish()
        // Each rewrite of the line, up to the newline that a finished stage's line starts with.
        let adaptBars = output.text.components(separatedBy: "\r\u{1B}[2K")
            .map { String($0.prefix { $0 != "\n" }) }.filter { $0.hasPrefix("  adapt:") }
        let percents = adaptBars.compactMap { bar in
            bar.split(separator: " ").last.flatMap { $0.hasSuffix("%") ? Int($0.dropLast()) : nil }
        }
        #expect(percents.count == adaptBars.count && percents.count > 100)
        #expect(zip(percents, percents.dropFirst()).allSatisfy { $0 <= $1 }, "\(percents)")
        #expect(percents.last == 100)
        // The dev curve stopped at 70%; the final training fills the rest, counting its own steps.
        #expect(adaptBars.contains { $0.hasPrefix("  adapt: 0/825 final training  70%") })
        #expect(adaptBars.contains { $0.hasPrefix("  adapt: 400/825 final training  85%") })
        #expect(output.text.hasSuffix("adapt: done in 12.5 s\n"))
    }
}
