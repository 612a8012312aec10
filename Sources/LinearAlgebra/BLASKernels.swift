#if canImport(Glibc)
import Glibc
#endif

/// Which kernels OpenBLAS runs, and which this CPU could run.
///
/// OpenBLAS built for many CPUs (Debian's, `DYNAMIC_ARCH`) picks its kernels once, when it loads,
/// from the CPU's family and model. A CPU newer than the OpenBLAS build is not in its table, and
/// it falls back to its oldest x86-64 kernels, Prescott (SSE3): Debian 12's OpenBLAS 0.3.21 does so
/// on a 5th-generation Xeon (family 6, model 207), where every product then runs 2.5 to 3 times
/// slower than the AVX-512 kernels the CPU can run (docs/benchmarks.md, "BLAS kernels"). The
/// environment variable `OPENBLAS_CORETYPE` overrides the choice, but only before OpenBLAS loads,
/// so the `era` command restarts itself with it set (``recommendedCoreType(coreName:cpuFlags:environment:)``
/// says when).
public enum BLASKernels {
    /// OpenBLAS's name for the kernels it runs (`openblas_get_corename`), nil when the BLAS is not
    /// OpenBLAS.
    public static var coreName: String? {
        #if canImport(Glibc)
        // dlsym(RTLD_DEFAULT, ...): the null handle in glibc.
        guard let symbol = dlsym(nil, "openblas_get_corename") else { return nil }
        let corename = unsafeBitCast(symbol, to: (@convention(c) () -> UnsafePointer<CChar>?).self)
        return corename().map { String(cString: $0) }
        #else
        return nil
        #endif
    }

    /// The kernel's CPU feature flags (the `flags` line of /proc/cpuinfo), empty where there is none.
    /// The kernel lists AVX-512 only when it saves the AVX-512 registers, so a listed flag is usable.
    public static var cpuFlags: Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// OpenBLAS kernels that already use AVX2 and FMA or better (lowercased core names).
    static let vectorCores: Set<String> = [
        "haswell", "zen", "skylakex", "cooperlake", "sapphirerapids", "excavator",
    ]

    /// The `OPENBLAS_CORETYPE` to restart with, or nil to run as it is.
    ///
    /// Nil when the environment names a core type already (the user's choice, or a restart that
    /// happened), when the BLAS is not OpenBLAS (`coreName` nil), when OpenBLAS runs AVX2 kernels or
    /// better, or when the CPU lacks AVX2 and FMA. Otherwise `SkylakeX` where the CPU has AVX-512
    /// (F, BW, VL, DQ and CD, what those kernels use), else `Haswell`.
    ///
    /// `cpuFlags` is read only when the environment and the kernels leave the choice open, so that
    /// a process on a CPU OpenBLAS knows does not read /proc/cpuinfo at start.
    ///
    /// - Complexity: O(number of flags).
    public static func recommendedCoreType(
        coreName: String?, cpuFlags: @autoclosure () -> Set<String>, environment: [String: String]
    ) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, let coreName, !vectorCores.contains(coreName.lowercased())
        else { return nil }
        let flags = cpuFlags()
        guard flags.isSuperset(of: ["avx2", "fma"]) else { return nil }
        let avx512: Set<String> = ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]
        return flags.isSuperset(of: avx512) ? "SkylakeX" : "Haswell"
    }
}
