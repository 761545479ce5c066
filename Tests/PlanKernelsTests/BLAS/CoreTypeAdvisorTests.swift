import Testing
@testable import PlanKernels

@Suite("OpenBLAS core detection")
struct CoreTypeAdvisorTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let core: String
        let flags: Set<String>
        let fix: String?
        var testDescription: String { "\(core) with \(flags.sorted())" }
    }

    static let rows: [Row] = [
        Row(core: "Prescott", flags: ["sse2", "avx", "avx2", "avx512f"], fix: "OPENBLAS_CORETYPE=SkylakeX"),
        Row(core: "Nehalem", flags: ["sse2", "avx2"], fix: "OPENBLAS_CORETYPE=Haswell"),
        Row(core: "Core2", flags: ["avx2", "fma"], fix: "OPENBLAS_CORETYPE=Haswell"),
        Row(core: "Haswell", flags: ["avx2", "avx512f"], fix: "OPENBLAS_CORETYPE=SkylakeX"),
        Row(core: "SkylakeX", flags: ["avx2", "avx512f"], fix: nil),
        Row(core: "Haswell", flags: ["avx2"], fix: nil),
        Row(core: "Zen", flags: ["avx2"], fix: nil),
        Row(core: "Prescott", flags: ["sse2"], fix: nil),
    ]

    @Test("a generic core on an avx512f / avx2 cpu gets a warning with the exact fix", arguments: rows)
    func warning(_ row: Row) {
        let warning = CoreTypeAdvisor.warning(coreName: row.core, cpuFlags: row.flags)
        if let fix = row.fix {
            #expect(warning?.contains(fix) == true)
            #expect(warning?.contains(row.core) == true)
        } else {
            #expect(warning == nil)
        }
    }

    @Test("cpu flags are read from the flags line of /proc/cpuinfo text")
    func parsesCPUInfo() {
        let text = "processor\t: 0\nmodel name\t: Xeon\nflags\t\t: fpu sse2 avx2 avx512f\nbogomips\t: 4600\n"
        #expect(CPUFlags.parse(cpuinfo: text) == ["fpu", "sse2", "avx2", "avx512f"])
        #expect(CPUFlags.parse(cpuinfo: "") == [])
    }

    @Test("BLASInfo reports the linked OpenBLAS")
    func blasInfo() {
        let info = BLASInfo.current()
        #expect(!info.coreName.isEmpty)
        #expect(info.threads >= 1)
        #expect(info.config.contains("OpenBLAS"))
    }
}
