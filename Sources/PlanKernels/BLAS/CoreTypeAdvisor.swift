/// Detects OpenBLAS running generic kernels on a CPU that supports faster ones.
///
/// Debian's OpenBLAS 0.3.21 does not recognise recent Xeons and falls back to "Prescott" kernels,
/// 4–5× slower. The fix is `OPENBLAS_CORETYPE`, which must be set before the process starts; this
/// type only advises and never sets it.
public enum CoreTypeAdvisor {
    /// Cores whose kernels use AVX-512.
    static let avx512Cores: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]
    /// Cores whose kernels use at least AVX2.
    static let avx2Cores: Set<String> = avx512Cores.union(["haswell", "zen"])

    /// The `OPENBLAS_CORETYPE` value that fits the CPU flags, or nil when neither avx512f nor avx2 is present.
    public static func recommendedCore(cpuFlags: Set<String>) -> String? {
        if cpuFlags.contains("avx512f") { return "SkylakeX" }
        if cpuFlags.contains("avx2") { return "Haswell" }
        return nil
    }

    /// A one-line warning when `coreName` does not exploit the CPU's vector units, else nil.
    public static func warning(coreName: String, cpuFlags: Set<String>) -> String? {
        guard let recommended = recommendedCore(cpuFlags: cpuFlags) else { return nil }
        let core = coreName.lowercased()
        let fits = recommended == "SkylakeX" ? avx512Cores.contains(core) : avx2Cores.contains(core)
        guard !fits else { return nil }
        let flag = recommended == "SkylakeX" ? "avx512f" : "avx2"
        return "warning: openblas uses the '\(coreName)' kernels on a cpu with \(flag); blas runs several times "
            + "slower than it could. fix: start plan with OPENBLAS_CORETYPE=\(recommended) in the environment, "
            + "e.g. `OPENBLAS_CORETYPE=\(recommended) plan ...`"
    }
}
