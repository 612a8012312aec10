import Foundation
import Testing
import _TestSupport

/// The test process runs OpenBLAS on one thread per call, and the `era` processes it starts
/// inherit that (Tests/_OneBLASThread); without it the suites, which already run side by side,
/// spent a third of their time in the kernel.
@Suite struct TestProcessBLASThreadsTests {
    @Test func theEnvironmentNamesABLASThreadCountForChildProcesses() {
        // Set by the constructor unless the environment set it already; nil means it did not run.
        #expect(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] != nil)
    }

    @Test func openBLASRunsOneThreadWhenTheTestProcessSetIt() throws {
        guard BLASThreads.setToOneAtLoad else { return }  // a count from the environment, or another BLAS
        // dlsym(RTLD_DEFAULT, ...): RTLD_DEFAULT is the null handle in glibc.
        let symbol = try #require(dlsym(nil, "openblas_get_num_threads"))
        let threads = unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)
        #expect(threads() == 1)
    }
}
