import Foundation
import LinearAlgebra

/// The `era` command's first step: run OpenBLAS's fast kernels where OpenBLAS did not recognise
/// the CPU (`BLASKernels` in LinearAlgebra).
public enum BLASKernelRestart {
    /// Set in the restarted process to the kernels OpenBLAS chose first, so that it can be reported.
    public static let detectedVariable = "ERA_OPENBLAS_DETECTED_CORE"

    /// Replaces this process by the same executable with the same arguments and
    /// `OPENBLAS_CORETYPE` set, when `BLASKernels.recommendedCoreType(coreName:cpuFlags:environment:)`
    /// names a core type; returns when it does not, or when the restart fails (the process then runs
    /// on as it is, with its environment as it was). Call it before any other work: nothing that
    /// came before survives the restart.
    ///
    /// `OPENBLAS_CORETYPE`, set by the user to any value, turns this off (`OPENBLAS_CORETYPE=Prescott`
    /// keeps OpenBLAS's own choice on such a CPU).
    public static func restartIfOpenBLASMisdetectedTheCPU() {
        #if os(Linux)
        let detected = BLASKernels.coreName
        guard
            let core = BLASKernels.recommendedCoreType(
                coreName: detected, cpuFlags: BLASKernels.cpuFlags, environment: ProcessInfo.processInfo.environment)
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(detectedVariable, detected ?? "", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(detectedVariable)
        #endif
    }

    /// The kernels OpenBLAS runs, and, when this process is the restart, the ones OpenBLAS chose
    /// itself; nil for another BLAS.
    public static var kernels: (running: String, openBLASChose: String?)? {
        guard let core = BLASKernels.coreName else { return nil }
        let environment = ProcessInfo.processInfo.environment
        let restarted = environment["OPENBLAS_CORETYPE"] != nil ? environment[detectedVariable] : nil
        return (core, restarted)
    }

    /// "OpenBLAS kernels: SkylakeX (era chose them; OpenBLAS chose Prescott)", for benchmarks' text.
    public static var kernelsDescription: String? {
        kernels.map { k in
            "OpenBLAS kernels: \(k.running)" + (k.openBLASChose.map { " (era chose them; OpenBLAS chose \($0))" } ?? "")
        }
    }
}
