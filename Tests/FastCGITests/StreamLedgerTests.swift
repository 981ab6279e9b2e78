import Testing
@testable import FastCGI

/// Who may open an event stream when the server is full (`StreamLedger`).
@Suite struct StreamLedgerTests {
    private func admit(_ ledger: inout StreamLedger, _ address: String, limit: Int = 4, perAddress: Int = 10,
                       perNetwork: Int = 10) -> (id: UInt64, displacing: StreamEnding?)? {
        guard case .admitted(let id, _, let displacing) = ledger.admit(from: address, limit: limit, perAddress: perAddress,
                                                                        perNetwork: perNetwork) else { return nil }
        return (id, displacing)
    }

    @Test func aNewcomerToAFullServerDisplacesOnlyAHolderWithAtLeastTwoMore() {
        var ledger = StreamLedger()
        // Given a full server: three streams from one address, one from another
        for address in ["10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"] {
            #expect(admit(&ledger, address)?.displacing == nil)
        }
        // Then a new address is admitted, displacing one of the first address's
        let newcomer = admit(&ledger, "10.0.0.3")
        #expect(newcomer != nil && newcomer?.displacing != nil)
        // and, the displaced stream not yet closed, another new address displaces again (2 against 0)
        #expect(admit(&ledger, "10.0.0.4")?.displacing != nil)
        // but with every holder within one of another, a newcomer is refused
        guard case .refused(.serverFull(4)) = ledger.admit(from: "10.0.0.5", limit: 4, perAddress: 10, perNetwork: 10) else {
            Issue.record("a newcomer displaced a holder of one stream"); return
        }
        #expect(ledger.open == 6)
    }

    @Test func aStreamThatKeepsItsPlaceIsNeverDisplacedNorWeighsItsHolder() {
        var ledger = StreamLedger()
        // Given a full server: one address holds three consoles that keep their place and one other stream
        for _ in 0..<3 {
            _ = ledger.admit(from: "10.0.0.1", limit: 4, perAddress: 10, perNetwork: 10, endable: false)
        }
        let ordinary = admit(&ledger, "10.0.0.1")
        // Then a newcomer is refused: the address has one stream that may end, the newcomer none
        guard case .refused(.serverFull) = ledger.admit(from: "10.0.0.2", limit: 4, perAddress: 10, perNetwork: 10) else {
            Issue.record("a stream that keeps its place counted towards displacing"); return
        }
        // and when the ordinary stream closes, the console streams still count against the caps
        ledger.close(ordinary!.id, from: "10.0.0.1")
        #expect(ledger.open == 3)
        #expect(admit(&ledger, "10.0.0.2")?.displacing == nil)
        guard case .refused(.serverFull) = ledger.admit(from: "10.0.0.3", limit: 4, perAddress: 10, perNetwork: 10) else {
            Issue.record("a console was displaced"); return
        }
    }

    @Test func aHolderCannotDisplaceItself() {
        var ledger = StreamLedger()
        for _ in 0..<4 { _ = admit(&ledger, "10.0.0.1") }
        guard case .refused(.serverFull) = ledger.admit(from: "10.0.0.1", limit: 4, perAddress: 10, perNetwork: 10) else {
            Issue.record("the only holder took a place from itself"); return
        }
    }

    @Test func theSlash64sOfOneSlash48AreOneHolder() {
        var ledger = StreamLedger()
        // Given a full server: three /64s of one /48 and one other network
        for address in ["2001:db8:7:1::/64", "2001:db8:7:2::/64", "2001:db8:7:3::/64", "2001:db8:9:1::/64"] {
            _ = admit(&ledger, address)
        }
        // Then a fourth /64 of the same /48 is no newcomer: it holds three already
        guard case .refused(.serverFull) = ledger.admit(from: "2001:db8:7:4::/64", limit: 4, perAddress: 10, perNetwork: 10) else {
            Issue.record("a /64 of the heaviest /48 displaced its own network"); return
        }
        // while an IPv4 client is, and displaces one of that network's
        #expect(admit(&ledger, "10.0.0.1")?.displacing != nil)
    }

    @Test func aClosedStreamIsNoLongerDisplacedAndFreesItsPlace() {
        var ledger = StreamLedger()
        var ids: [UInt64] = []
        for address in ["10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"] { ids.append(admit(&ledger, address)!.id) }
        // When the first address's streams all close but one
        ledger.close(ids[1], from: "10.0.0.1")
        ledger.close(ids[2], from: "10.0.0.1")
        // Then two places are free: no one is displaced for them
        #expect(admit(&ledger, "10.0.0.3")?.displacing == nil)
        #expect(admit(&ledger, "10.0.0.3")?.displacing == nil)
        #expect(ledger.open == 4)
    }

    @Test func randomOpeningsAndClosingsDecideAsACountOfEveryHolderWould() {
        // A plain model: every holder's streams that can still be ended, counted afresh each time.
        var ledger = StreamLedger()
        var random = SystemRandomNumberGenerator()
        var open: [(id: UInt64, address: String)] = []
        var endable: [String: Set<UInt64>] = [:]
        var ends: [ObjectIdentifier: (id: UInt64, address: String)] = [:]
        let addresses = (1...12).map { "10.0.0.\($0)" }
        for _ in 0..<5_000 {
            if !open.isEmpty && Int.random(in: 0..<3, using: &random) == 0 {
                let closing = open.remove(at: Int.random(in: 0..<open.count, using: &random))
                ledger.close(closing.id, from: closing.address)
                endable[closing.address]?.remove(closing.id)
                continue
            }
            let address = addresses.randomElement(using: &random)!
            let heaviest = endable.values.map(\.count).max() ?? 0
            let mine = endable[address]?.count ?? 0
            switch ledger.admit(from: address, limit: 30, perAddress: 10, perNetwork: 100) {
            case .admitted(let id, let ending, let displaced):
                #expect(open.count < 30 || heaviest >= mine + 2)
                if let displaced {
                    let gone = ends[ObjectIdentifier(displaced)]!
                    #expect(endable[gone.address]?.count == heaviest)
                    endable[gone.address]?.remove(gone.id)
                }
                open.append((id, address))
                endable[address, default: []].insert(id)
                ends[ObjectIdentifier(ending)] = (id, address)
            case .refused(let refusal):
                #expect(open.filter { $0.address == address }.count >= 10 || (open.count >= 30 && heaviest < mine + 2), "\(refusal)")
            }
        }
    }
}
