import Foundation

/// The file that keeps a pretrained base between `plan validate` runs: beside the run database,
/// one per setup name, holding its key (`Pretraining.key`) so a changed setup, seed or format
/// trains afresh and overwrites it.
///
/// Layout (little-endian): magic `PLANPT01`, key length (UInt32) and UTF-8 key, steps (UInt32),
/// seconds, random-base loss and pretrained loss (Float64 each), weight count (UInt64), weights
/// (Float32).
public enum PretrainingCache {
    static let magic = Array("PLANPT01".utf8)

    /// The cache file for `setup` beside the database at `databasePath`.
    public static func file(databasePath: String, setup: String) -> URL {
        URL(fileURLWithPath: databasePath + ".pretrained-\(setup).bin")
    }

    /// The cached base when `url` holds one for `key` (nil when absent, unreadable, of another
    /// key or malformed: the caller trains afresh).
    /// The base stored in `cache` under `key` (with `weightCount` weights), else `train()`'s,
    /// written there when a cache is given. Returns the base and a one-line warning when the
    /// cache could not be written.
    static func base(_ cache: URL?, key: String, weightCount: Int, train: () throws -> Pretraining.Base) throws
        -> (base: Pretraining.Base, warning: String?)
    {
        if let cache, let cached = read(cache, key: key), cached.weights.count == weightCount { return (cached, nil) }
        let base = try train()
        guard let cache else { return (base, nil) }
        do {
            try write(base, key: key, to: cache)
            return (base, nil)
        } catch {
            return (base, "could not cache the pretrained base in \(cache.path): \(error.localizedDescription)")
        }
    }

    public static func read(_ url: URL, key: String) -> Pretraining.Base? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        var reader = Reader(bytes: [UInt8](data))
        guard reader.take(magic.count) == magic, let keyLength = reader.uint32(), let keyBytes = reader.take(Int(keyLength)),
            String(decoding: keyBytes, as: UTF8.self) == key, let steps = reader.uint32(), let seconds = reader.float64(),
            let randomLoss = reader.float64(), let pretrainedLoss = reader.float64(), let count = reader.uint64(),
            count <= UInt64(reader.remaining / 4), UInt64(reader.remaining) == count * 4
        else { return nil }
        let weights = reader.floats(Int(count))
        guard weights.allSatisfy(\.isFinite) else { return nil }
        return Pretraining.Base(
            weights: weights, steps: Int(steps), seconds: seconds, randomLoss: randomLoss, pretrainedLoss: pretrainedLoss, reused: true)
    }

    /// Writes `base` for `key` to `url` atomically.
    /// - Throws: the file system's error.
    public static func write(_ base: Pretraining.Base, key: String, to url: URL) throws {
        var bytes = magic
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        let keyBytes = Array(key.utf8)
        append(UInt32(keyBytes.count))
        bytes += keyBytes
        append(UInt32(clamping: base.steps))
        for value in [base.seconds, base.randomLoss, base.pretrainedLoss] { append(value.bitPattern) }
        append(UInt64(base.weights.count))
        bytes.reserveCapacity(bytes.count + 4 * base.weights.count)
        for weight in base.weights { append(weight.bitPattern) }
        try Data(bytes).write(to: url, options: .atomic)
    }

    /// Reads fields off a byte array (nil past the end).
    struct Reader {
        let bytes: [UInt8]
        var position = 0
        var remaining: Int { bytes.count - position }
        mutating func take(_ count: Int) -> [UInt8]? {
            guard count >= 0, count <= remaining else { return nil }
            defer { position += count }
            return Array(bytes[position..<(position + count)])
        }
        mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
            let size = MemoryLayout<T>.size
            guard size <= remaining else { return nil }
            defer { position += size }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: T.self)) }
        }
        /// `count` little-endian Float32 values, in one pass (the caller checked that they fit).
        mutating func floats(_ count: Int) -> [Float] {
            precondition(count >= 0 && count * 4 <= remaining)
            defer { position += count * 4 }
            return bytes.withUnsafeBytes { raw in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: position + 4 * $0, as: UInt32.self))) }
            }
        }
        mutating func uint32() -> UInt32? { integer(UInt32.self) }
        mutating func uint64() -> UInt64? { integer(UInt64.self) }
        mutating func float64() -> Double? { integer(UInt64.self).map(Double.init(bitPattern:)) }
    }
}
