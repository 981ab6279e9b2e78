import Foundation
import Testing
@testable import QueueCore

@Suite("The live picture's waiting list")
struct WaitingListTests {
    static func entry(_ id: Int64) -> LiveOffice.Waiting {
        var numbers: [Int64: String] = [:]
        return LiveOffice.Waiting(candidate: QueueCandidate(tokenID: id, queuedAt: Date(timeIntervalSince1970: Double(id))),
                                  number: "BC-\(id)", serviceNumber: Int(id % 3), targetCounter: nil, longNumbers: &numbers)
    }

    /// Random insertions and removals anywhere (mostly at the front, as calls take them, and at the
    /// end, as newcomers join) leave it equal to a plain array given the same, at every step, and a
    /// copy taken midway keeps what it held.
    /// (In chunks of 4 to 64, so that chunks fill, split, empty and merge; and cut short now and then.)
    @Test(arguments: 1...8) func itHoldsWhatAnArrayWouldThroughAnyInsertionsAndRemovals(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var model: [LiveOffice.Waiting] = (0..<200).map { Self.entry($0) }
        var list = WaitingList(model, chunkSize: [4, 7, 16, 64][Int(seed) % 4])
        var next: Int64 = 1_000
        var copy: (WaitingList, [LiveOffice.Waiting])?
        for step in 0..<3_000 {
            let roll = Int.random(in: 0..<10, using: &random)
            if step % 97 == 96 {
                // Now and then (as a forecast plan's tokens are): cut short, an entry replaced, some appended
                let keep = Int.random(in: 0...model.count, using: &random)
                model.removeSubrange(keep...)
                list.removeSubrange(keep...)
                if !model.isEmpty {
                    let at = Int.random(in: 0..<model.count, using: &random)
                    model[at] = Self.entry(next)
                    list[at] = Self.entry(next)
                    next += 1
                }
                let more = (0..<Int.random(in: 0...40, using: &random)).map { Self.entry(next + Int64($0)) }
                next += Int64(more.count)
                model += more
                list += more
            } else if step % 89 == 88 {
                // Several at once anywhere (a forecast's newcomers, before those it expects): up to
                // three chunks' worth, so that one chunk must be cut into several.
                let at = Int.random(in: 0...model.count, using: &random)
                let more = (0..<Int.random(in: 0...(3 * list.chunkSize), using: &random)).map { Self.entry(next + Int64($0)) }
                next += Int64(more.count)
                model.insert(contentsOf: more, at: at)
                list.insert(contentsOf: more, at: at)
            } else if model.isEmpty || roll < 3 {
                let at = roll == 0 || model.isEmpty ? model.count : Int.random(in: 0...model.count, using: &random)
                model.insert(Self.entry(next), at: at)
                list.insert(Self.entry(next), at: at)
                next += 1
            } else {
                let at = roll < 7 ? Int.random(in: 0..<min(3, model.count), using: &random) : Int.random(in: 0..<model.count, using: &random)
                #expect(list.remove(at: at) == model.remove(at: at))
            }
            if step == 1_500 { copy = (list, model) }
            #expect(Array(list) == model)
            #expect(list.indices.map { list[$0] } == model)
            var runs: [LiveOffice.Waiting] = []
            let from = model.isEmpty ? 0 : Int.random(in: 0..<model.count, using: &random)
            list.forEachRun(from: from) { first, run in
                #expect(first == from + runs.count)
                runs += run
            }
            #expect(runs == Array(model[from...]))
        }
        #expect(Array(copy!.0) == copy!.1)
    }

    /// How many of an ascending list are below a value, as a count over an array gives it.
    @Test func itCountsThoseBelowAValueAsAPassWould() {
        var random = SeededRandom(seed: 7)
        var times: [Double] = []
        for _ in 0..<2_000 { times.append((times.last ?? 0) + Double(Int.random(in: 0...3, using: &random))) }
        let list = ChunkedList(times, chunkSize: 16)
        for value in [-1.0, 0, 0.5] + (0..<200).map({ _ in Double(Int.random(in: 0...6_100, using: &random)) }) {
            #expect(list.count(below: value) == times.count { $0 < value }, "below \(value)")
        }
        #expect(ChunkedList<Double>().count(below: 1) == 0)
    }

    @Test func takingTheFrontAgainAndAgainEmptiesItInOrder() {
        var list = WaitingList((0..<1_000).map { Self.entry($0) })
        for id in 0..<1_000 { #expect(list.remove(at: 0).id == Int64(id)) }
        #expect(list.isEmpty)
        list.append(Self.entry(5))
        list.insert(Self.entry(4), at: 0)
        #expect(list.map(\.id) == [4, 5])
    }
}
