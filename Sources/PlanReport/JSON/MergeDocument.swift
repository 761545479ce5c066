import Foundation

/// The `plan merge --format json` document, which is also what a merge run stores: its inputs
/// (paths, weights, sha256 of both files, rank, alpha), method, settings and outcome.
public struct MergeDocument: Sendable {
    /// One input adapter folder.
    public struct Input: Sendable {
        public var path: String
        public var weight: Double
        /// sha256 of `adapter_model.safetensors` and of `adapter_config.json`.
        public var weightsSHA256: String
        public var configSHA256: String
        public var rank: Int
        public var alpha: Double
        public init(path: String, weight: Double, weightsSHA256: String, configSHA256: String, rank: Int, alpha: Double) {
            (self.path, self.weight, self.weightsSHA256, self.configSHA256, self.rank, self.alpha) =
                (path, weight, weightsSHA256, configSHA256, rank, alpha)
        }
    }

    public var method: String
    public var inputs: [Input]
    public var output: String
    // settings
    public var density: Double?
    /// The weights as given (nil = 1 each).
    public var weights: [Double]?
    public var majoritySign: String
    public var svdRank: Int?
    public var seed: UInt64
    // outcome
    public var rank: Int
    public var modules: Int
    public var inputElements: Int
    public var outputElements: Int
    public var seconds: Double
    public var blasCore: String
    public var threads: Int
    public var mergeKernels: String

    public init(
        method: String, inputs: [Input], output: String, density: Double?, weights: [Double]?, majoritySign: String, svdRank: Int?,
        seed: UInt64, rank: Int, modules: Int, inputElements: Int, outputElements: Int, seconds: Double, blasCore: String,
        threads: Int, mergeKernels: String
    ) {
        self.method = method
        self.inputs = inputs
        self.output = output
        self.density = density
        self.weights = weights
        self.majoritySign = majoritySign
        self.svdRank = svdRank
        self.seed = seed
        self.rank = rank
        self.modules = modules
        self.inputElements = inputElements
        self.outputElements = outputElements
        self.seconds = seconds
        self.blasCore = blasCore
        self.threads = threads
        self.mergeKernels = mergeKernels
    }

    /// The merge's own fields (stored as the measurement's details).
    public var details: JSONValue {
        .object([
            ("method", .string(method)),
            ("adapters", .array(inputs.map { .string($0.path) })),
            ("inputs", .array(inputs.map { input in
                .object([
                    ("path", .string(input.path)), ("weight", .number(input.weight)), ("sha256", .string(input.weightsSHA256)),
                    ("config_sha256", .string(input.configSHA256)), ("rank", .number(Double(input.rank))), ("alpha", .number(input.alpha)),
                ])
            })),
            ("output", .string(output)),
            ("density", density.map { .number($0) } ?? .null),
            ("weights", weights.map { .array($0.map { .number($0) }) } ?? .null),
            ("majority_sign", .string(majoritySign)),
            ("svd_rank", svdRank.map { .number(Double($0)) } ?? .null),
            ("seed", RunOutput.seed(seed)),
            ("rank", .number(Double(rank))),
            ("modules", .number(Double(modules))),
            ("input_elements", .number(Double(inputElements))),
            ("output_elements", .number(Double(outputElements))),
            ("seconds", .rounded(seconds)),
            ("blas_core", .string(blasCore)),
            ("threads", .number(Double(threads))),
            ("merge_kernels", .string(mergeKernels)),
        ])
    }

    /// `{"run_id": ID, "merge": details}`: printed by `--format json` and stored with the run.
    public func document(runID: Int64) -> JSONValue {
        .object([("run_id", .number(Double(runID))), ("merge", details)])
    }

    /// The one-line summary `plan merge` prints by default.
    public func summary(runID: Int64) -> String {
        "merged \(inputs.count) adapters with \(method) in \(String(format: "%.3f", seconds)) s: "
            + "\(modules) modules, rank \(rank), \(inputElements) → \(outputElements) elements; "
            + "wrote \(output) (run \(runID), openblas \(blasCore), \(threads) threads, \(mergeKernels) merge kernels)\n"
    }

    /// `--format table`: the summary line, then each input with its weight and sha256.
    public func table(runID: Int64) -> String {
        var table = TextTable(columns: [("input", .left), ("weight", .right), ("rank", .right), ("alpha", .right),
                                        ("sha256 adapter_model.safetensors", .left)])
        for input in inputs {
            table.add([input.path, String(format: "%g", input.weight), "\(input.rank)", String(format: "%g", input.alpha), input.weightsSHA256])
        }
        return summary(runID: runID) + table.rendered() + "\n"
    }
}
