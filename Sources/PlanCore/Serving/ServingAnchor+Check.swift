import Foundation

extension ServingAnchor {
    /// What the serving model predicts for a published measurement.
    public struct Check: Sendable, Equatable {
        public var anchor: ServingAnchor
        /// The prediction in the metric's unit (a band row: the grid's mean slowdown).
        public var predicted: Double
        /// A band row's predicted slowdowns over its grid, lowest to highest.
        public var predictedRange: ClosedRange<Double>?
        /// The published value (a band row: the band's middle).
        public var published: Double
        /// Rates: predicted / published − 1. Slowdowns: predicted − published (a band row: how far
        /// the predicted range reaches outside the band, 0 inside).
        public var error: Double
        /// The capacity of the row's setup (with its adapters, if any).
        public var capacity: ServingCapacity

        /// Whether `error` is within the row's tolerance (nil: no tolerance).
        public var withinTolerance: Bool? { anchor.tolerance.map { abs(error) <= $0 } }
    }

    /// Predicts this row with the bundled catalog and serving stacks.
    /// - Throws: what the catalog, `ServingStack.named` and `ServingModel` throw.
    public func check(in catalog: Catalog) throws -> Check {
        let model = try catalog.model(self.model)
        let gpu = try catalog.gpu(self.gpu)
        let stack = try ServingStack.named(self.stack)
        func capacity(_ workload: ServingWorkload, _ adapters: ServingAdapters?) throws -> ServingCapacity {
            try ServingModel.capacity(model: model, gpu: gpu, stack: stack, workload: workload, adapters: adapters,
                                      maxMsPerOutputToken: nil, gpusPerReplica: gpusPerReplica)
        }
        func slowdown(_ workload: ServingWorkload) throws -> Double {
            let dense = try capacity(workload, nil).outputTokensPerSecondPerGPU
            return 1 - (try capacity(workload, adapters).outputTokensPerSecondPerGPU) / dense
        }
        let served = try capacity(workload, adapters)
        switch metric {
        case let .outputTokensPerSecondPerGPU(value):
            return rate(served.outputTokensPerSecondPerGPU, value, served)
        case let .prefillTokensPerSecondPerGPU(value):
            return rate(served.prefillTokensPerSecondPerGPU, value, served)
        case let .requestsPerSecondPerReplica(value):
            return rate(served.requestsPerSecondPerReplica, value, served)
        case let .loraSlowdown(value):
            let predicted = try slowdown(workload)
            return Check(anchor: self, predicted: predicted, predictedRange: nil, published: value, error: predicted - value,
                         capacity: served)
        case let .loraSlowdownBand(lower, upper, grid):
            var slowdowns: [Double] = []
            for input in grid {
                for output in grid {
                    slowdowns.append(try slowdown(ServingWorkload(inputTokens: input, outputTokens: output,
                                                                  maxConcurrency: workload.maxConcurrency)))
                }
            }
            let low = slowdowns.min() ?? 0, high = slowdowns.max() ?? 0
            let outside = max(0, lower - low, high - upper)
            return Check(anchor: self, predicted: slowdowns.reduce(0, +) / Double(max(1, slowdowns.count)),
                         predictedRange: low...high, published: (lower + upper) / 2, error: outside, capacity: served)
        }
    }

    func rate(_ predicted: Double, _ published: Double, _ capacity: ServingCapacity) -> Check {
        Check(anchor: self, predicted: predicted, predictedRange: nil, published: published, error: predicted / published - 1,
              capacity: capacity)
    }
}
