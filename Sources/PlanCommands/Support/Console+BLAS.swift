import PlanKernels

extension Console {
    /// Prints the OpenBLAS core warning (generic kernels on an avx512f/avx2 CPU) on stderr.
    static func warnAboutBLASCore() {
        if let warning = BLASInfo.current().coreWarning() { error("plan: \(warning)") }
    }
}
