import Foundation

/// The safetensors format: an 8-byte little-endian header length, a JSON header that maps tensor
/// names to `dtype`, `shape` and `data_offsets` (relative to the data area), then the data.
///
/// Reading accepts F32, F16 and BF16 (converted to Float) and validates the header strictly (a
/// tensor name or field that appears twice is refused, `JSONKeys`);
/// writing produces F32.
public enum SafetensorsFile {
    /// Upper bound on the JSON header, as in the reference implementation (100 MB).
    static let maximumHeaderBytes = 100_000_000

    /// Reads every tensor of the file at `url`.
    /// - Throws: `KernelError.missingInput` when the file cannot be read, `KernelError.invalidData`
    ///   when it is not a valid safetensors file.
    /// - Complexity: O(file size).
    public static func read(_ url: URL) throws -> [String: Tensor] {
        let bytes: Data
        do {
            // Mapped, not read: the tensors are decoded straight from the page cache, without a
            // copy of the whole file (that copy was a third of `plan merge`'s time).
            bytes = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw KernelError.missingInput(
                path: url.path, reason: "cannot read the safetensors file; check that it exists and is readable")
        }
        return try decode(bytes, path: url.path)
    }

    /// Decodes safetensors bytes from any contiguous storage (an array, a memory-mapped file);
    /// `path` only labels errors.
    /// - Throws: `KernelError.invalidData` on any violation of the format.
    public static func decode<Bytes: ContiguousBytes & RandomAccessCollection<UInt8>>(
        _ bytes: Bytes, path: String
    ) throws -> [String: Tensor] {
        func invalid(_ reason: String) -> KernelError { .invalidData(path: path, reason: reason) }
        guard !bytes.isEmpty else {
            throw invalid("empty file, not a safetensors file; re-export the adapter")
        }
        guard bytes.count >= 8 else {
            throw invalid("truncated safetensors file: \(bytes.count) bytes, shorter than the 8-byte header length")
        }
        let lengthBytes = BufferScope<UInt8>.bytes(bytes, offset: 0, count: 8)
        var headerLength = 0
        for index in 0..<8 { headerLength |= Int(lengthBytes[index]) << (8 * index) }
        guard headerLength >= 0, headerLength <= maximumHeaderBytes, headerLength <= bytes.count - 8 else {
            throw invalid(
                "safetensors header length \(headerLength) runs beyond the end of the \(bytes.count)-byte file; "
                    + "the file is truncated or not safetensors")
        }
        let headerData = Data(BufferScope<UInt8>.bytes(bytes, offset: 8, count: headerLength))
        switch JSONKeys.firstProblem(in: headerData) {
        case let .duplicate(key, within)?:
            let what = within.isEmpty ? "names the tensor \(JSONKeys.quoted(key)) twice" : "repeats the field \(JSONKeys.quoted(key)) of \(JSONKeys.quoted(within[0]))"
            throw invalid("the safetensors header \(what); readers disagree on which entry counts, so the file is refused: re-export it")
        case .tooDeep?:
            throw invalid("the safetensors header nests deeper than \(JSONKeys.maximumDepth) levels; the file is corrupt or not safetensors")
        case nil: break
        }
        guard let header = JSONValue.parse(headerData), let entries = header.objectValue else {
            throw invalid("safetensors header is not a json object; the file is corrupt or not safetensors")
        }
        let dataStart = 8 + headerLength
        let dataCount = bytes.count - dataStart
        var spans: [(name: String, begin: Int, end: Int, dtype: DType, shape: [Int])] = []
        for (name, entry) in entries {
            if name == "__metadata__" {
                guard entry.objectValue != nil else { throw invalid("__metadata__ must be a json object") }
                continue
            }
            guard let fields = entry.objectValue else { throw invalid("tensor '\(name)': entry is not a json object") }
            guard let dtypeName = fields["dtype"]?.stringValue else {
                throw invalid("tensor '\(name)': missing dtype")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw invalid("tensor '\(name)': dtype \(dtypeName) is not supported (use F32, F16 or BF16)")
            }
            guard let shapeValues = fields["shape"]?.arrayValue else { throw invalid("tensor '\(name)': missing shape") }
            let shape = shapeValues.compactMap(\.intValue)
            guard shape.count == shapeValues.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw invalid("tensor '\(name)': shape must be a list of non-negative integers")
            }
            guard let offsets = fields["data_offsets"]?.arrayValue?.compactMap(\.intValue), offsets.count == 2 else {
                throw invalid("tensor '\(name)': data_offsets must be two integers [begin, end]")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataCount else {
                throw invalid(
                    "tensor '\(name)': data_offsets [\(begin), \(end)] lie outside the \(dataCount)-byte data area; "
                        + "the file is truncated or corrupt")
            }
            var elementCount = 1
            for dimension in shape {
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw invalid("tensor '\(name)': shape \(shape) is too large") }
                elementCount = product
            }
            let needed = elementCount.multipliedReportingOverflow(by: dtype.byteCount)
            guard needed == (end - begin, false) else {
                // The byte count may itself overflow (shape [2^62]): say so instead of computing it.
                let bytes = needed.overflow ? "more than \(Int.max)" : "\(needed.partialValue)"
                throw invalid(
                    "tensor '\(name)': shape \(shape) of \(dtypeName) needs \(bytes) bytes "
                        + "but data_offsets span \(end - begin)")
            }
            spans.append((name, begin, end, dtype, shape))
        }
        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.begin < previous.end {
            throw invalid("tensors '\(previous.name)' and '\(next.name)' overlap in the data area")
        }
        var tensors: [String: Tensor] = [:]
        for span in spans {
            let offset = dataStart + span.begin
            let count = (span.end - span.begin) / span.dtype.byteCount
            let elements: [Float] = switch span.dtype {
            case .f32:
                BufferScope<UInt8>.decodeLittleEndian(bytes, offset: offset, count: count, as: UInt32.self) {
                    Float(bitPattern: $0)
                }
            case .f16:
                BufferScope<UInt8>.decodeLittleEndian(bytes, offset: offset, count: count, as: UInt16.self) {
                    DType.float(fromHalfBits: $0)
                }
            case .bf16:
                BufferScope<UInt8>.decodeLittleEndian(bytes, offset: offset, count: count, as: UInt16.self) {
                    DType.float(fromBFloat16Bits: $0)
                }
            }
            tensors[span.name] = try Tensor(shape: span.shape, elements: elements)
        }
        return tensors
    }

    /// Encodes tensors as F32 safetensors, sorted by name, with `{"format": "pt"}` metadata.
    /// - Complexity: O(total elements).
    public static func encode(_ tensors: [String: Tensor]) throws -> [UInt8] {
        var header: [String: JSONValue] = ["__metadata__": .object(["format": .string("pt")])]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            guard let tensor = tensors[name] else { continue }
            let byteCount = tensor.elements.count * 4
            header[name] = .object([
                "dtype": .string(DType.f32.rawValue),
                "shape": .array(tensor.shape.map { .integer($0) }),
                "data_offsets": .array([.integer(offset), .integer(offset + byteCount)]),
            ])
            offset += byteCount
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headerBytes = [UInt8](try encoder.encode(JSONValue.object(header)))
        // Pad with spaces so the data area starts 8-byte aligned, as the reference writer does.
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(0x20) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        let length = UInt64(headerBytes.count)
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(index)))) }
        bytes.append(contentsOf: headerBytes)
        for name in names {
            guard let tensor = tensors[name] else { continue }
            bytes.append(contentsOf: BufferScope<UInt8>.littleEndianBytes(of: tensor.elements))
        }
        return bytes
    }

    /// Writes tensors as an F32 safetensors file at `url`.
    /// - Throws: `KernelError.cannotCreateOutput` when the file cannot be written.
    public static func write(_ tensors: [String: Tensor], to url: URL) throws {
        let bytes = try encode(tensors)
        do {
            try Data(bytes).write(to: url)
        } catch {
            throw KernelError.cannotCreateOutput(path: url.path, reason: "\(error.localizedDescription)")
        }
    }
}
