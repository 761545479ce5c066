import Foundation
import GRDB
import PlanCore
import Testing
@testable import PlanStore

/// Run kinds are an enum whose raw values are the strings databases have always held.
struct RunKindTests {
    /// The stored strings, as databases written before `RunKind` hold them.
    static let stored: [(RunKind, String)] = [
        (.simulate, "simulate"), (.sweep, "sweep"), (.sensitivity, "sensitivity"), (.merge, "merge"), (.bench, "bench"),
        (.calibrate, "calibrate"), (.validate, "validate"), (.quality, "quality"),
    ]

    @Test func rawValuesAreTheStoredStrings() {
        #expect(Self.stored.map(\.0) == RunKind.known)
        for (kind, text) in Self.stored {
            #expect(kind.rawValue == text && RunKind(rawValue: text) == kind && kind.isKnown)
        }
        #expect(RunKind(rawValue: "sweep") == .unknown("sweep"))
    }

    @Test func everyKindRoundTripsThroughTheDatabase() throws {
        let store = try RunStore(path: RunStoreTests().temporaryPath())
        for (kind, text) in Self.stored {
            var run = RunStoreTests().sampleRun()
            run.kind = kind
            let id = try store.record(run) { _ in "{}" }
            let cell = try DatabaseQueue(path: store.path).read { try String.fetchOne($0, sql: "SELECT kind FROM run WHERE id = ?", arguments: [id]) }
            #expect(cell == text)
            #expect(try store.run(id).kind == kind)
            #expect(try store.list(kind: kind).map(\.id) == [id])
        }
        #expect(try store.latestID(kind: .simulate) == 1)
    }

    @Test func anUnknownStoredKindReadsAsUnknown() throws {
        let store = try RunStore(path: RunStoreTests().temporaryPath())
        let id = try store.record(RunStoreTests().sampleRun()) { _ in "{}" }
        try DatabaseQueue(path: store.path).write { try $0.execute(sql: "UPDATE run SET kind = 'forecast'") }
        let run = try store.run(id)
        #expect(run.kind == .unknown("forecast") && !run.kind.isKnown && run.kind.description == "forecast")
        #expect(try store.list().first?.kind == .unknown("forecast"))
        #expect(try store.list(kind: .unknown("forecast")).map(\.id) == [id])
        #expect(try store.latestID(kind: .simulate) == nil)
    }
}
