import PlanCore
import Testing

/// The mean and 95% t-interval of a few seeds' figures.
struct MeanIntervalTests {
    @Test func intervalIsTheTIntervalAroundTheMean() {
        let m = MeanInterval([0.5, 0.6, 0.7])
        #expect(abs(m.mean - 0.6) < 1e-12 && m.count == 3)
        // s = 0.1, n = 3, t(2) = 4.303: half width 4.303 · 0.1 / √3.
        let half = 4.303 * 0.1 / 3.0.squareRoot()
        #expect(abs(m.lower - (0.6 - half)) < 1e-9 && abs(m.upper - (0.6 + half)) < 1e-9)
        #expect(m.lower <= m.mean && m.mean <= m.upper)
    }

    @Test func oneValueHasAZeroWidthIntervalAndNonFiniteValuesAreSkipped() {
        let one = MeanInterval([0.4])
        #expect(one.mean == 0.4 && one.lower == 0.4 && one.upper == 0.4)
        let mixed = MeanInterval([0.2, .nan, 0.4])
        #expect(abs(mixed.mean - 0.3) < 1e-12 && mixed.count == 2)
        #expect(MeanInterval([]).mean.isNaN && MeanInterval([.nan]).count == 0)
    }

    @Test func quantilesFollowTheTable() {
        #expect(MeanInterval.tQuantile975(degreesOfFreedom: 1) == 12.706)
        #expect(MeanInterval.tQuantile975(degreesOfFreedom: 30) == 2.042)
        // Beyond the table the quantile falls towards the normal 1.96.
        #expect(abs(MeanInterval.tQuantile975(degreesOfFreedom: 120) - 1.98) < 0.002)
        #expect(MeanInterval.tQuantile975(degreesOfFreedom: 0) == .infinity)
    }
}
