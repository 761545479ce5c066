/// The `plan validate --format json` document (DESIGN §8: `jobs`, `median_abs_error`,
/// `max_abs_error`, `savings_predicted`, `savings_measured`) plus losses, quality, pretraining,
/// BLAS core, threads, build, background load, the step-calibration rounds and the calibrated
/// rates; and the details stored with each job's measurement row.
public enum ValidationDocument {
    public static func make(runID: Int64, _ r: ValidationView) -> JSONValue {
        .object([
            ("run_id", .number(Double(runID))), ("setup", .string(r.setup)),
            ("jobs", .array(r.jobs.map { job in
                .object([
                    ("name", .string(job.name)), ("kind", .string(job.kind)), ("predicted_s", .rounded(job.predictedSeconds, digits: 4)),
                    ("measured_s", .rounded(job.measuredSeconds, digits: 4)), ("relative_error", .rounded(job.relativeError, digits: 4)),
                    ("units", .number(Double(job.units))), ("background_load", job.backgroundLoad.map { .rounded($0, digits: 3) } ?? .null),
                ])
            })),
            ("median_abs_error", .rounded(r.medianAbsError, digits: 4)), ("max_abs_error", .rounded(r.maxAbsError, digits: 4)),
            ("savings_predicted", .rounded(r.savingsPredicted, digits: 4)), ("savings_measured", .rounded(r.savingsMeasured, digits: 4)),
            ("losses", .array(r.losses.map { loss in
                .object([
                    ("language", .string(loss.language)), ("base", .rounded(loss.base, digits: 4)),
                    ("combined", .rounded(loss.combined, digits: 4)), ("merged", .rounded(loss.merged, digits: 4)),
                    ("single", .rounded(loss.single, digits: 4)),
                ])
            })),
            ("languages", .array(r.languages.map { .string($0) })),
            ("pretraining", .object([
                ("steps", .number(Double(r.pretraining.steps))), ("seconds", .rounded(r.pretraining.seconds, digits: 4)),
                ("reused", .bool(r.pretraining.reused)), ("random_loss", .rounded(r.pretraining.randomLoss, digits: 4)),
                ("pretrained_loss", .rounded(r.pretraining.pretrainedLoss, digits: 4)),
            ])),
            ("quality", .array(r.quality.map { row in
                .object([
                    ("model", .string(row.model)), ("method", row.method.map { .string($0) } ?? .null),
                    ("density", row.density.map { .rounded($0, digits: 4) } ?? .null),
                    ("scores", .array(zip(r.languages, zip(row.losses, row.accuracies)).map { language, score in
                        .object([
                            ("language", .string(language)), ("loss", .rounded(score.0, digits: 4)), ("accuracy", .rounded(score.1, digits: 4)),
                        ])
                    })),
                ])
            })),
            ("blas_core", .string(r.blasCore)), ("threads", .number(Double(r.threads))), ("build", .string(r.build)),
            ("seconds", .rounded(r.seconds, digits: 4)), ("background_load", r.backgroundLoad.map { .rounded($0, digits: 3) } ?? .null),
            ("step_calibration", .object([
                ("sequences_per_step", .array(r.stepSizes.map { .number(Double($0)) })),
                ("rounds_seconds_per_step", .array(r.stepRounds.map { round in .array(round.map { .rounded($0, digits: 5) }) })),
            ])),
            ("rates", KernelRatesDocument.make(r.rates)), ("rates_after", KernelRatesDocument.make(r.ratesAfter)),
        ])
    }

    /// The details stored with one job's measurement row (compact JSON).
    public static func measurementDetails(_ job: ValidationView.Job, _ r: ValidationView) -> String {
        JSONValue.object([
            ("kind", .string(job.kind)), ("units", .number(Double(job.units))),
            ("relative_error", .rounded(job.relativeError, digits: 4)), ("blas_core", .string(r.blasCore)),
            ("threads", .number(Double(r.threads))), ("build", .string(r.build)),
        ]).rendered(pretty: false)
    }
}
