import Foundation
import Testing
@testable import PlanKernels

/// Builds a safetensors file from a raw header text and data bytes.
func safetensorsBytes(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    let length = declaredLength ?? UInt64(headerBytes.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + headerBytes + data
}

@Suite("safetensors reader and writer")
struct SafetensorsTests {
    @Test("F32 tensors round-trip through encode and decode, keeping row-major order")
    func roundTrip() throws {
        let matrix = try Matrix<Float>(rowMajor: [1, 2, 3, 4, 5, 6], rows: 2, columns: 3)
        let tensors = ["w": Tensor(matrix), "v": try Tensor(shape: [4], elements: [-1, 0.5, .leastNonzeroMagnitude, 3e38])]
        let bytes = try SafetensorsFile.encode(tensors)
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + headerLength) % 8 == 0)
        let decoded = try SafetensorsFile.decode(bytes, path: "t")
        #expect(decoded == tensors)
        #expect(try decoded["w"]?.matrix() == matrix)
        #expect(decoded["w"]?.elements == [1, 2, 3, 4, 5, 6])
    }

    @Test("F16 and BF16 tensors are converted to Float exactly")
    func halfPrecision() throws {
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, smallest subnormal 0x0001 = 2^-24.
        // BF16: 1.0 = 0x3F80, -0.5 = 0xBF00.
        let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001]
        let bf16: [UInt16] = [0x3F80, 0xBF00]
        let data = (f16 + bf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let header = #"{"a":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]}}"#
        let tensors = try SafetensorsFile.decode(safetensorsBytes(header: header, data: data), path: "t")
        #expect(tensors["a"]?.elements == [1, -2, 65504, 0x1p-24])
        #expect(tensors["b"]?.elements == [1, -0.5])
    }

    struct BadFile: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let message: String
        var testDescription: String { name }
    }

    static let valid = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
    static let badFiles: [BadFile] = [
        BadFile(name: "empty file", bytes: [], message: "empty file"),
        BadFile(name: "truncated before the header length", bytes: [1, 2, 3], message: "truncated"),
        BadFile(
            name: "header length beyond the file",
            bytes: safetensorsBytes(header: valid, data: [UInt8](repeating: 0, count: 8), declaredLength: 10_000),
            message: "beyond the end"),
        BadFile(
            name: "header length absurdly large",
            bytes: safetensorsBytes(header: valid, data: [], declaredLength: UInt64.max), message: "beyond the end"),
        BadFile(name: "non-json header", bytes: safetensorsBytes(header: "not json at all", data: []), message: "not a json object"),
        BadFile(name: "json array header", bytes: safetensorsBytes(header: "[1,2]", data: []), message: "not a json object"),
        BadFile(
            name: "offsets out of range",
            bytes: safetensorsBytes(header: valid, data: [UInt8](repeating: 0, count: 4)), message: "outside"),
        BadFile(
            name: "truncated data",
            bytes: safetensorsBytes(
                header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: [UInt8](repeating: 0, count: 10)),
            message: "outside"),
        BadFile(
            name: "unknown dtype",
            bytes: safetensorsBytes(
                header: #"{"a":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
            message: "dtype Q7"),
        BadFile(
            name: "shape does not match the byte span",
            bytes: safetensorsBytes(
                header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
            message: "needs 12 bytes"),
        BadFile(
            name: "negative dimension",
            bytes: safetensorsBytes(
                header: #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
            message: "non-negative"),
        BadFile(
            name: "overlapping tensors",
            bytes: safetensorsBytes(
                header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                data: [UInt8](repeating: 0, count: 12)),
            message: "overlap"),
        BadFile(
            name: "reversed offsets",
            bytes: safetensorsBytes(
                header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, data: [UInt8](repeating: 0, count: 8)),
            message: "outside"),
        BadFile(
            name: "shape of 2^62 elements (bytes overflow Int)",
            bytes: safetensorsBytes(
                header: #"{"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
            message: "more than 9223372036854775807 bytes"),
        BadFile(
            name: "shape whose element count overflows Int",
            bytes: safetensorsBytes(
                header: #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
            message: "too large"),
        BadFile(
            name: "metadata that is not an object",
            bytes: safetensorsBytes(header: #"{"__metadata__":3}"#, data: []), message: "__metadata__"),
    ]

    @Test("invalid files are refused with a one-line message", arguments: badFiles)
    func refusesInvalidFile(_ file: BadFile) {
        do {
            _ = try SafetensorsFile.decode(file.bytes, path: "bad.safetensors")
            Issue.record("decoded an invalid file")
        } catch let error as KernelError {
            #expect(error.kind == .invalidData)
            #expect(error.description.hasPrefix("bad.safetensors: "))
            #expect(error.description.contains(file.message), "\(error)")
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("__metadata__ is allowed and ignored")
    func metadataAllowed() throws {
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"#
        let tensors = try SafetensorsFile.decode(safetensorsBytes(header: header, data: [0, 0, 128, 63]), path: "t")
        #expect(tensors.keys.sorted() == ["a"])
        #expect(tensors["a"]?.elements == [1])
    }

    @Test("a missing file is a missing input")
    func missingFile() {
        #expect(throws: KernelError.self) { try SafetensorsFile.read(URL(fileURLWithPath: "/nonexistent/x.safetensors")) }
        do {
            _ = try SafetensorsFile.read(URL(fileURLWithPath: "/nonexistent/x.safetensors"))
        } catch let error as KernelError {
            #expect(error.kind == .missingInput)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
