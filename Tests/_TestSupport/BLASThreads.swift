import _OneBLASThread

/// The test process runs BLAS on one thread per call (see Tests/_OneBLASThread): the suites
/// already share the cores among themselves.
public enum BLASThreads {
    /// Whether the test process set OpenBLAS to one thread when it loaded (false when the
    /// environment already named a thread count, or the BLAS is not OpenBLAS).
    public static var setToOneAtLoad: Bool { era_tests_blas_threads_set() == 1 }
}
