import Foundation

/// The unit of a scenario field a sweep or tornado varies, for axis labels ("schedule.horizon_days
/// (days)"). Keyed by the field's last path component; a field that is not listed gets no unit.
enum FieldUnits {
    static let byName: [String: String] = [
        "mfu": "fraction of peak", "usd_per_gpu_hour": "USD per GPU-hour", "pue": "ratio", "kg_co2_per_kwh": "kg CO2 per kWh",
        "gpu_watts": "W", "pool_gpus": "GPUs", "merge_efficiency": "fraction of bandwidth", "gemm_efficiency": "fraction of peak",
        "network_gb_per_s": "GB/s", "epochs": "epochs", "rank": "LoRA rank", "sequence_length": "tokens",
        "micro_batch_size": "sequences per GPU", "gradient_accumulation": "micro-steps", "job_startup_minutes": "minutes",
        "merge_startup_minutes": "minutes", "evaluation_examples_per_language": "examples", "examples": "examples",
        "tokens_per_example": "tokens", "count": "languages", "add_examples": "examples", "every_days": "days", "per_year": "per year",
        "horizon_days": "days",
    ]

    /// "schedule.horizon_days (days)", or the field alone.
    static func label(_ field: String) -> String {
        guard let name = field.split(separator: ".").last, let unit = byName[String(name)] else { return field }
        return "\(field) (\(unit))"
    }
}
